/**
 * The LinkedIn export pipeline in-process for tests: the real HTTP routes, inbox, candidate store and worker on Azurite,
 * a fake LinkedIn, and a recording notifier (or any Notifier).
 */
import { createHmac } from 'node:crypto';
import type { Server } from 'restify';
import { createJob, validateJobInput, type Author, type Job } from '../../src/domain/job';
import { defaultSettings, type TenantSettings } from '../../src/domain/settings';
import type { ExportWorker, ExportWorkerOptions } from '../../src/exports/exportWorker';
import { buildExportWorker, buildStores, ensureTables, linkedInClient, tableClients, type TableKey } from '../../src/app';
import { parseConfig } from '../../src/config';
import { createHttpServer, type HttpDeps } from '../../src/http/server';
import { EnvPushKeyResolver, type PushKeyResolver } from '../../src/linkedin/push';
import { silentLogger } from '../../src/logger';
import type { Notifier } from '../../src/notifications/notifier';
import { TableCandidateStore } from '../../src/storage/candidateStore';
import type { TableExportInbox } from '../../src/storage/exportInbox';
import type { SettingsReader } from '../../src/storage/settingsStore';
import { TableJobStore } from '../../src/storage/tableJobStore';
import type { TableConnection } from '../../src/storage/tables';
import { uniqueTableNames } from './azurite';
import { FakeLinkedIn } from './fakeLinkedIn';
import { personalReference } from './notifyStack';
import { validForm } from './samples';

export const TENANT = 'tenant-a';
export const PUSH_KEY = 'k'.repeat(12) + 'test-push-key-0123456789';
export const CLIENT = { clientId: 'client-1', clientSecret: 'rsc-secret-do-not-log' };
export const ORGANIZATION_ID = '4242';

/** Settings an admin could have stored: recruiters, admins, maybe a channel. */
export class FixedSettings implements SettingsReader {
  constructor(public settings: TenantSettings) {}
  async get(): Promise<TenantSettings> {
    return this.settings;
  }
  async linkedInCredentials() {
    return CLIENT;
  }
}

export function tenantSettings(overrides: Partial<TenantSettings> = {}): TenantSettings {
  return {
    ...defaultSettings(TENANT, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }),
    admins: [{ aadObjectId: 'aad-admin', name: 'Ada Admin' }],
    recruiters: [{ aadObjectId: 'aad-rita', name: 'Rita Recruiter' }],
    rsc: { status: 'enabled', organizationId: ORGANIZATION_ID },
    ...overrides
  };
}

/** The environment that points a real bot process at shared storage and a fake LinkedIn. */
export function exportsBotEnv(connectionString: string, linkedInUrl: string): Record<string, string> {
  return {
    AZURE_STORAGE_CONNECTION_STRING: connectionString,
    LINKEDIN_PUSH_KEY: PUSH_KEY,
    LINKEDIN_TENANT_ID: TENANT,
    LINKEDIN_ORGANIZATION_ID: ORGANIZATION_ID,
    LINKEDIN_CLIENT_ID: CLIENT.clientId,
    LINKEDIN_CLIENT_SECRET: CLIENT.clientSecret,
    LINKEDIN_OAUTH_BASE_URL: linkedInUrl,
    LINKEDIN_API_BASE_URL: linkedInUrl
  };
}

/**
 * What a real bot process finds in shared storage before a push: a job by `author` and the author's 1:1 conversation,
 * pointing at the Bot Connector stub. Returns the job's id.
 */
export async function seedJobAndChat(connection: TableConnection, connectorUrl: string, author: Author): Promise<string> {
  const tables = tableClients(connection);
  await ensureTables(tables, ['jobs', 'tenants', 'conversations']);
  const { jobs, conversations } = buildStores(tables);
  const input = validateJobInput(validForm());
  if (!input.ok) throw new Error('the sample job form is not valid');
  const jobId = (await jobs.create(createJob(input.value, author))).id;
  await conversations.save({
    tenantId: TENANT, aadObjectId: author.aadObjectId, reference: personalReference(connectorUrl, TENANT, author.aadObjectId), language: 'en', active: true, updatedAt: new Date().toISOString()
  });
  return jobId;
}

export function sign(body: string, secret = CLIENT.clientSecret): string {
  return createHmac('sha256', secret).update('hmacsha256=' + body).digest('hex');
}

/** A push in the older shape this bot was first built on (notificationId and requestId). */
export function pushBody(notificationId: string, requestId = `req-${notificationId}`): string {
  return JSON.stringify({ type: 'EXPORT_CANDIDATE_PROFILE', notificationId, requestId, createdAt: 1764200000000 });
}

/** A push in the documented shape (the published receiver schema): the request id as `id`, a type, an expiry. */
export function documentedPushBody(id: string, extra: Record<string, unknown> = {}, type = 'EXPORT_CANDIDATE_PROFILE'): string {
  return JSON.stringify({ id, type, expiresAt: Date.now() + 3_600_000, ...extra });
}

