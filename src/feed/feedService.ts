import type { HoldReason } from '../domain/feedRules';
import type { FeedDownload } from '../storage/feedEventStore';

/** What `build feed now` reports. */
export interface BuildOutcome {
  /** "built", or why no new snapshot was published (e.g. another instance was building, posting switched off). */
  outcome: 'built' | 'busy' | 'too_large' | 'failed';
  builtAt?: string;
  jobCount: number;
  heldBack: Array<{ jobId: string; reasons: HoldReason[] }>;
  heldBackTotal: number;
  /** Jobs that moved from queued to in feed in this build. */
  newlyFed: number;
  message?: string;
}


export interface FeedStatus {
  lastBuild?: { builtAt: string; jobCount: number; bytes: number };
  heldBack: Array<{ jobId: string; reasons: HoldReason[] }>;
  heldBackTotal: number;
  /** LinkedIn's latest download. */
  lastDownload?: FeedDownload;
  /** The latest downloads by anyone else (previews), newest first: they change no job. */
  previews?: FeedDownload[];
  nextBuildAt: Date;
  timeZone: string;
  /** The secret URL LinkedIn reads (show it to admins only). */
  feedUrl: string;
}

export type HeldBackLookup = (jobId: string) => Promise<HoldReason[] | undefined>;

/** The daily feed as the bot's commands see it. */
export interface FeedService {
  buildNow(tenantId: string): Promise<BuildOutcome>;
  status(tenantId: string): Promise<FeedStatus>;
  /** Why a job is held back from the current snapshot, if it is. */
  heldBackReasons(tenantId: string, jobId: string): Promise<HoldReason[] | undefined>;
  /** The same for many jobs (`my jobs`): the current snapshot is read once, before the jobs are known. */
  heldBackLookup(tenantId: string): Promise<HeldBackLookup>;
  nextBuildAt(tenantId: string): Promise<Date>;
  /** A new secret feed URL (the old one answers 404 at once); undefined when LINKEDIN_FEED_TOKEN sets this tenant's. */
  rotateFeedUrl?(tenantId: string): Promise<string | undefined>;
}
