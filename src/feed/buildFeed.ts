/**
 * One feed build for one tenant: lease → stream jobs from storage through the XML writer into a gzip snapshot draft →
 * publish only when complete → move the fed jobs in feed (and tell their authors) → mark the schedule slot done.
 * A crash at any point leaves the previous snapshot served: the pointer moves only to a finished draft.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { createGzip, gzipSync, type Gzip } from 'node:zlib';
import { FeedTooLargeError, MAX_FEED_JOBS, feedSettingsOf } from '../domain/feedRules';
import { renderFeedHeader, writeFeedBody, type FeedSink } from '../domain/feedXmlWriter';
import type { Job } from '../domain/job';
import type { TenantSettings } from '../domain/settings';
import type { Logger } from '../logger';
import { measure, traced } from '../telemetry';
import type { FeedSnapshotStore, SnapshotDraft, SnapshotMeta } from '../storage/feedSnapshotStore';
import { STORED_HELD_BACK_MAX } from '../storage/feedSnapshotStore';
import type { FeedEventStore } from '../storage/feedEventStore';
import type { JobStore } from '../storage/jobStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { SettingsReader } from '../storage/settingsStore';
import type { BuildOutcome } from './feedService';
import type { FeedTransitions } from './feedTransitions';
import { scheduleAt } from './schedule';

export interface FeedBuilderDeps {
  jobs: JobStore;
  snapshots: FeedSnapshotStore;
  leases: LeaseStore;
  events: FeedEventStore;
  settings: SettingsReader;
  transitions: FeedTransitions;
  logger: Logger;
  now?: () => Date;
  /** Lease time to live; renewed every third of it while building. */
  leaseTtlMs?: number;
  maxJobs?: number;
  /** gzip level: 6 is zlib's default; lower is faster, a little larger. */
  gzipLevel?: number;
}

export interface BuildRequest {
  /** The schedule slot this build settles; default the slot due now under the tenant's settings. */
  slot?: string;
  /** Skip the build when the slot is already done (the scheduler); `build feed now` builds regardless. */
  onlyIfSlotOpen?: boolean;
}

export type BuildResult = BuildOutcome & { snapshot?: SnapshotMeta };

/** Text is gathered into pieces of this size before gzip, which is much faster than many small writes. */
const GZIP_INPUT_BYTES = 64 * 1024;
const DEFAULT_LEASE_TTL_MS = 60_000;

export const feedLeaseName = (tenantId: string) => `feed-build:${tenantId}`;

class LeaseLostError extends Error {
  constructor() {
    super('The feed build lease was lost (another instance took over); nothing was published');
  }
}

/** Holds a lease while work runs, renewing it; `lost` turns true if a renewal fails. */
class LeaseKeeper {
  lost = false;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly leases: LeaseStore, private readonly name: string, private readonly holder: string, ttlMs: number) {
    this.timer = setInterval(() => {
      leases.renew(name, holder, ttlMs).then((held) => { if (!held) this.lost = true; }, () => { this.lost = true; });
    }, Math.max(1000, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  check(): void {
    if (this.lost) throw new LeaseLostError();
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.leases.release(this.name, this.holder).catch(() => undefined);
  }
}

/** The body's text → gzip → snapshot draft, hashing the XML on the way; backpressure from storage reaches the writer. */
class GzipDraftSink implements FeedSink {
  private pending: string[] = [];
  private pendingBytes = 0;
  private readonly gzip: Gzip;
  private readonly hash = createHash('sha256');
  private readonly stored: Promise<void>;
  /** Rejects as soon as storing fails, so a writer waiting for gzip to drain is not left waiting. */
  private readonly storeFailed: Promise<never>;

  constructor(draft: SnapshotDraft, level: number, private readonly keeper: LeaseKeeper) {
    const gzip = createGzip({ level });
    this.gzip = gzip;
    this.stored = (async () => {
      for await (const chunk of gzip) await draft.append(chunk as Buffer);
    })();
    this.storeFailed = this.stored.then(() => new Promise<never>(() => undefined));
    this.storeFailed.catch(() => undefined);
    this.stored.catch((error: Error) => this.gzip.destroy(error));
  }

  async write(chunk: string): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= GZIP_INPUT_BYTES) await this.flush();
  }

  /** The XML body's SHA-256, once everything is stored. */
  async end(): Promise<Buffer> {
    await this.flush();
    this.gzip.end();
    await this.stored;
    return this.hash.digest();
  }

  abandon(): void {
    this.gzip.destroy();
    this.stored.catch(() => undefined);
  }

  private async flush(): Promise<void> {
    this.keeper.check();
    if (this.pending.length === 0) return;
    const bytes = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    this.hash.update(bytes);
    if (!this.gzip.write(bytes)) await Promise.race([once(this.gzip, 'drain'), this.storeFailed]);
  }
}

