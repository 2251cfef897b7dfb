/**
 * The composition root: every table client, store, service, worker, the bot app and the HTTP server, wired once.
 * `src/index.ts` runs it as the process; tests and benches call it (or the builders below for a part of the graph),
 * so there is one way of wiring the bot.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TableClient } from '@azure/data-tables';
import { SHARE_JOB_COMMAND } from './bot/handlers/shareJob';
import { feedNoticeRenderers } from './feed/feedNotices';
import { ACTIONS_PURGE_EVERY_MS, purgeExpiredActions } from './bot/once';
import { cardRoutes } from './bot/routes';
import { bootstrapAdminsFor, envLinkedInCredentials, linkedInPushTenant, settingsDefaults, tenancyOf, type Config } from './config';
import { envSettingsApplyTo } from './domain/tenancy';
import { exportRenderers } from './exports/exportCards';
import { ExportWorker, type ExportWorkerDeps, type ExportWorkerOptions } from './exports/exportWorker';
import { handoverRenderers } from './exports/handover';
import { LinkedInFeed, type LinkedInFeedDeps } from './feed/linkedInFeed';
import { FeedScheduler } from './feed/scheduler';
import { createHttpServer } from './http/server';
import { trackRequests } from './http/shutdown';
import { ApiPostingEngine, type ApiEngineDeps, type ApiEngineOptions } from './linkedin/apiEngine';
import { CallbackUrls } from './linkedin/callbackUrls';
import { LinkedInClient } from './linkedin/client';
import { JobPostingClient } from './linkedin/jobPostingClient';
import { ChainedPushKeyResolver, EnvPushKeyResolver } from './linkedin/push';
import { createLogger, type Logger } from './logger';
import { digestRenderers } from './morning/digest';
import { MorningScheduler } from './morning/morningScheduler';
import { createNotifications, type Notifications } from './notifications';
import { apiNoticeRenderers } from './linkedin/apiNotices';
import { approvalRenderers } from './bot/approvalNotices';
import { builtInRenderers } from './bot/builtInRenderers';
import { unreadableSecretListener } from './bot/settingsNotices';
import { createTeamsChannel } from './teams';
import { ChannelSwitchPass, ChannelSwitchService } from './posting/channelSwitch';
import { CandidateRemoval, removalRenderers } from './privacy/candidateRemoval';
import { PrivacyScheduler } from './privacy/privacyScheduler';
import { PrivacyService } from './privacy/privacyService';
import { API_BUDGET_TABLE, TableApiBudget } from './storage/apiBudgetStore';
import { CachedSettingsStore } from './storage/cachedSettingsStore';
import { CANDIDATES_TABLE, TableCandidateStore } from './storage/candidateStore';
import { CONVERSATIONS_TABLE, TableConversationStore } from './storage/conversationStore';
import { EXPORTS_TABLE, TableExportInbox } from './storage/exportInbox';
import { FEED_EVENTS_TABLE, TableFeedEventStore } from './storage/feedEventStore';
import { FEED_TOKENS_TABLE, TableFeedTokenStore, type ConfiguredFeedToken } from './storage/feedTokenStore';
import { HANDOVERS_TABLE, TableHandoverStore } from './storage/handoverStore';
import { healthClient, storageHealthy } from './storage/health';
import { IDEMPOTENCY_TABLE, TableIdempotencyStore } from './storage/idempotencyStore';
import { LEASES_TABLE, TableLeaseStore } from './storage/leaseStore';
import { openStorage, type OpenedStorage } from './storage/openStorage';
import { PREFERENCES_TABLE, TablePreferenceStore } from './storage/preferenceStore';
import { PRIVACY_TABLE, TablePrivacyStore } from './storage/privacyStore';
import { PUSH_KEYS_TABLE, TablePushKeyStore } from './storage/pushKeyStore';
import { secretBoxFrom } from './storage/secretBox';
import { FEED_SNAPSHOTS_TABLE, TableFeedSnapshotStore, type ChunkLayout } from './storage/tableFeedSnapshotStore';
import { JOBS_TABLE, TableJobStore } from './storage/tableJobStore';
import { OUTBOX_TABLE, TableOutboxStore } from './storage/tableOutboxStore';
import { SETTINGS_TABLE, TableSettingsStore } from './storage/tableSettingsStore';
import { ensureTable, tableClient, type TableConnection } from './storage/tables';
import type { Worker } from './workers/pollingWorker';
import { TENANTS_TABLE, TableTenantRegistry } from './storage/tenantRegistry';

/** Every table the bot uses, by the name the code knows it by. */
export const TABLE_NAMES = {
  jobs: JOBS_TABLE,
  tenants: TENANTS_TABLE,
  conversations: CONVERSATIONS_TABLE,
  settings: SETTINGS_TABLE,
  outbox: OUTBOX_TABLE,
  exports: EXPORTS_TABLE,
  candidates: CANDIDATES_TABLE,
  handovers: HANDOVERS_TABLE,
  privacy: PRIVACY_TABLE,
  actions: IDEMPOTENCY_TABLE,
  pushKeys: PUSH_KEYS_TABLE,
  apiBudget: API_BUDGET_TABLE,
  preferences: PREFERENCES_TABLE,
  leases: LEASES_TABLE,
  snapshots: FEED_SNAPSHOTS_TABLE,
  tokens: FEED_TOKENS_TABLE,
  events: FEED_EVENTS_TABLE
} as const;

