/**
 * The real LinkedIn feed service (LinkedInFeed) on fresh Azurite tables, for conversation tests: builds, snapshots,
 * downloads and job transitions as in production. Notices are recorded instead of sent.
 */
import { LinkedInFeed } from '../../src/feed/linkedInFeed';
import { silentLogger } from '../../src/logger';
import { RecordingNotifier } from './recordingNotifier';
import { TableFeedEventStore } from '../../src/storage/feedEventStore';
import { TableFeedTokenStore } from '../../src/storage/feedTokenStore';
import { TableLeaseStore } from '../../src/storage/leaseStore';
import type { SettingsReader } from '../../src/storage/settingsStore';
import { TableFeedSnapshotStore } from '../../src/storage/tableFeedSnapshotStore';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { ensureTable, tableClient, type TableConnection } from '../../src/storage/tables';
import { uniqueTableName } from './azurite';

export { RecordingNotifier } from './recordingNotifier';

export interface FeedStack {
  jobs: TableJobStore;
  feed: LinkedInFeed;
  notifier: RecordingNotifier;
}

export async function feedStack(connection: TableConnection, settings: SettingsReader, now: () => Date): Promise<FeedStack> {
  const table = (prefix: string) => tableClient(connection, uniqueTableName(prefix));
  const tables = { jobs: table('jobs'), snapshots: table('snapshots'), leases: table('leases'), events: table('events'), tokens: table('tokens') };
  await Promise.all(Object.values(tables).map(ensureTable));
  const jobs = new TableJobStore(tables.jobs);
  const notifier = new RecordingNotifier();
  const feed = new LinkedInFeed({
    jobs,
    snapshots: new TableFeedSnapshotStore(tables.snapshots),
    leases: new TableLeaseStore(tables.leases),
    events: new TableFeedEventStore(tables.events),
    tokens: new TableFeedTokenStore(tables.tokens),
    settings,
    notifier,
    logger: silentLogger,
    publicBaseUrl: 'https://bot.example.com',
    now
  });
  return { jobs, feed, notifier };
}
