/**
 * Job Posting API throughput: the engine (src/linkedin/apiEngine.ts) against real Azurite and the fake LinkedIn, which
 * enforces LinkedIn's real record limit (2,000 records in any 60 s window, else 429 with Retry-After).
 *
 *   npm run bench:api -- --jobs 5000 [--processes 2]
 *
 * Every job is queued as the product side queues it (the job row with `api` waiting) and the engine is woken once. The
 * engine paces itself from the budget it shares in Table Storage; tasks take 2 s at the fake and are followed up 5 s
 * after sending. The last line is `api: N jobs posted, lost L, duplicated D, R of LinkedIn's record limit`, where
 * posted is "on LinkedIn" after its task was followed, lost is a job LinkedIn never got or that never reached
 * "on LinkedIn", duplicated a job LinkedIn got more than once, and R = records accepted ÷ minutes from the start until
 * the last batch was accepted (plus the 3 s one batch of 100 takes at the limit) ÷ 2,000.
 */
import { newJobId, type Job } from '../src/domain/job';
import { startEmbeddedAzurite } from '../src/storage/azurite';
import { tempDir } from '../test/support/botProcess';
import { apiRig } from '../test/support/apiEngineRig';
import { sampleJob } from '../test/support/apiJobs';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const LIMIT = 2000;

async function main(): Promise<void> {
  const count = arg('jobs', 500);
  const processes = arg('processes', 1);
  const azurite = await startEmbeddedAzurite({ location: tempDir('bench-api-azurite-'), inMemory: true });
  const rig = await apiRig(azurite.connection, { realClock: true, postings: { recordsPerMinute: LIMIT, processingMs: 2000 } });
  try {
    const base = Date.now();
    const jobs: Job[] = Array.from({ length: count }, (_, i) => {
      const made = new Date(base - (i + 1) * 1000);
      return sampleJob({ id: newJobId(made) }, {}, made);
    });
    for (let i = 0; i < jobs.length; i += 100) await rig.jobs.createBatch(jobs.slice(i, i + 100));
    console.log(`queued ${count} jobs; ${processes} engine process(es)`);

    const engines = Array.from({ length: processes }, (_, i) => rig.engine(`bench-${i}`, { pollMs: 1000, followUpMs: 5000, recheckMs: 2000, leaseMs: 20_000 }));
    const start = Date.now();
    for (const engine of engines) engine.start();
    engines[0].wake();

    let posted = 0;
    let lastReport = 0;
    const deadline = start + (count / 1800 + 3) * 60_000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      // Counting the jobs reads every row: only once LinkedIn has them all, so the bench does not slow what it measures.
      if (rig.postings.totalRecords() >= count) {
        posted = 0;
        for await (const _ of rig.jobs.streamApiState('tenant-a', ['on_linkedin'])) posted++;
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        console.log(`  ${((Date.now() - start) / 1000).toFixed(0)} s: LinkedIn has ${rig.postings.totalRecords()} records, ${posted} jobs on LinkedIn, 429s ${rig.postings.throttled}`);
      }
      if (posted >= count) break;
    }
    await Promise.all(engines.map((engine) => engine.stop()));

    let lost = 0;
    let duplicated = 0;
    let lastAccepted = start;
    for (const job of jobs) {
      const records = rig.postings.records.get(job.id) ?? [];
      if (records.length === 0) lost++;
      if (records.length > 1) duplicated++;
      for (const record of records) lastAccepted = Math.max(lastAccepted, record.at);
    }
    lost = Math.max(lost, count - posted);
    const accepted = rig.postings.totalRecords();
    const minutes = (lastAccepted - start + (100 / LIMIT) * 60_000) / 60_000;
    const r = accepted / minutes / LIMIT;
    console.log(`LinkedIn accepted ${accepted} records in ${rig.postings.batchCalls} batch calls over ${((lastAccepted - start) / 1000).toFixed(1)} s; 429s answered: ${rig.postings.throttled}, every throttled batch sent again after Retry-After: ${lost === 0 ? 'yes' : 'no'}`);
    console.log(`api: ${posted} jobs posted, lost ${lost}, duplicated ${duplicated}, ${r.toFixed(2)} of LinkedIn's record limit`);
  } finally {
    await rig.stop();
    await azurite.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  }
);
