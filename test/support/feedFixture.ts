import { SaxesParser } from 'saxes';
import { createJob, newJobId, validateJobInput, type Author, type Job } from '../../src/domain/job';
import { defaultSettings, type TenantSettings } from '../../src/domain/settings';
import { buildFeed, buildStores, ensureTables, tableClients } from '../../src/app';
import type { LinkedInFeed, LinkedInFeedDeps } from '../../src/feed/linkedInFeed';
import { silentLogger } from '../../src/logger';
import type { Notifier } from '../../src/notifications/notifier';
import type { Notice } from '../../src/shared/types';
import type { TableFeedTokenStore } from '../../src/storage/feedTokenStore';
import type { TableLeaseStore } from '../../src/storage/leaseStore';
import type { SettingsReader } from '../../src/storage/settingsStore';
import type { TableFeedSnapshotStore, ChunkLayout } from '../../src/storage/tableFeedSnapshotStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import type { TableConnection } from '../../src/storage/tables';
import type { TableTenantRegistry } from '../../src/storage/tenantRegistry';
import { uniqueTableName } from './azurite';
import { validForm } from './samples';

export const LONG_DESCRIPTION =
  'We are looking for a backend engineer to build the services behind our hiring products. ' +
  'You will work with TypeScript, Azure and a friendly team in Oslo.';

/** Settings that let every ordinary job into the feed; tests change fields per tenant. */
export class TestSettings implements SettingsReader {
  readonly overrides = new Map<string, Partial<TenantSettings>>();

  async get(tenantId: string): Promise<TenantSettings> {
    return {
      ...defaultSettings(tenantId, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }),
      companyName: 'Contoso', companyId: '1234567', posterEmail: 'jobs@contoso.com', publisher: 'Contoso', publisherUrl: 'https://contoso.com',
      ...this.overrides.get(tenantId)
    };
  }

  async linkedInCredentials() {
    return undefined;
  }
}

/** Keeps every notice; like the real outbox, a key enqueued twice counts once in `byKey`. */
export class RecordingNotifier implements Notifier {
  readonly enqueued: Notice[] = [];
  readonly byKey = new Map<string, Notice>();

  async enqueue(notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) {
      this.enqueued.push(notice);
      this.byKey.set(notice.key, notice);
    }
  }

  async updateThread(): Promise<void> {}
}

export interface FeedTables {
  jobs: string;
  snapshots: string;
  leases: string;
  tokens: string;
  events: string;
  tenants: string;
}

export function newFeedTables(): FeedTables {
  return {
    jobs: uniqueTableName('jobs'), snapshots: uniqueTableName('snap'), leases: uniqueTableName('lease'),
    tokens: uniqueTableName('tok'), events: uniqueTableName('ev'), tenants: uniqueTableName('ten')
  };
}

export interface FeedWorld {
  feed: LinkedInFeed;
  jobs: TableJobStore;
  snapshots: TableFeedSnapshotStore;
  leases: TableLeaseStore;
  tokens: TableFeedTokenStore;
  tenants: TableTenantRegistry;
  settings: TestSettings;
  notifier: RecordingNotifier;
}

export interface WorldOptions {
  layout?: Partial<ChunkLayout>;
  build?: LinkedInFeedDeps['build'];
  jobs?: (store: TableJobStore) => LinkedInFeedDeps['jobs'];
  settings?: TestSettings;
  notifier?: RecordingNotifier;
  configuredToken?: string;
}

/** A LinkedInFeed over real tables; two worlds on the same tables act as two bot processes. */
export async function feedWorld(connection: TableConnection, tables: FeedTables, options: WorldOptions = {}): Promise<FeedWorld> {
  const keys = Object.keys(tables) as Array<keyof FeedTables>;
  const all = tableClients(connection, tables);
  await ensureTables(all, keys);
  const stores = buildStores(all, { feedToken: options.configuredToken, snapshotLayout: options.layout });
  const settings = options.settings ?? new TestSettings();
  const notifier = options.notifier ?? new RecordingNotifier();
  const feed = buildFeed(stores, {
    jobs: options.jobs ? options.jobs(stores.jobs) : stores.jobs, settings, notifier, logger: silentLogger, publicBaseUrl: 'https://bot.contoso.com', build: options.build
  });
  return {
    feed, jobs: stores.jobs, snapshots: stores.feedSnapshots, leases: stores.leases, tokens: stores.feedTokens, tenants: stores.tenants, settings, notifier
  };
}

export function sampleJob(author: Author, overrides: Record<string, unknown> = {}, at: Date = new Date()): Job {
  const result = validateJobInput(validForm({ description: LONG_DESCRIPTION, ...overrides }), new Date('2026-01-01'));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return createJob(result.value, author, at, newJobId(at));
}

/** Polls until `check` holds (background work after a response). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The feed's jobs, parsed strictly (saxes): partnerJobId → title. */
export function feedJobs(xml: string): Map<string, string> {
  const jobs = new Map<string, string>();
  const parser = new SaxesParser();
  let path: string[] = [];
  let id = '';
  let title = '';
  let text = '';
  parser.on('error', (error) => { throw error; });
  parser.on('opentag', (tag) => { path.push(tag.name); text = ''; });
  parser.on('cdata', (data) => void (text += data));
  parser.on('text', (data) => void (text += data));
  parser.on('closetag', (tag) => {
    if (path.join('/') === 'source/job/partnerJobId') id = text;
    if (path.join('/') === 'source/job/title') title = text;
    if (tag.name === 'job') jobs.set(id, title);
    path = path.slice(0, -1);
  });
  parser.write(xml).close();
  return jobs;
}