export type TableKey = keyof typeof TABLE_NAMES;
export type TableNames = Record<TableKey, string>;
export type Tables = Record<TableKey, TableClient>;

/** A client for every table (no request made); `names` renames some (tests give each its own tables). */
export function tableClients(connection: TableConnection, names: Partial<TableNames> = {}): Tables {
  const keys = Object.keys(TABLE_NAMES) as TableKey[];
  return Object.fromEntries(keys.map((key) => [key, tableClient(connection, names[key] ?? TABLE_NAMES[key])])) as Tables;
}

/** Creates the tables that do not exist yet: those in `keys`, else all. */
export async function ensureTables(tables: Tables, keys: readonly TableKey[] = Object.keys(tables) as TableKey[]): Promise<void> {
  await Promise.all(keys.map((key) => ensureTable(tables[key])));
}

export interface StoreOptions {
  /** LINKEDIN_FEED_TOKEN, for the deployment's own tenant. */
  feedToken?: string | ConfiguredFeedToken;
  /** How feed snapshots are cut into rows (tests, bench). */
  snapshotLayout?: Partial<ChunkLayout>;
}

/** Every Table Storage store (the settings store apart: it needs the notifier, see buildApp). No request is made. */
export function buildStores(tables: Tables, options: StoreOptions = {}) {
  const tenants = new TableTenantRegistry(tables.tenants);
  return {
    tenants,
    jobs: new TableJobStore(tables.jobs, tenants),
    candidates: new TableCandidateStore(tables.candidates, tenants),
    conversations: new TableConversationStore(tables.conversations),
    outbox: new TableOutboxStore(tables.outbox),
    exportInbox: new TableExportInbox(tables.exports),
    handovers: new TableHandoverStore(tables.handovers),
    privacy: new TablePrivacyStore(tables.privacy),
    actions: new TableIdempotencyStore(tables.actions),
    pushKeys: new TablePushKeyStore(tables.pushKeys),
    apiBudget: new TableApiBudget(tables.apiBudget),
    preferences: new TablePreferenceStore(tables.preferences),
    leases: new TableLeaseStore(tables.leases),
    feedSnapshots: new TableFeedSnapshotStore(tables.snapshots, options.snapshotLayout),
    feedTokens: new TableFeedTokenStore(tables.tokens, options.feedToken),
    feedEvents: new TableFeedEventStore(tables.events)
  };
}

export type Stores = ReturnType<typeof buildStores>;

/** The LinkedIn feed over its stores. */
export function buildFeed(
  stores: Pick<Stores, 'jobs' | 'feedSnapshots' | 'leases' | 'feedEvents' | 'feedTokens'>,
  deps: Omit<LinkedInFeedDeps, 'snapshots' | 'leases' | 'events' | 'tokens' | 'jobs'> & { jobs?: LinkedInFeedDeps['jobs'] }
): LinkedInFeed {
  return new LinkedInFeed({
    jobs: stores.jobs,
    snapshots: stores.feedSnapshots,
    leases: stores.leases,
    events: stores.feedEvents,
    tokens: stores.feedTokens,
    ...deps
  });
}

export function linkedInClient(config: Config): LinkedInClient {
  return new LinkedInClient({
    oauthBaseUrl: config.LINKEDIN_OAUTH_BASE_URL, apiBaseUrl: config.LINKEDIN_API_BASE_URL, apiVersion: config.LINKEDIN_API_VERSION, timeoutMs: config.LINKEDIN_TIMEOUT_MS
  });
}

