/**
 * `npm run bench:feed -- --jobs 100000 [--state posted|queued]`: seeds an embedded, in-memory Azurite with N jobs of
 * one tenant, times paging those entities out of storage (the floor any build must pay), then times a real feed build,
 * and prints the figures. The last line is `feed: build/read ratio R` (build = until the snapshot is published).
 * Default state `posted`: the daily rebuild of jobs LinkedIn already has. `queued` adds the first build's move of every
 * job to in_feed, which Azurite makes slow (its updates cost time in proportion to the table's size).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TableClient } from '@azure/data-tables';
import type { Job } from '../src/domain/job';
import { defaultSettings } from '../src/domain/settings';
import { LinkedInFeed } from '../src/feed/linkedInFeed';
import { silentLogger } from '../src/logger';
import { azuriteConnectionString, startEmbeddedAzurite } from '../src/storage/azurite';
import { TableFeedEventStore } from '../src/storage/feedEventStore';
import { TableFeedTokenStore } from '../src/storage/feedTokenStore';
import { TableLeaseStore } from '../src/storage/leaseStore';
import { TableFeedSnapshotStore } from '../src/storage/tableFeedSnapshotStore';
import { TableJobStore } from '../src/storage/tableJobStore';
import { ensureTable, tableClient, type ConnectionStringConnection, type TableConnection } from '../src/storage/tables';
import type { Notice } from '../src/shared/types';

const TENANT = 'bench-tenant';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** Seeding runs in its own process (bench/feedSeed.ts): the peak RSS printed below is the reading and the build alone. */
async function seedInChild(connection: ConnectionStringConnection, count: number, state: Job['state']): Promise<void> {
  const child = fork(join(__dirname, 'feedSeed.js'), [connection.connectionString, String(count), state, TENANT], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`seeding failed (exit code ${code})`);
}

async function table(connection: TableConnection, name: string): Promise<TableClient> {
  const client = tableClient(connection, name);
  await ensureTable(client);
  return client;
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function main(): Promise<void> {
  const count = argument('jobs', 10_000);
  const stateAt = process.argv.indexOf('--state');
  const state = (stateAt >= 0 ? process.argv[stateAt + 1] : 'posted') as Job['state'];
  // `--port P`: an Azurite already running there, already seeded (to repeat builds without seeding again).
  const port = argument('port', 0);
  const azurite = port ? undefined : await startEmbeddedAzurite({ location: mkdtempSync(join(tmpdir(), 'azurite-bench-')), inMemory: true });
  try {
    const connection = azurite?.connection ?? { connectionString: azuriteConnectionString(port), allowInsecure: true };
    let started = performance.now();
    if (azurite) {
      await seedInChild(connection, count, state);
      console.log(`seeded ${count} ${state} jobs (in a child process) in ${seconds(performance.now() - started)} s`);
    }
    const jobs = new TableJobStore(await table(connection, 'jobs'));

    started = performance.now();
    let read = 0;
    for await (const _job of jobs.streamTenant(TENANT)) read++;
    const readMs = performance.now() - started;
    console.log(`read: ${read} entities paged out of storage in ${seconds(readMs)} s (peak RSS so far ${megabytes(peakRss())} MB)`);

    const snapshots = new TableFeedSnapshotStore(await table(connection, 'feedsnapshots'));
    let publishedAt = 0;
    const publish = snapshots.publish.bind(snapshots);
    snapshots.publish = async (draft, facts) => {
      const published = await publish(draft, facts);
      publishedAt = performance.now();
      return published;
    };
    let notices = 0;
    const feed = new LinkedInFeed({
      jobs, snapshots,
      leases: new TableLeaseStore(await table(connection, 'leases')),
      events: new TableFeedEventStore(await table(connection, 'feedevents')),
      tokens: new TableFeedTokenStore(await table(connection, 'feedtokens')),
      settings: {
        get: async (tenantId) => ({
          ...defaultSettings(tenantId, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }),
          companyName: 'Contoso', companyId: '1234567', posterEmail: 'jobs@contoso.com', publisher: 'Contoso', publisherUrl: 'https://contoso.com'
        }),
        linkedInCredentials: async () => undefined
      },
      notifier: { enqueue: async (batch: readonly Notice[]) => void (notices += batch.length), updateThread: async () => undefined },
      logger: silentLogger,
      publicBaseUrl: 'http://127.0.0.1'
    });
    started = performance.now();
    const result = await feed.build(TENANT);
    const doneAt = performance.now();
    if (result.outcome !== 'built' || !result.snapshot) throw new Error(`build ${result.outcome}: ${result.message}`);
    const buildMs = publishedAt - started;
    console.log(`build: ${result.jobCount} jobs, snapshot published in ${seconds(buildMs)} s`);
    console.log(`after publish: ${result.newlyFed} jobs moved queued -> in_feed, ${notices} notices enqueued, in ${seconds(doneAt - publishedAt)} s`);
    console.log(`feed bytes: ${result.snapshot.bytes} XML (${megabytes(result.snapshot.bytes)} MB), ${result.snapshot.gzipBytes} gzip (${megabytes(result.snapshot.gzipBytes)} MB)`);
    console.log(`peak RSS of the build process (reading and building; seeding ran elsewhere): ${megabytes(peakRss())} MB`);
    console.log(`feed: build/read ratio ${(buildMs / readMs).toFixed(2)}`);
  } finally {
    await azurite?.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
