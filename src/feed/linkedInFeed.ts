/**
 * The daily LinkedIn feed as the rest of the bot sees it: `FeedService` for the bot's commands, `FeedEndpoint` for
 * the HTTP route that LinkedIn reads.
 */
import { feedSettingsOf, heldBackReasons as holdReasons, type HoldReason } from '../domain/feedRules';
import type { Logger } from '../logger';
import type { Notifier } from '../notifications/notifier';
import type { FeedDownload, FeedEventStore } from '../storage/feedEventStore';
import type { FeedSnapshotStore, SnapshotMeta } from '../storage/feedSnapshotStore';
import type { FeedTokenStore } from '../storage/feedTokenStore';
import type { JobStore } from '../storage/jobStore';
import type { LeaseStore } from '../storage/leaseStore';
import type { SettingsReader } from '../storage/settingsStore';
import { FeedBuilder, type BuildRequest, type BuildResult } from './buildFeed';
import type { BuildOutcome, FeedService, FeedStatus, HeldBackLookup } from './feedService';
import { FeedTransitions } from './feedTransitions';
import { scheduleAt } from './schedule';

/** How long job cards and `my jobs` reuse a read of the served snapshot (see servedSnapshot). */
const SNAPSHOT_CACHE_MS = 5_000;

/** Previews listed by `feed status`. */
const PREVIEWS_LISTED = 5;
export const DEFAULT_LINKEDIN_USER_AGENT = /linkedin/i;

export interface LinkedInFeedDeps {
  jobs: JobStore;
  snapshots: FeedSnapshotStore;
  leases: LeaseStore;
  events: FeedEventStore;
  tokens: FeedTokenStore;
  settings: SettingsReader;
  notifier: Notifier;
  logger: Logger;
  /** Where this bot is reached from outside: PUBLIC_BASE_URL, else `http://127.0.0.1:<PORT>` (known once listening). */
  publicBaseUrl: string | (() => string);
  now?: () => Date;
  /** Which downloads are LinkedIn's (LINKEDIN_FEED_USER_AGENT); the others are previews. Default: /linkedin/i. */
  linkedInUserAgent?: RegExp;
  /** Build tuning (tests, bench): lease TTL, job cap, gzip level. */
  build?: { leaseTtlMs?: number; maxJobs?: number; gzipLevel?: number };
}

/** What the feed route needs. */
export interface FeedEndpoint {
  /** The tenant a feed token belongs to (constant-time check), or undefined. */
  tenantForToken(token: string): Promise<string | undefined>;
  current(tenantId: string): Promise<SnapshotMeta | undefined>;
  open(tenantId: string, snapshotId: string): AsyncIterable<Buffer>;
  /**
   * Records a complete download. LinkedIn's first download of a snapshot moves its jobs to posted (with their notices);
   * anyone else's is a preview: recorded apart, nothing else.
   */
  downloaded(tenantId: string, snapshot: SnapshotMeta, download: Omit<FeedDownload, 'at'>): Promise<void>;
}

export class LinkedInFeed implements FeedService, FeedEndpoint {
  readonly builder: FeedBuilder;
  readonly transitions: FeedTransitions;
  private readonly now: () => Date;
  private readonly servedSnapshots = new Map<string, { at: number; read: Promise<SnapshotMeta | undefined> }>();

  constructor(private readonly deps: LinkedInFeedDeps) {
    this.now = deps.now ?? (() => new Date());
    this.transitions = new FeedTransitions(deps);
    this.builder = new FeedBuilder({ ...deps, ...deps.build, transitions: this.transitions, now: this.now });
  }

  /** A build now, whatever the schedule says (it settles the slot due now, if open). */
  async buildNow(tenantId: string): Promise<BuildOutcome> {
    const { snapshot: _snapshot, ...outcome } = await this.build(tenantId);
    return outcome;
  }

  async build(tenantId: string, request: BuildRequest = {}): Promise<BuildResult> {
    try {
      return await this.builder.build(tenantId, request);
    } finally {
      this.servedSnapshots.delete(tenantId);
    }
  }

