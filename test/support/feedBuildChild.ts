/**
 * A bot process building a feed slowly, for the crash test: it streams the tenant's jobs with a pause per job and
 * writes tiny snapshot chunks, tells its parent once part of the new snapshot is stored, and carries on until killed.
 */
import type { Job } from '../../src/domain/job';
import type { StreamJobsOptions } from '../../src/storage/jobStore';
import type { TableConnection } from '../../src/storage/tables';
import { feedWorld, type FeedTables } from './feedFixture';

const { connection, tables, tenantId } = JSON.parse(process.argv[2]) as { connection: TableConnection; tables: FeedTables; tenantId: string };

async function main(): Promise<void> {
  let streamed = 0;
  const world = await feedWorld(connection, tables, {
    layout: { partBytes: 512, partsPerChunk: 1 },
    build: { leaseTtlMs: 2_000, gzipLevel: 0 },
    jobs: (store) => Object.assign(Object.create(store) as typeof store, {
      async *streamTenant(tenant: string, options?: StreamJobsOptions): AsyncIterable<Job> {
        for await (const job of store.streamTenant(tenant, options)) {
          yield job;
          if (++streamed === 150) process.send?.('half way');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })
  });
  await world.feed.buildNow(tenantId);
}

void main();
