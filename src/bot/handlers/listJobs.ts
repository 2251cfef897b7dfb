import { seesAllJobs } from '../../domain/settings';
import type { CardHandler, MessageHandler, BotDeps, Caller } from '../types';
import { jobListCard } from '../views';
import { heldBackLookup, jobListFeedView } from './jobFeed';
import type { Reply } from '../../shared/types';

const PAGE_SIZE = 10;

async function listPage(deps: BotDeps, caller: Caller, page?: string): Promise<Reply> {
  const everyone = seesAllJobs(caller.role);
  const author = everyone ? undefined : caller.aadObjectId;
  const [result, lookup] = await Promise.all([
    deps.jobs.list({ tenantId: caller.tenantId, authorAadObjectId: author, pageSize: PAGE_SIZE, page }),
    heldBackLookup(deps, caller)
  ]);
  const feed = await jobListFeedView(deps, caller, result.jobs, lookup);
  return { card: jobListCard({ language: caller.language, jobs: result.jobs, everyone, next: result.next, ...feed }) };
}

export const listJobs: MessageHandler = (deps, caller) => listPage(deps, caller);

export const listJobsFromCard: CardHandler = (deps, caller, data) =>
  listPage(deps, caller, typeof data.page === 'string' && data.page !== '' ? data.page : undefined);
