/**
 * A small, honest FeedService for conversation tests: builds the real feed document (writeFeed) from the real job
 * store, moves fed jobs to in_feed, and keeps the last build in memory. The feed branch's service replaces it wherever
 * a test needs durable snapshots, leases or the HTTP route.
 */
import { writeFeed, type FeedSettings, type HoldReason } from '../../src/domain/feed';
import type { Job } from '../../src/domain/job';
import { scheduleAt } from '../../src/feed/schedule';
import type { BuildOutcome, FeedDownload, FeedService, FeedStatus } from '../../src/feed/feedService';
import type { JobStore } from '../../src/storage/jobStore';
import type { SettingsReader } from '../../src/storage/settingsStore';

interface Build {
  builtAt: string;
  jobCount: number;
  bytes: number;
  xml: string;
  heldBack: Array<{ jobId: string; reasons: HoldReason[] }>;
}

export class MemoryFeedService implements FeedService {
  readonly builds = new Map<string, Build>();
  readonly downloads = new Map<string, FeedDownload>();

  constructor(
    private readonly jobs: JobStore,
    private readonly settings: SettingsReader,
    private readonly now: () => Date = () => new Date(),
    private readonly baseUrl = 'https://bot.example.com'
  ) {}

  private async feedSettings(tenantId: string): Promise<FeedSettings> {
    const settings = await this.settings.get(tenantId);
    return {
      companyName: settings.companyName ?? '',
      companyId: settings.companyId,
      posterEmail: settings.posterEmail,
      publisher: settings.publisher ?? 'Test',
      publisherUrl: settings.publisherUrl ?? 'https://example.com'
    };
  }

  async buildNow(tenantId: string): Promise<BuildOutcome> {
    const now = this.now();
    let count = 0;
    for await (const _job of this.jobs.streamTenant(tenantId)) count++;
    const streamed = new Set<string>();
    const chunks: string[] = [];
    const ids = async function* (jobs: AsyncIterable<Job>) {
      for await (const job of jobs) {
        streamed.add(job.id);
        yield job;
      }
    };
    const result = await writeFeed(ids(this.jobs.streamTenant(tenantId)), await this.feedSettings(tenantId), { write: (c) => void chunks.push(c) }, {
      now,
      expectedJobCount: count
    });
    const xml = chunks.join('');
    const fed = new Set([...streamed].filter((id) => xml.includes(`<partnerJobId><![CDATA[${id}]]></partnerJobId>`)));
    const newlyFed = await this.jobs.markInFeed(tenantId, fed, now);
    this.builds.set(tenantId, { builtAt: now.toISOString(), jobCount: result.jobCount, bytes: result.bytes, xml, heldBack: result.heldBack });
    return { outcome: 'built', builtAt: now.toISOString(), jobCount: result.jobCount, heldBack: result.heldBack, heldBackTotal: result.heldBack.length, newlyFed };
  }

  async status(tenantId: string): Promise<FeedStatus> {
    const settings = await this.settings.get(tenantId);
    const build = this.builds.get(tenantId);
    return {
      lastBuild: build && { builtAt: build.builtAt, jobCount: build.jobCount, bytes: build.bytes },
      heldBack: build?.heldBack ?? [],
      heldBackTotal: build?.heldBack.length ?? 0,
      lastDownload: this.downloads.get(tenantId),
      nextBuildAt: await this.nextBuildAt(tenantId),
      timeZone: settings.timeZone,
      feedUrl: `${this.baseUrl}/feeds/linkedin/token-${tenantId}.xml`
    };
  }

  async heldBackReasons(tenantId: string, jobId: string): Promise<HoldReason[] | undefined> {
    return this.builds.get(tenantId)?.heldBack.find((item) => item.jobId === jobId)?.reasons;
  }

  async nextBuildAt(tenantId: string): Promise<Date> {
    const settings = await this.settings.get(tenantId);
    return scheduleAt(this.now(), { time: settings.buildTime, timeZone: settings.timeZone }).nextBuildAt;
  }
}