async function* noJobs(): AsyncIterable<Job> {}

export class FeedBuilder {
  private readonly holder = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly now: () => Date;

  constructor(private readonly deps: FeedBuilderDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** One build, in a `feed.build` span; its log lines carry the tenant and a build id. */
  build(tenantId: string, request: BuildRequest = {}): Promise<BuildResult> {
    const buildId = randomBytes(6).toString('hex');
    const logger = this.deps.logger.child({ tenantId, buildId });
    const started = Date.now();
    return traced('feed.build', { tenant: tenantId, 'feed.build_id': buildId }, async (span) => {
      const result = await this.buildOnce(tenantId, request, logger);
      span.setAttributes({ 'feed.outcome': result.outcome, 'feed.jobs': result.jobCount });
      if (result.outcome !== 'busy') measure.feedBuilt(tenantId, (Date.now() - started) / 1000, result.outcome);
      return result;
    });
  }

  private async buildOnce(tenantId: string, request: BuildRequest, logger: Logger): Promise<BuildResult> {
    const ttl = this.deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
    const leaseName = feedLeaseName(tenantId);
    if (!(await this.deps.leases.tryAcquire(leaseName, this.holder, ttl))) {
      return this.notBuilt('busy', 'Another instance is building this feed right now.');
    }
    const keeper = new LeaseKeeper(this.deps.leases, leaseName, this.holder, ttl);
    try {
      const settings = await this.deps.settings.get(tenantId);
      const slot = request.slot ?? scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone }).slot;
      if (request.onlyIfSlotOpen && (await this.deps.leases.isSlotDone(tenantId, slot))) {
        return this.notBuilt('busy', `The ${slot} build is already done.`);
      }
      // Finish what a crashed build or download left undone; its failure must not stop today's feed.
      await this.deps.transitions.settle(tenantId).catch((error: Error) => {
        logger.error('feed: finishing an earlier build failed; will retry', { error: error.message });
      });
      return await this.buildLeased(tenantId, settings, slot, keeper, logger);
    } finally {
      await keeper.release();
    }
  }

  private async buildLeased(tenantId: string, settings: TenantSettings, slot: string, keeper: LeaseKeeper, logger: Logger): Promise<BuildResult> {
    let snapshot: SnapshotMeta | undefined;
    // Only queued jobs move to in_feed after the build (FeedTransitions.fed): the daily rebuild of jobs already on
    // LinkedIn keeps no id in memory, whatever the number of jobs.
    const fedIds = new Set<string>();
    try {
      snapshot = await this.writeAndPublish(tenantId, settings, slot, keeper, fedIds);
    } catch (error) {
      return this.failed(tenantId, slot, error as Error, logger);
    }
    if (!snapshot) return this.notBuilt('busy', 'Another build published first; its feed is being served.');
    await this.deps.leases.markSlotDone(tenantId, { slot, doneAt: this.now().toISOString(), outcome: 'built', snapshotId: snapshot.snapshotId });
    logger.info('feed built', { slot, jobs: snapshot.jobCount, heldBack: snapshot.heldBackTotal, bytes: snapshot.bytes });
    const built: BuildResult = {
      outcome: 'built', builtAt: snapshot.builtAt, jobCount: snapshot.jobCount, heldBack: snapshot.heldBack,
      heldBackTotal: snapshot.heldBackTotal, newlyFed: 0, snapshot
    };
    try {
      return { ...built, newlyFed: await this.deps.transitions.fed(tenantId, snapshot, fedIds) };
    } catch (error) {
      // The feed is published; the scheduler's next pass finishes the state moves and notices (FeedTransitions.settle).
      logger.error('feed built, but moving its jobs in feed failed; will retry', { error: (error as Error).message });
      return { ...built, message: 'The feed is published; job states and notices will follow shortly.' };
    }
  }

  /** The snapshot, published only when complete; a draft that fails on the way is discarded. */
  private async writeAndPublish(
    tenantId: string, settings: TenantSettings, slot: string, keeper: LeaseKeeper, fedIds: Set<string>
  ): Promise<SnapshotMeta | undefined> {
    const builtAt = this.now();
    const draft = await this.deps.snapshots.begin(tenantId);
    const sink = new GzipDraftSink(draft, this.deps.gzipLevel ?? 6, keeper);
    const feedSettings = feedSettingsOf(settings);
    try {
      // Posting switched off: the feed is built empty, which closes the tenant's jobs at LinkedIn's next read.
      const jobs = settings.postingEnabled ? this.deps.jobs.streamTenant(tenantId) : noJobs();
      const body = await writeFeedBody(jobs, feedSettings, sink, {
        now: builtAt, maxJobs: this.deps.maxJobs ?? MAX_FEED_JOBS, onFed: (job) => { if (job.state === 'queued') fedIds.add(job.id); }
      });
      const bodyHash = await sink.end();
      const head = Buffer.from(renderFeedHeader(feedSettings, builtAt, body.jobCount), 'utf8');
      await draft.finish(gzipSync(head, { level: this.deps.gzipLevel ?? 6 }));
      keeper.check();
      await this.deps.events.beginSnapshot(tenantId, draft.snapshotId, builtAt.toISOString());
      return await this.deps.snapshots.publish(draft, {
        builtAt: builtAt.toISOString(), slot, jobCount: body.jobCount, bytes: body.bytes + head.length,
        // The head is written after the body, so the document's hash is formed as SHA-256(head ‖ SHA-256(body)).
        sha256: createHash('sha256').update(head).update(bodyHash).digest('hex'),
        heldBack: body.heldBack.slice(0, STORED_HELD_BACK_MAX), heldBackTotal: body.heldBack.length
      });
    } catch (error) {
      sink.abandon();
      // A publish that failed in transit may still have moved the pointer: never delete what is being served.
      const served = await this.deps.snapshots.current(tenantId).catch(() => undefined);
      if (served?.snapshotId !== draft.snapshotId) await draft.discard();
      throw error;
    }
  }

  private async failed(tenantId: string, slot: string, error: Error, logger: Logger): Promise<BuildResult> {
    if (error instanceof FeedTooLargeError) {
      // Refused loudly, never truncated: a cut feed would close the jobs left out. The slot is settled so the
      // scheduler does not re-read half a million jobs every minute; `build feed now` can retry after cleanup.
      logger.error('feed build refused: too many jobs for one LinkedIn feed', { slot, max: error.maxJobs });
      await this.deps.leases.markSlotDone(tenantId, { slot, doneAt: this.now().toISOString(), outcome: 'too_large' });
      return this.notBuilt('too_large', error.message);
    }
    logger.error('feed build failed; the previous feed is still served', { slot, error: error.message });
    return this.notBuilt('failed', error.message);
  }

  private notBuilt(outcome: BuildOutcome['outcome'], message: string): BuildResult {
    return { outcome, jobCount: 0, heldBack: [], heldBackTotal: 0, newlyFed: 0, message };
  }
}
