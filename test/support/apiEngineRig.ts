/**
 * The Job Posting API engine against real Azurite tables and the fake LinkedIn (with its job postings), on a test
 * clock: `rig.engine('a')` is one bot process; several share the tables, the budget and LinkedIn.
 */
import type { TableClient } from '@azure/data-tables';
import type { Job } from '../../src/domain/job';
import { defaultSettings, type TenantSettings } from '../../src/domain/settings';
import { buildApiEngine, buildStores, ensureTables, tableClients } from '../../src/app';
import { parseConfig } from '../../src/config';
import type { ApiPostingEngine, ApiEngineOptions } from '../../src/linkedin/apiEngine';
import { LinkedInClient } from '../../src/linkedin/client';
import { JobPostingClient, type JobPostingApi } from '../../src/linkedin/jobPostingClient';
import { createLogger } from '../../src/logger';
import { TableLeaseStore } from '../../src/storage/leaseStore';
import type { TableJobStore } from '../../src/storage/tableJobStore';
import type { SettingsReader } from '../../src/storage/settingsStore';
import type { TableConnection } from '../../src/storage/tables';
import { uniqueTableNames } from './azurite';
import { FakeJobPostings, type FakeJobPostingOptions } from './fakeJobPostings';
import { FakeLinkedIn } from './fakeLinkedIn';
import { RecordingNotifier } from './recordingNotifier';

export const CLIENT = { clientId: 'api-client', clientSecret: 'api-secret' };
export const ORGANIZATION = '424242';

export class TestClock {
  constructor(public ms: number) {}
  now = (): Date => new Date(this.ms);
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface ApiRig {
  clock: TestClock;
  linkedIn: FakeLinkedIn;
  postings: FakeJobPostings;
  jobs: TableJobStore;
  notifier: RecordingNotifier;
  settings: SettingsReader & { values: TenantSettings };
  tables: { jobs: TableClient; leases: TableClient; budget: TableClient; tenants: TableClient };
  engine(holder: string, options?: Partial<ApiEngineOptions> & { api?: (real: JobPostingApi) => JobPostingApi }): ApiPostingEngine;
  stop(): Promise<void>;
}

export const FOLLOW_UP_MS = 5 * 60_000;

export async function apiRig(connection: TableConnection, options: { start?: Date; postings?: FakeJobPostingOptions; realClock?: boolean } = {}): Promise<ApiRig> {
  const clock = new TestClock((options.start ?? new Date('2026-12-01T12:00:00Z')).getTime());
  const now = options.realClock ? () => Date.now() : () => clock.ms;
  const linkedIn = await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION }).start();
  const postings = new FakeJobPostings(linkedIn, { now, processingMs: 60_000, ...options.postings });
  const all = tableClients(connection, uniqueTableNames(['jobs', 'leases', 'apiBudget', 'tenants'] as const));
  await ensureTables(all, ['jobs', 'leases', 'apiBudget', 'tenants']);
  const { jobs, tenants, apiBudget: budget } = buildStores(all);
  const config = parseConfig({ LINKEDIN_API_POLL_MS: '1', LINKEDIN_API_FOLLOW_UP_MS: String(FOLLOW_UP_MS), LINKEDIN_API_RECHECK_MS: '60000', LINKEDIN_API_STATUS_POLL_MS: String(24 * 3600_000) });
  const notifier = new RecordingNotifier();
  const values: TenantSettings = {
    ...defaultSettings('tenant-a', { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }),
    postingChannel: 'api',
    rsc: { status: 'enabled', clientId: CLIENT.clientId, organizationId: ORGANIZATION }
  };
  const settings = {
    values,
    get: async (tenantId: string) => ({ ...values, tenantId }),
    linkedInCredentials: async () => CLIENT
  };
  const logger = createLogger({ write: () => true });
  const engines: ApiPostingEngine[] = [];
  return {
    clock, linkedIn, postings, jobs, notifier, settings,
    tables: { jobs: all.jobs, leases: all.leases, budget: all.apiBudget, tenants: all.tenants },
    engine(holder, engineOptions = {}) {
      const real = new JobPostingClient(new LinkedInClient({ oauthBaseUrl: linkedIn.url, apiBaseUrl: linkedIn.url, timeoutMs: 10_000, now }));
      const engine = buildApiEngine(
        config,
        {
          jobs, tenants, settings, notifier, logger, holder, budget,
          api: engineOptions.api ? engineOptions.api(real) : real,
          leases: new TableLeaseStore(all.leases, now),
          now: () => new Date(now()),
          sleep: options.realClock ? undefined : async (ms) => clock.advance(ms)
        },
        { leaseMs: 30_000, ...engineOptions }
      );
      engines.push(engine);
      return engine;
    },
    async stop() {
      await Promise.all(engines.map((engine) => engine.stop()));
      await linkedIn.stop();
    }
  };
}

/** Stores jobs as the product side does: the job row, with `api` queued, is all it takes. */
export async function storeJobs(rig: ApiRig, jobs: readonly Job[]): Promise<Job[]> {
  const stored: Job[] = [];
  for (const job of jobs) stored.push(await rig.jobs.create(job));
  return stored;
}
