/**
 * The feed bench's seeder, run as a child process of bench/feed.ts so that its memory is not counted in the build's
 * peak RSS: `node dist/bench/feedSeed.js <tableConnectionString> <jobs> <state> <tenant>`. Writes the jobs in
 * transactions of 100, a few in flight, and exits.
 */
import { createJob, newJobId, validateJobInput, type Job } from '../src/domain/job';
import { TableJobStore } from '../src/storage/tableJobStore';
import { ensureTable, tableClient } from '../src/storage/tables';

const SEED_TRANSACTIONS_IN_FLIGHT = 8;

const DESCRIPTION =
  '<p>We are looking for a backend engineer to build the services behind our hiring products.</p>' +
  '<ul><li>TypeScript and Node.js</li><li>Azure Table Storage</li><li>A friendly team in Oslo</li></ul>' +
  '<p>You will design, build and run the APIs our recruiters rely on every day, and help us grow.</p>';

function sampleJobs(tenantId: string, count: number, base: Date, state: Job['state']): Job[] {
  const input = validateJobInput({
    title: 'Backend Engineer', company: 'Contoso', city: 'Oslo', country: 'NO', postalCode: '0150', workplaceType: 'Hybrid',
    employmentType: 'FULL_TIME', experienceLevel: 'MID_SENIOR_LEVEL', jobFunctions: 'eng,it', description: DESCRIPTION,
    applyUrl: 'https://careers.contoso.com/jobs/42', salaryMin: '700000', salaryMax: '900000', salaryCurrency: 'NOK', salaryPeriod: 'YEARLY'
  }, base);
  if (!input.ok) throw new Error(JSON.stringify(input.errors));
  const author = { tenantId, aadObjectId: 'aad-bench', name: 'Bench' };
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(base.getTime() - i * 1000);
    const job = createJob({ ...input.value, title: `Backend Engineer ${i}` }, author, at, newJobId(at));
    return state === 'queued' ? job : { ...job, state, firstFedAt: base.toISOString() };
  });
}

async function seed(jobs: TableJobStore, tenantId: string, count: number, state: Job['state']): Promise<void> {
  const base = new Date();
  const inFlight = new Set<Promise<void>>();
  for (let done = 0; done < count; done += 100) {
    const batch = jobs.createBatch(sampleJobs(tenantId, Math.min(100, count - done), new Date(base.getTime() - done * 1000), state));
    const tracked = batch.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= SEED_TRANSACTIONS_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  const [connectionString, count, state, tenantId] = process.argv.slice(2);
  const client = tableClient({ connectionString, allowInsecure: true }, 'jobs');
  await ensureTable(client);
  await seed(new TableJobStore(client), tenantId, Number(count), state as Job['state']);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
