import type { CardHandler } from '../types';
import { findJob } from './jobAccess';
import { jobCardReply } from './jobFeed';

export const showJobFromCard: CardHandler = async (deps, caller, data) => jobCardReply(deps, caller, await findJob(deps, caller, data.jobId));