/** The LinkedIn Recruiter export worker: push inbox → LinkedIn → candidate → notices. `tuning` beats the config. */
export function buildExportWorker(
  config: Config,
  deps: Omit<ExportWorkerDeps, 'bootstrapAdmins' | 'defaultOrganizationId' | 'envAppliesTo'>,
  tuning: Partial<ExportWorkerOptions> = {}
): ExportWorker {
  const tenancy = tenancyOf(config);
  return new ExportWorker(
    {
      ...deps,
      bootstrapAdmins: config.ADMIN_AAD_IDS,
      defaultOrganizationId: config.LINKEDIN_ORGANIZATION_ID,
      envAppliesTo: (tenantId) => envSettingsApplyTo(tenancy, tenantId)
    },
    { maxAttempts: config.EXPORT_MAX_ATTEMPTS, retryBaseMs: config.EXPORT_RETRY_BASE_MS, pollMs: config.EXPORT_POLL_MS, leaseMs: config.EXPORT_LEASE_MS, ...tuning }
  );
}

/** The engine of LinkedIn's Job Posting API (the job rows are its queue). `tuning` beats the config. */
export function buildApiEngine(config: Config, deps: ApiEngineDeps, tuning: Partial<ApiEngineOptions> = {}): ApiPostingEngine {
  return new ApiPostingEngine(deps, {
    pollMs: config.LINKEDIN_API_POLL_MS, followUpMs: config.LINKEDIN_API_FOLLOW_UP_MS, recheckMs: config.LINKEDIN_API_RECHECK_MS, statusPollMs: config.LINKEDIN_API_STATUS_POLL_MS, ...tuning
  });
}

/** The process logger: JSON lines on stdout, with every configured secret redacted. */
export function appLogger(config: Config): Logger {
  return createLogger(process.stdout, {
    secrets: [config.LINKEDIN_PUSH_KEY, config.LINKEDIN_FEED_TOKEN, config.LINKEDIN_CLIENT_SECRET, config.SETTINGS_ENCRYPTION_KEY, config.SETTINGS_ENCRYPTION_KEY_PREVIOUS, config.BOT_PASSWORD, config.AZURE_STORAGE_CONNECTION_STRING]
  });
}

/** The hourly purge of expired action records, as a worker. */
function actionsPurge(actions: TableIdempotencyStore, logger: Logger): Worker {
  let stop: (() => void) | undefined;
  return {
    name: 'actionsPurge',
    intervalMs: ACTIONS_PURGE_EVERY_MS,
    lastTickAt: undefined,
    start: () => {
      stop ??= purgeExpiredActions(actions, (error) => logger.warn('could not purge expired action records', { error: (error as Error).message }));
    },
    stop: () => {
      stop?.();
      stop = undefined;
      return Promise.resolve();
    }
  };
}

/** What a test or bench may give instead of what the config implies. */
export interface AppOverrides {
  logger?: Logger;
  /** Storage already open (the caller keeps it and closes it); default: the storage the config chooses. */
  connection?: TableConnection;
  /** Other table names (tests give each its own tables). */
  tableNames?: Partial<TableNames>;
  /** The clock of every service; default: the real time (MORNING_TEST_CLOCK_FILE for the morning scheduler). */
  now?: () => Date;
}

