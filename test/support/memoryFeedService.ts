import type { HoldReason } from '../../src/domain/feedRules';
import { isInFeedSnapshot } from '../../src/domain/feedRules';
import { writeFeed } from '../../src/domain/feedXmlWriter';
import type { Job } from '../../src/domain/job';
import type { BuildOutcome, FeedService, FeedStatus, HeldBackLookup } from '../../src/feed/feedService';
import type { FeedDownload } from '../../src/storage/feedEventStore';
import { scheduleAt } from '../../src/feed/schedule';
import type { JobStore } from '../../src/storage/jobStore';
import type { SettingsReader } from '../../src/storage/settingsStore';

interface Build {
  builtAt: string;
  jobCount: number;
  bytes: number;
  heldBack: Array<{ jobId: string; reasons: HoldReason[] }>;
}

/**
 * A small, honest FeedService for tests: builds with the real feed writer over the real job store, moves fed jobs to
 * in_feed like the real builder, and keeps the last build and LinkedIn's last download in memory.
 */
export class MemoryFeedService implements FeedService {
  private readonly builds = new Map<string, Build>();
  private readonly downloads = new Map<string, FeedDownload>();

  constructor(private readonly jobs: JobStore, private readonly settings: SettingsReader, private readonly now: () => Date) {}

  async buildNow(tenantId: string): Promise<BuildOutcome> {
    const now = this.now();
    const settings = await this.settings.get(tenantId);
    const offered = new Set<string>();
    const source = this.jobs.streamTenant(tenantId);
    // Posting switched off: the feed is empty, so LinkedIn closes every job.
    const jobs = settings.postingEnabled ? recording(source, offered, now) : recording(emptyJobs(), offered, now);
    const result = await writeFeed(
      jobs,
      {
        companyName: settings.companyName ?? '',
        companyId: settings.companyId,
        posterEmail: settings.posterEmail,
        publisher: settings.publisher ?? 'Contoso',
        publisherUrl: settings.publisherUrl ?? 'https://contoso.com'
      },
      { write: () => undefined },
      { now, expectedJobCount: 0 }
    );
    for (const held of result.heldBack) offered.delete(held.jobId);
    const newlyFed = await this.jobs.markInFeed(tenantId, offered, now);
    this.builds.set(tenantId, { builtAt: now.toISOString(), jobCount: result.jobCount, bytes: result.bytes, heldBack: result.heldBack });
    return { outcome: 'built', builtAt: now.toISOString(), jobCount: result.jobCount, heldBack: result.heldBack, heldBackTotal: result.heldBack.length, newlyFed };
  }

  /** LinkedIn fetched the feed. */
  recordDownload(tenantId: string, at: Date): void {
    this.downloads.set(tenantId, { at: at.toISOString(), userAgent: 'LinkedInBot', bytes: this.builds.get(tenantId)?.bytes ?? 0 });
  }

  async status(tenantId: string): Promise<FeedStatus> {
    const build = this.builds.get(tenantId);
    const settings = await this.settings.get(tenantId);
    return {
      lastBuild: build && { builtAt: build.builtAt, jobCount: build.jobCount, bytes: build.bytes },
      heldBack: build?.heldBack ?? [],
      heldBackTotal: build?.heldBack.length ?? 0,
      lastDownload: this.downloads.get(tenantId),
      nextBuildAt: await this.nextBuildAt(tenantId),
      timeZone: settings.timeZone,
      feedUrl: 'http://127.0.0.1/feed/secret'
    };
  }

  async heldBackReasons(tenantId: string, jobId: string): Promise<HoldReason[] | undefined> {
    return this.builds.get(tenantId)?.heldBack.find((held) => held.jobId === jobId)?.reasons;
  }

  async heldBackLookup(tenantId: string): Promise<HeldBackLookup> {
    return (jobId) => this.heldBackReasons(tenantId, jobId);
  }

  async nextBuildAt(tenantId: string): Promise<Date> {
    const settings = await this.settings.get(tenantId);
    return scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone }).nextBuildAt;
  }
}

async function* recording(jobs: AsyncIterable<Job>, ids: Set<string>, now: Date): AsyncIterable<Job> {
  for await (const job of jobs) {
    if (isInFeedSnapshot(job, now)) ids.add(job.id);
    yield job;
  }
}

async function* emptyJobs(): AsyncIterable<Job> {}
