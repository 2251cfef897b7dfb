import type { CardHandler } from '../types';
import { jobCard } from '../views';
import { canChange, findJob } from './jobAccess';

export const showJobFromCard: CardHandler = async (deps, caller, data) => {
  const job = await findJob(deps, caller, data.jobId);
  return { card: jobCard({ language: caller.language, job, canEdit: canChange(caller, job) }) };
};