export async function buildApp(config: Config, overrides: AppOverrides = {}) {
  const logger = overrides.logger ?? appLogger(config);
  const now = overrides.now ?? (() => new Date());
  const storage: OpenedStorage = overrides.connection ? { connection: overrides.connection } : await openStorage(config, logger);
  const { connection, embedded } = storage;
  const tables = tableClients(connection, overrides.tableNames);
  await ensureTables(tables);
  // An in-memory Azurite comes back empty after a restart.
  embedded?.onRestart(() => ensureTables(tables));
  if (!config.SETTINGS_ENCRYPTION_KEY) {
    logger.warn('settings: no SETTINGS_ENCRYPTION_KEY, so LinkedIn client secrets are stored unencrypted (in their own rows, never shown or logged)');
  }
  const tenancy = tenancyOf(config);
  const stores = buildStores(tables, { feedToken: config.LINKEDIN_FEED_TOKEN ? { token: config.LINKEDIN_FEED_TOKEN, tenantId: tenancy.deploymentTenantId } : undefined });
  await stores.tenants.backfillFrom(tables.jobs);
  const adminsByEnv = bootstrapAdminsFor(config);
  const envAppliesTo = (tenantId: string) => envSettingsApplyTo(tenancy, tenantId);
  if (!tenancy.deploymentTenantId && tenancy.teamsOnly) {
    logger.warn('tenancy: no BOT_TENANT_ID or LINKEDIN_TENANT_ID, so settings from the environment (ADMIN_AAD_IDS, LINKEDIN_*) apply to no tenant');
  }
  // Late-bound: the notifier needs the Teams channel, and settings come first.
  let tellAdminsSecretUnreadable: (tenantId: string, secretId: string) => Promise<void> = () => Promise.resolve();
  const settings = new CachedSettingsStore(new TableSettingsStore(
    tables.settings,
    settingsDefaults(config),
    secretBoxFrom(config.SETTINGS_ENCRYPTION_KEY, config.SETTINGS_ENCRYPTION_KEY_PREVIOUS),
    envLinkedInCredentials(config),
    (tenantId, secretId) => tellAdminsSecretUnreadable(tenantId, secretId)
  ));
  const teams = createTeamsChannel(config);
  const { jobs, tenants, candidates, conversations, outbox, leases, exportInbox, handovers, actions, pushKeys, preferences } = stores;
  // Proactive messages: every feature's renderers by message kind.
  const notifications: Notifications = createNotifications({
    chat: teams.chat,
    outbox,
    conversations,
    renderers: { ...builtInRenderers, ...feedNoticeRenderers, ...approvalRenderers, ...exportRenderers(candidates), ...handoverRenderers(candidates), ...removalRenderers, ...apiNoticeRenderers, ...digestRenderers(candidates) },
    leases,
    logger,
    policy: { claimLeaseMs: config.OUTBOX_CLAIM_LEASE_MS, sendLeaseMs: config.OUTBOX_SEND_LEASE_MS }
  });
  const notifier = notifications.notifier;
  tellAdminsSecretUnreadable = unreadableSecretListener(
    notifier,
    async (tenantId) => [...adminsByEnv(tenantId), ...(await settings.get(tenantId)).admins.map((admin) => admin.aadObjectId)],
    logger
  );
  let listeningPort = config.PORT;
  const publicBaseUrl = () => config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listeningPort}`;
  const feed = buildFeed(stores, {
    settings, notifier, logger, publicBaseUrl, linkedInUserAgent: new RegExp(config.LINKEDIN_FEED_USER_AGENT, 'i'), now: overrides.now
  });
  const scheduler = new FeedScheduler({ tenants, settings, leases, feed, logger });

  const linkedIn = linkedInClient(config);
  // Candidate data protection: erasure, retention and LinkedIn's purge list share one removal.
  const removal = new CandidateRemoval({ candidates, exportInbox, handovers, notifier, privacy: stores.privacy, logger, now });
  const privacy = new PrivacyService({ candidates, exportInbox, outbox, privacy: stores.privacy, removal, handovers, now, publicBaseUrl });
  const privacyScheduler = new PrivacyScheduler({
    tenants, settings, leases, candidates, removal, privacy: stores.privacy, linkedIn, notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS, defaultOrganizationId: config.LINKEDIN_ORGANIZATION_ID, envAppliesTo, logger
  });
  const callbacks = new CallbackUrls({ keys: pushKeys, publicBaseUrl, envKey: config.LINKEDIN_PUSH_KEY, envTenantId: linkedInPushTenant(config) });
  const exportWorker = buildExportWorker(config, { inbox: exportInbox, candidates, jobs, settings, linkedIn, notifier, logger, now });

  // LinkedIn's Job Posting API: the job rows are the queue; handlers that queue an operation wake the engine.
  const apiEngine = buildApiEngine(config, {
    jobs, tenants, settings, api: new JobPostingClient(linkedIn), budget: stores.apiBudget, leases, notifier, holder: `api-${randomUUID()}`, logger, now
  });
  // Moving a tenant's open jobs between the feed and LinkedIn's Job Posting API after its posting channel changes.
  const channelSwitch = new ChannelSwitchService({
    jobs, settings, waker: apiEngine, notifier, bootstrapAdmins: adminsByEnv, logger: logger.child({ component: 'channelSwitch' })
  });
  const channelSwitchPass = new ChannelSwitchPass({ tenants, settings, service: channelSwitch, logger });

  // Approval reminders and morning digests, at 08:00 in each person's time zone.
  const morning = new MorningScheduler({
    tenants, settings, leases, jobs, conversations, preferences, exportInbox, feed, notifier, logger,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    envAppliesTo,
    intervalMs: config.MORNING_POLL_MS,
    now: overrides.now ?? (config.MORNING_TEST_CLOCK_FILE ? fileClock(config.MORNING_TEST_CLOCK_FILE) : undefined)
  });

  const processActivity = teams.activityHandler({
    jobs, conversations, settings, feed, notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    tenancy,
    now,
    exportInbox, candidates, handovers,
    teamChannels: teams.teamChannels(conversations, logger),
    privacy, actions, callbacks,
    linkedInAdmin: linkedIn,
    apiWaker: apiEngine,
    channelSwitch,
    preferences
  }, logger);

  // /readyz watches the polling workers; the hourly purge only keeps a table small.
  const watched: Worker[] = [scheduler, notifications.worker, exportWorker, apiEngine, morning, privacyScheduler, channelSwitchPass];
  const workers: Worker[] = [...watched, actionsPurge(actions, logger)];

  let stopping = false;
  const healthTable = healthClient(connection, tables.jobs.tableName);
  const pushKeyResolver = new ChainedPushKeyResolver(pushKeys, new EnvPushKeyResolver(config.LINKEDIN_PUSH_KEY, linkedInPushTenant(config)));
  const parentCredentials = config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET } : undefined;
  const server = createHttpServer({
    processActivity,
    invokes: {
      names: ['adaptiveCard/action', 'composeExtension/query', 'composeExtension/selectItem'],
      cardVerbs: cardRoutes.map((route) => route.verb),
      extensionCommands: [SHARE_JOB_COMMAND]
    },
    storageHealthy: () => storageHealthy(healthTable),
    workers: () => watched,
    stopping: () => stopping,
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
    feed,
    privacyDownloads: privacy,
    linkedInPush: {
      keys: pushKeyResolver,
      parentCredentials,
      settings,
      inbox: exportInbox,
      accepted: () => exportWorker.wake(),
      now
    },
    linkedInJobStatus: {
      keys: pushKeyResolver,
      parentCredentials,
      settings,
      apply: (tenantId, jobId, status) => apiEngine.applyNotification(tenantId, jobId, status)
    }
  });
  const requests = trackRequests(server.server);

  return {
    config,
    logger,
    server,
    workers,
    storage,
    stores: { ...stores, settings },
    services: { teams, notifications, notifier, feed, linkedIn, privacy, removal, callbacks, channelSwitch, exportWorker, apiEngine },

    /** Listens on `port` (0: a free one; every interface unless `host`); resolves the port. */
    async listen(port: number = config.PORT, host?: string): Promise<number> {
      await new Promise<void>((done) => {
        if (host) server.listen(port, host, done);
        else server.listen(port, done);
      });
      listeningPort = (server.address() as { port: number }).port;
      return listeningPort;
    },

    start(): void {
      for (const worker of workers) worker.start();
    },

    /**
     * Graceful stop: /readyz says 503, no new connections, requests in flight and notices being sent finish (within
     * `graceMs`), and only then does storage go away (embedded Azurite, when the app opened it). Resolves whether all
     * finished in time.
     */
    async stop(graceMs: number = config.SHUTDOWN_GRACE_MS, signal = 'stop'): Promise<boolean> {
      stopping = true;
      const deadline = Date.now() + graceMs;
      logger.info('stopping', { signal, requestsInFlight: requests.inFlight(), graceMs });
      const workersStopped = Promise.all(workers.map((worker) => worker.stop(graceMs)));
      const [drained, workersDone] = await Promise.all([
        requests.drain(deadline).then(async (answered) => (await teams.settle(deadline)) && answered),
        Promise.race([workersStopped.then(() => true), sleep(Math.max(0, deadline - Date.now())).then(() => false)])
      ]);
      if (!drained || !workersDone) {
        logger.warn('stopping: grace period over, exiting with work unfinished', { requestsInFlight: requests.inFlight(), workersDone });
      }
      await embedded?.stop();
      return drained && workersDone;
    }
  };
}

export type App = Awaited<ReturnType<typeof buildApp>>;

/** Tests only: "now" is the instant written in the file (read at every look), else the real time. */
function fileClock(path: string): () => Date {
  return () => {
    try {
      const at = new Date(readFileSync(path, 'utf8').trim());
      return Number.isNaN(at.getTime()) ? new Date() : at;
    } catch {
      return new Date();
    }
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

