/** `build feed now` (admins) and `feed status` (everyone; the secret URL for admins only). */
import { AppError } from '../../domain/errors';
import { seesAllJobs } from '../../domain/settings';
import type { BuildOutcome } from '../../feed/feedService';
import { t } from '../../i18n/strings';
import { buildResultCard, feedStatusCard, zonedTime, type HeldBackLine, type HeldBackView } from '../feedViews';
import type { BotDeps, Caller, CardHandler, MessageHandler } from '../types';
import { requireRole } from './jobAccess';
import type { Reply } from '../../shared/types';

/** Held-back jobs listed on a card; the rest are counted. */
const HELD_BACK_LISTED = 10;
const OWN_JOBS_PAGE = 100;

type HeldBackJob = BuildOutcome['heldBack'][number];

/** The refusal names the next scheduled build, so nobody is left wondering whether their job will go out. */
async function refusalUnlessAdmin(deps: BotDeps, caller: Caller): Promise<Reply | undefined> {
  try {
    requireRole(caller, 'admin');
    return undefined;
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'FORBIDDEN') throw error;
    const next = await deps.feed.nextBuildAt(caller.tenantId);
    return { text: t(caller.language, 'feed.build.adminsOnly', { next: zonedTime(caller.language, next, caller.timeZone ?? 'UTC') }) };
  }
}

async function withTitles(deps: BotDeps, caller: Caller, heldBack: readonly HeldBackJob[]): Promise<HeldBackLine[]> {
  return Promise.all(
    heldBack.map(async (item) => ({ ...item, title: (await deps.jobs.get(caller.tenantId, item.jobId))?.title }))
  );
}

/** A hiring manager's own held-back jobs: their jobs (a handful, usually) crossed with the held-back list. */
async function ownHeldBack(deps: BotDeps, caller: Caller, heldBack: readonly HeldBackJob[]): Promise<HeldBackLine[]> {
  const reasonsById = new Map(heldBack.map((item) => [item.jobId, item.reasons]));
  const lines: HeldBackLine[] = [];
  let page: string | undefined;
  do {
    const result = await deps.jobs.list({ tenantId: caller.tenantId, authorAadObjectId: caller.aadObjectId, pageSize: OWN_JOBS_PAGE, page });
    for (const job of result.jobs) {
      const reasons = reasonsById.get(job.id);
      if (reasons) lines.push({ jobId: job.id, title: job.title, reasons });
    }
    page = result.next;
  } while (page && lines.length < HELD_BACK_LISTED);
  return lines.slice(0, HELD_BACK_LISTED);
}

/** Recruiters and admins see every held-back job; hiring managers see only their own (others' jobs are not theirs to see). */
async function heldBackView(deps: BotDeps, caller: Caller, heldBack: readonly HeldBackJob[], total: number): Promise<HeldBackView> {
  if (seesAllJobs(caller.role)) {
    return { lines: await withTitles(deps, caller, heldBack.slice(0, HELD_BACK_LISTED)), total, yoursOnly: false };
  }
  const lines = await ownHeldBack(deps, caller, heldBack);
  return { lines, total: lines.length, yoursOnly: true };
}

async function buildNow(deps: BotDeps, caller: Caller): Promise<Reply> {
  const refusal = await refusalUnlessAdmin(deps, caller);
  if (refusal) return refusal;
  const outcome = await deps.feed.buildNow(caller.tenantId);
  const status = await deps.feed.status(caller.tenantId);
  return {
    card: buildResultCard({
      language: caller.language,
      timeZone: caller.timeZone ?? status.timeZone,
      outcome,
      heldBack: await heldBackView(deps, caller, outcome.heldBack, outcome.heldBackTotal),
      lastDownload: status.lastDownload,
      nextBuildAt: status.nextBuildAt,
      now: deps.now()
    })
  };
}

async function showStatus(deps: BotDeps, caller: Caller): Promise<Reply> {
  const [status, settings] = await Promise.all([deps.feed.status(caller.tenantId), deps.settings.get(caller.tenantId)]);
  return {
    card: feedStatusCard({
      channel: { postingChannel: settings.postingChannel, switchingTo: settings.channelSwitch?.to },
      language: caller.language,
      timeZone: caller.timeZone ?? status.timeZone,
      status,
      heldBack: await heldBackView(deps, caller, status.heldBack, status.heldBackTotal),
      isAdmin: caller.role === 'admin',
      now: deps.now()
    })
  };
}

export const buildFeedNow: MessageHandler = (deps, caller) => buildNow(deps, caller);
export const buildFeedNowFromCard: CardHandler = (deps, caller) => buildNow(deps, caller);
export const feedStatus: MessageHandler = (deps, caller) => showStatus(deps, caller);
export const feedStatusFromCard: CardHandler = (deps, caller) => showStatus(deps, caller);
