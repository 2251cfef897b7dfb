/**
 * The real LinkedIn feed service (LinkedInFeed) on fresh Azurite tables, for conversation tests: builds, snapshots,
 * downloads and job transitions as in production. Notices are recorded instead of sent.
 */
import { buildFeed, buildStores, ensureTables, tableClients, type TableKey } from '../../src/app';
import type { LinkedInFeed } from '../../src/feed/linkedInFeed';
import { silentLogger } from '../../src/logger';
import { RecordingNotifier } from './recordingNotifier';
import type { SettingsReader } from '../../src/storage/settingsStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import type { TableConnection } from '../../src/storage/tables';
import { uniqueTableNames } from './azurite';

export { RecordingNotifier } from './recordingNotifier';

export interface FeedStack {
  jobs: TableJobStore;
  feed: LinkedInFeed;
  notifier: RecordingNotifier;
}

/** The tables the feed's stores use. */
const FEED_TABLES: TableKey[] = ['jobs', 'tenants', 'snapshots', 'leases', 'events', 'tokens'];

export async function feedStack(connection: TableConnection, settings: SettingsReader, now: () => Date): Promise<FeedStack> {
  const tables = tableClients(connection, uniqueTableNames(FEED_TABLES));
  await ensureTables(tables, FEED_TABLES);
  const stores = buildStores(tables);
  const notifier = new RecordingNotifier();
  const feed = buildFeed(stores, { settings, notifier, logger: silentLogger, publicBaseUrl: 'https://bot.example.com', now });
  return { jobs: stores.jobs, feed, notifier };
}