  async status(tenantId: string): Promise<FeedStatus> {
    const [snapshot, lastDownload, previews, settings, feedUrl] = await Promise.all([
      this.deps.snapshots.current(tenantId), this.deps.events.lastDownload(tenantId), this.deps.events.recentPreviews(tenantId, PREVIEWS_LISTED),
      this.deps.settings.get(tenantId), this.feedUrl(tenantId)
    ]);
    return {
      lastBuild: snapshot && { builtAt: snapshot.builtAt, jobCount: snapshot.jobCount, bytes: snapshot.bytes },
      heldBack: snapshot?.heldBack ?? [],
      heldBackTotal: snapshot?.heldBackTotal ?? 0,
      lastDownload,
      previews,
      nextBuildAt: scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone }).nextBuildAt,
      timeZone: settings.timeZone,
      feedUrl
    };
  }

  async heldBackReasons(tenantId: string, jobId: string): Promise<HoldReason[] | undefined> {
    return (await this.heldBackLookup(tenantId))(jobId);
  }

  /**
   * From the current snapshot, read once; a job past the stored list (more than 1,000 held back) is checked against
   * today's rules instead. Undefined when the job is fed, or not open.
   */
  async heldBackLookup(tenantId: string): Promise<HeldBackLookup> {
    const snapshot = await this.servedSnapshot(tenantId);
    return async (jobId) => {
      if (!snapshot) return undefined;
      const stored = snapshot.heldBack.find((held) => held.jobId === jobId);
      if (stored || snapshot.heldBackTotal <= snapshot.heldBack.length) return stored?.reasons;
      const [job, settings] = await Promise.all([this.deps.jobs.get(tenantId, jobId), this.deps.settings.get(tenantId)]);
      if (!job || job.state === 'closed' || !settings.postingEnabled) return undefined;
      const reasons = holdReasons(job, feedSettingsOf(settings), new Date(snapshot.builtAt));
      return reasons.length > 0 ? reasons : undefined;
    };
  }

  /**
   * The served snapshot for job cards and `my jobs`, kept SNAPSHOT_CACHE_MS per process: it changes once a day, at a
   * build, and a build in this process drops the copy at once (another process's build shows within seconds).
   */
  private servedSnapshot(tenantId: string): Promise<SnapshotMeta | undefined> {
    const cached = this.servedSnapshots.get(tenantId);
    if (cached && performance.now() - cached.at < SNAPSHOT_CACHE_MS) return cached.read;
    const read = this.deps.snapshots.current(tenantId);
    const entry = { at: performance.now(), read };
    this.servedSnapshots.set(tenantId, entry);
    read.catch(() => this.servedSnapshots.get(tenantId) === entry && this.servedSnapshots.delete(tenantId));
    return read;
  }

  async nextBuildAt(tenantId: string): Promise<Date> {
    const settings = await this.deps.settings.get(tenantId);
    return scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone }).nextBuildAt;
  }

  /** The secret URL; creates the tenant's token at first use. */
  async feedUrl(tenantId: string): Promise<string> {
    return this.urlOf(await this.deps.tokens.tokenFor(tenantId));
  }

  async rotateFeedUrl(tenantId: string): Promise<string | undefined> {
    const token = await this.deps.tokens.rotate?.(tenantId);
    return token ? this.urlOf(token) : undefined;
  }

  private urlOf(token: string): string {
    const base = typeof this.deps.publicBaseUrl === 'function' ? this.deps.publicBaseUrl() : this.deps.publicBaseUrl;
    return `${base.replace(/\/+$/, '')}/feeds/linkedin/${token}.xml`;
  }

  tenantForToken(token: string): Promise<string | undefined> {
    return this.deps.tokens.tenantFor(token);
  }

  current(tenantId: string): Promise<SnapshotMeta | undefined> {
    return this.deps.snapshots.current(tenantId);
  }

  open(tenantId: string, snapshotId: string): AsyncIterable<Buffer> {
    return this.deps.snapshots.open(tenantId, snapshotId);
  }

  async downloaded(tenantId: string, snapshot: SnapshotMeta, download: Omit<FeedDownload, 'at'>): Promise<void> {
    const at = this.now();
    if (!this.isLinkedIn(download.userAgent)) {
      await this.deps.events.recordPreview(tenantId, snapshot.snapshotId, { ...download, at: at.toISOString() });
      return;
    }
    await this.deps.events.recordDownload(tenantId, snapshot.snapshotId, { ...download, at: at.toISOString() });
    await this.transitions.posted(tenantId, snapshot, at);
  }

  isLinkedIn(userAgent: string): boolean {
    return (this.deps.linkedInUserAgent ?? DEFAULT_LINKEDIN_USER_AGENT).test(userAgent);
  }
}