/** A StubProfile answer as LinkedIn documents it ("Retrieve exported candidates", "StubProfile"). */
export function stubProfileExport(n: number, partnerJobId?: string, candidate: Record<string, unknown> = {}) {
  return {
    ...(partnerJobId ? { partnerJobId } : {}),
    candidate: {
      firstName: 'Ingrid',
      lastName: `Stub${n}`,
      member: `urn:li:person:stub${n}`,
      profileUrl: `https://www.linkedin.com/in/ingrid-stub-${n}`,
      emailAddresses: [`ingrid${n}@example.com`],
      currentEmployerNames: ['Northwind Traders'],
      headline: 'Staff data engineer · Kafka and Spark',
      location: 'Oslo, Norway',
      yearsOfExperience: '11',
      skills: ['Apache Kafka', 'Scala', 'Data modeling'],
      positions: [
        { title: 'Staff data engineer', companyName: 'Northwind Traders', startedOn: { year: 2021, month: 3 } },
        { title: 'Data engineer', companyName: 'Tailspin Toys', startedOn: { year: 2016 }, endedOn: { year: 2021 } }
      ],
      educations: [{ schoolName: 'NTNU', degreeName: 'MSc', fieldOfStudy: 'Computer science' }],
      ...candidate
    }
  };
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface RigOptions {
  connection: TableConnection;
  notifier: Notifier;
  settings?: SettingsReader;
  worker?: Partial<ExportWorkerOptions>;
  /** Share tables with another rig (two processes on one storage). */
  tables?: RigTables;
  /** The one-time download route of `candidate data`. */
  privacyDownloads?: HttpDeps['privacyDownloads'];
  /** Which tenant a callback key belongs to; default: PUSH_KEY → TENANT. */
  keys?: PushKeyResolver;
  /** The partner's parent application (challenge with applicationId). */
  parentCredentials?: { clientId: string; clientSecret: string };
}

/** The tables the export pipeline uses. */
const RIG_TABLES = ['exports', 'candidates', 'jobs'] as const satisfies readonly TableKey[];
export type RigTables = Record<(typeof RIG_TABLES)[number], string>;

export class ExportsRig {
  linkedIn!: FakeLinkedIn;
  server!: Server;
  base = '';
  inbox!: TableExportInbox;
  candidates!: TableCandidateStore;
  jobs!: TableJobStore;
  worker!: ExportWorker;
  settings!: SettingsReader;
  tables!: RigTables;

  constructor(private readonly options: RigOptions) {}

  async start(linkedIn?: FakeLinkedIn): Promise<this> {
    this.linkedIn = linkedIn ?? (await new FakeLinkedIn({ ...CLIENT, organizationId: ORGANIZATION_ID }).start());
    this.tables = this.options.tables ?? uniqueTableNames(RIG_TABLES);
    const tables = tableClients(this.options.connection, this.tables);
    await ensureTables(tables, RIG_TABLES);
    this.inbox = buildStores(tables).exportInbox;
    // Without the tenant registry the app gives them: with it, the two-process test fetched one event twice.
    this.candidates = new TableCandidateStore(tables.candidates);
    this.jobs = new TableJobStore(tables.jobs);
    this.settings = this.options.settings ?? new FixedSettings(tenantSettings());
    const config = parseConfig({
      LINKEDIN_OAUTH_BASE_URL: this.linkedIn.url, LINKEDIN_API_BASE_URL: this.linkedIn.url, LINKEDIN_TIMEOUT_MS: '2000',
      EXPORT_MAX_ATTEMPTS: '4', EXPORT_RETRY_BASE_MS: '20', EXPORT_POLL_MS: '50', EXPORT_LEASE_MS: '3000'
    });
    this.worker = buildExportWorker(
      config,
      { inbox: this.inbox, candidates: this.candidates, jobs: this.jobs, settings: this.settings, linkedIn: linkedInClient(config), notifier: this.options.notifier, logger: silentLogger, now: () => new Date() },
      this.options.worker
    );
    this.server = createHttpServer({
      processActivity: async () => undefined,
      storageHealthy: async () => true,
      maxBodyBytes: 64 * 1024,
      logger: silentLogger,
      privacyDownloads: this.options.privacyDownloads,
      linkedInPush: {
        keys: this.options.keys ?? new EnvPushKeyResolver(PUSH_KEY, TENANT),
        settings: this.settings,
        parentCredentials: this.options.parentCredentials,
        inbox: this.inbox,
        accepted: () => this.worker.wake(),
        now: () => new Date()
      }
    });
    await new Promise<void>((done) => void this.server.listen(0, '127.0.0.1', done));
    this.base = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  async stop(): Promise<void> {
    await this.worker.stop();
    this.server.close();
    await this.linkedIn.stop();
  }

  /** `signature: null` sends none. */
  push(body: string, signature: string | null = sign(body), key = PUSH_KEY): Promise<Response> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature !== null) headers['x-li-signature'] = signature;
    return fetch(`${this.base}/api/linkedin/push/${key}`, { method: 'POST', headers, body });
  }

  async addJob(author: Author, overrides: Record<string, unknown> = {}): Promise<Job> {
    const input = validateJobInput(validForm(overrides));
    if (!input.ok) throw new Error('bad sample job');
    return this.jobs.create(createJob(input.value, author));
  }
}
