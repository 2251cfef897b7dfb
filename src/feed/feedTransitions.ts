/**
 * The job state changes a feed causes, and the notices about them. Each step stores the state change first, then
 * enqueues the notices (idempotent by key), then marks the step done on the snapshot's progress row; a step found
 * not done (a crash in between) is simply run again, which moves nothing twice and enqueues nothing twice.
 *   fed:    a build's jobs move queued → in_feed; each author gets `feed.in_feed` (key `feed-in:<jobId>`).
 *   posted: LinkedIn's first download of a snapshot moves its jobs in_feed → posted; `feed.posted` (`feed-posted:<jobId>`).
 */
import type { Job } from '../domain/job';
import type { Notifier } from '../notifications/notifier';
import type { FeedEventStore } from '../storage/feedEventStore';
import type { FeedSnapshotStore, SnapshotMeta } from '../storage/feedSnapshotStore';
import type { JobStore } from '../storage/jobStore';
import { snapshotJobIds } from './snapshotJobIds';
import type { Notice } from '../shared/types';

export const FEED_IN_KIND = 'feed.in_feed';
export const FEED_POSTED_KIND = 'feed.posted';
const NOTICES_PER_ENQUEUE = 100;
/** LinkedIn reads a feed about once a day (XML feed job posting guidelines). */
const DOWNLOAD_INTERVAL_MS = 24 * 3_600_000;

export interface FeedTransitionDeps {
  jobs: JobStore;
  snapshots: FeedSnapshotStore;
  events: FeedEventStore;
  notifier: Notifier;
}

export class FeedTransitions {
  /** One run per snapshot step at a time in this process. */
  private readonly running = new Map<string, Promise<number>>();

  constructor(private readonly deps: FeedTransitionDeps) {}

  /** queued → in_feed for the snapshot's jobs, then their notices. `ids` saves re-reading the snapshot. */
  fed(tenantId: string, snapshot: SnapshotMeta, ids?: ReadonlySet<string>, now: Date = new Date()): Promise<number> {
    return this.once(`fed|${tenantId}|${snapshot.snapshotId}`, async () => {
      const progress = await this.deps.events.progress(tenantId, snapshot.snapshotId);
      if (!progress || progress.fedDone) return 0;
      const fedIds = ids ?? (await this.idsOf(tenantId, snapshot));
      const moved = await this.deps.jobs.markInFeed(tenantId, fedIds, new Date(progress.builtAt));
      const hint = await this.nextDownloadHint(tenantId, now);
      await this.notify(tenantId, 'in_feed', fedIds, (job) => job.firstFedAt === progress.builtAt, (job) => ({
        tenantId, key: `feed-in:${job.id}`, to: { kind: 'user', aadObjectId: job.author.aadObjectId },
        message: { kind: FEED_IN_KIND, data: { jobId: job.id, title: job.title, nextDownloadHint: hint } }
      }));
      await this.deps.events.markFedDone(tenantId, snapshot.snapshotId);
      return moved;
    });
  }

  /** LinkedIn downloaded `snapshot`: on the first download, in_feed → posted for its jobs, then their notices. */
  posted(tenantId: string, snapshot: SnapshotMeta, at: Date): Promise<number> {
    return this.once(`posted|${tenantId}|${snapshot.snapshotId}`, async () => {
      const progress = await this.deps.events.firstDownload(tenantId, snapshot.snapshotId, at);
      if (!progress?.firstDownloadAt || progress.postedDone) return 0;
      const ids = await this.idsOf(tenantId, snapshot);
      if (!progress.fedDone) await this.fed(tenantId, snapshot, ids);
      const moved = await this.deps.jobs.markPosted(tenantId, ids, new Date(progress.firstDownloadAt));
      await this.notify(tenantId, 'posted', ids, (job) => job.postedAt === progress.firstDownloadAt, (job) => ({
        tenantId, key: `feed-posted:${job.id}`, to: { kind: 'user', aadObjectId: job.author.aadObjectId },
        message: { kind: FEED_POSTED_KIND, data: { jobId: job.id, title: job.title } }
      }));
      await this.deps.events.markPostedDone(tenantId, snapshot.snapshotId);
      return moved;
    });
  }

  /** Finishes whatever a crash left undone for the snapshot being served. */
  async settle(tenantId: string): Promise<void> {
    const snapshot = await this.deps.snapshots.current(tenantId);
    if (!snapshot) return;
    const progress = await this.deps.events.progress(tenantId, snapshot.snapshotId);
    if (!progress) return;
    if (!progress.fedDone) await this.fed(tenantId, snapshot);
    if (progress.firstDownloadAt && !progress.postedDone) await this.posted(tenantId, snapshot, new Date(progress.firstDownloadAt));
  }

  /**
   * When LinkedIn is expected to read the feed next (ISO time): a day after its last download, moved on by whole days
   * past `now`; undefined while LinkedIn has never downloaded this tenant's feed.
   */
  async nextDownloadHint(tenantId: string, now: Date): Promise<string | undefined> {
    const last = await this.deps.events.lastDownload(tenantId);
    if (!last) return undefined;
    let next = Date.parse(last.at) + DOWNLOAD_INTERVAL_MS;
    while (next < now.getTime()) next += DOWNLOAD_INTERVAL_MS;
    return new Date(next).toISOString();
  }

  private idsOf(tenantId: string, snapshot: SnapshotMeta): Promise<Set<string>> {
    return snapshotJobIds(this.deps.snapshots.open(tenantId, snapshot.snapshotId));
  }

  /** Notices for the jobs of `ids` now in `state` that this step moved (told apart by the time stamped on them). */
  private async notify(
    tenantId: string, state: 'in_feed' | 'posted', ids: ReadonlySet<string>, movedHere: (job: Job) => boolean, notice: (job: Job) => Notice
  ): Promise<void> {
    const batch: Notice[] = [];
    for await (const job of this.deps.jobs.streamTenant(tenantId, { states: [state] })) {
      if (!ids.has(job.id) || !movedHere(job)) continue;
      batch.push(notice(job));
      if (batch.length === NOTICES_PER_ENQUEUE) await this.deps.notifier.enqueue(batch.splice(0));
    }
    if (batch.length > 0) await this.deps.notifier.enqueue(batch);
  }

  private once(key: string, run: () => Promise<number>): Promise<number> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const started = run().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }
}
