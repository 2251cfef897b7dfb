import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp, runTurn } from './bot/app';
import { cardRoutes } from './bot/routes';
import { bootstrapAdminsFor, ConfigError, envLinkedInCredentials, isProduction, tenancyOf, linkedInPushTenant, parseConfig, settingsDefaults } from './config';
import { secretBoxFrom } from './storage/secretBox';
import { SETTINGS_TABLE, TableSettingsStore } from './storage/tableSettingsStore';
import { CachedSettingsStore } from './storage/cachedSettingsStore';
import { exportRenderers } from './exports/exportCards';
import { ExportWorker } from './exports/exportWorker';
import { LinkedInClient } from './linkedin/client';
import { ChainedPushKeyResolver, EnvPushKeyResolver } from './linkedin/push';
import { CallbackUrls } from './linkedin/callbackUrls';
import { PUSH_KEYS_TABLE, TablePushKeyStore } from './storage/pushKeyStore';
import { CANDIDATES_TABLE, TableCandidateStore } from './storage/candidateStore';
import { EXPORTS_TABLE, TableExportInbox } from './storage/exportInbox';
import { HANDOVERS_TABLE, TableHandoverStore } from './storage/handoverStore';
import { handoverRenderers } from './exports/handover';
import { TeamsChannelDirectory } from './notifications/teamChannels';
import { SHARE_JOB_COMMAND } from './bot/handlers/shareJob';
import { createHttpServer } from './http/server';
import { trackRequests } from './http/shutdown';
import { createLogger } from './logger';
import { openStorage } from './storage/openStorage';
import { CONVERSATIONS_TABLE, TableConversationStore } from './storage/conversationStore';
import { TableJobStore, JOBS_TABLE } from './storage/tableJobStore';
import { ensureTable, tableClient } from './storage/tables';
import { healthClient, storageHealthy } from './storage/health';
import { FEED_EVENTS_TABLE, TableFeedEventStore } from './storage/feedEventStore';
import { FEED_TOKENS_TABLE, TableFeedTokenStore } from './storage/feedTokenStore';
import { LEASES_TABLE, TableLeaseStore } from './storage/leaseStore';
import { IDEMPOTENCY_TABLE, TableIdempotencyStore } from './storage/idempotencyStore';
import { purgeExpiredActions } from './bot/once';
import { FEED_SNAPSHOTS_TABLE, TableFeedSnapshotStore } from './storage/tableFeedSnapshotStore';
import { TENANTS_TABLE, TableTenantRegistry } from './storage/tenantRegistry';
import { LinkedInFeed } from './feed/linkedInFeed';
import { FeedScheduler } from './feed/scheduler';
import { OUTBOX_TABLE, TableOutboxStore } from './storage/tableOutboxStore';
import { createNotifications } from './notifications';
import { builtInRenderers } from './notifications/renderers';
import { feedNoticeRenderers } from './bot/notices/feedNotices';
import { approvalRenderers } from './notifications/approvalNotices';
import { loadEnvFiles } from './tools/envFiles';
import { PRIVACY_TABLE, TablePrivacyStore } from './storage/privacyStore';
import { CandidateRemoval, removalRenderers } from './privacy/candidateRemoval';
import { PrivacyService } from './privacy/privacyService';
import { PrivacyScheduler } from './privacy/privacyScheduler';
import { ChannelSwitchPass, ChannelSwitchService } from './posting/channelSwitch';
import { envSettingsApplyTo } from './domain/tenancy';
import { unreadableSecretListener } from './notifications/settingsNotices';
import { startTelemetry } from './telemetry';
import { randomUUID } from 'node:crypto';
import { ApiPostingEngine } from './linkedin/apiEngine';
import { JobPostingClient } from './linkedin/jobPostingClient';
import { API_BUDGET_TABLE, TableApiBudget } from './storage/apiBudgetStore';
import { apiNoticeRenderers } from './notifications/apiNotices';
import { PREFERENCES_TABLE, TablePreferenceStore } from './storage/preferenceStore';
import { MorningScheduler } from './morning/morningScheduler';
import { digestRenderers } from './morning/digest';
import { readFileSync } from 'node:fs';

/**
 * Environment files (Teams Toolkit style) under the variables already set; the real environment wins. In production
 * only the real environment counts: a stray env/ file in an image must not configure a live bot.
 */
function environment(): Record<string, string | undefined> {
  if (isProduction(process.env)) return { ...process.env };
  const envName = process.env.TEAMSFX_ENV || 'local';
  const fromFiles = existsSync(resolve('env', `.env.${envName}`)) ? loadEnvFiles(envName, 'env') : {};
  return { ...fromFiles, ...process.env };
}

export async function main(): Promise<void> {
  const config = parseConfig(environment());
  const logger = createLogger(process.stdout, {
    secrets: [config.LINKEDIN_PUSH_KEY, config.LINKEDIN_FEED_TOKEN, config.LINKEDIN_CLIENT_SECRET, config.SETTINGS_ENCRYPTION_KEY, config.SETTINGS_ENCRYPTION_KEY_PREVIOUS, config.BOT_PASSWORD, config.AZURE_STORAGE_CONNECTION_STRING]
  });
  const stopTelemetry = await startTelemetry(config.APPLICATIONINSIGHTS_CONNECTION_STRING, logger);
  const { connection, embedded } = await openStorage(config, logger);
  const jobsTable = tableClient(connection, JOBS_TABLE);
  const conversationsTable = tableClient(connection, CONVERSATIONS_TABLE);
  const feedTables = {
    snapshots: tableClient(connection, FEED_SNAPSHOTS_TABLE),
    leases: tableClient(connection, LEASES_TABLE),
    tokens: tableClient(connection, FEED_TOKENS_TABLE),
    events: tableClient(connection, FEED_EVENTS_TABLE),
    tenants: tableClient(connection, TENANTS_TABLE)
  };
  const settingsTable = tableClient(connection, SETTINGS_TABLE);
  const [exportsTable, candidatesTable, outboxTable, privacyTable, actionsTable, pushKeysTable, apiBudgetTable, preferencesTable] = [EXPORTS_TABLE, CANDIDATES_TABLE, OUTBOX_TABLE, PRIVACY_TABLE, IDEMPOTENCY_TABLE, PUSH_KEYS_TABLE, API_BUDGET_TABLE, PREFERENCES_TABLE].map((name) => tableClient(connection, name));
  const handoversTable = tableClient(connection, HANDOVERS_TABLE);
  const allTables = [jobsTable, conversationsTable, settingsTable, outboxTable, exportsTable, candidatesTable, privacyTable, actionsTable, pushKeysTable, apiBudgetTable, preferencesTable, handoversTable, ...Object.values(feedTables)];
  await Promise.all(allTables.map(ensureTable));
  // An in-memory Azurite comes back empty after a restart.
  embedded?.onRestart(async () => void (await Promise.all(allTables.map(ensureTable))));
  if (!config.SETTINGS_ENCRYPTION_KEY) {
    logger.warn('settings: no SETTINGS_ENCRYPTION_KEY, so LinkedIn client secrets are stored unencrypted (in their own rows, never shown or logged)');
  }
  const tenants = new TableTenantRegistry(feedTables.tenants);
  await tenants.backfillFrom(jobsTable);
  const jobs = new TableJobStore(jobsTable, tenants);
  const tenancy = tenancyOf(config);
  const adminsByEnv = bootstrapAdminsFor(config);
  if (!tenancy.deploymentTenantId && tenancy.teamsOnly) {
    logger.warn('tenancy: no BOT_TENANT_ID or LINKEDIN_TENANT_ID, so settings from the environment (ADMIN_AAD_IDS, LINKEDIN_*) apply to no tenant');
  }
  // Late-bound: the notifier needs the adapter, and settings come first.
  let tellAdminsSecretUnreadable: (tenantId: string, secretId: string) => Promise<void> = () => Promise.resolve();
  const settings = new CachedSettingsStore(new TableSettingsStore(
    settingsTable,
    settingsDefaults(config),
    secretBoxFrom(config.SETTINGS_ENCRYPTION_KEY, config.SETTINGS_ENCRYPTION_KEY_PREVIOUS),
    envLinkedInCredentials(config),
    (tenantId, secretId) => tellAdminsSecretUnreadable(tenantId, secretId)
  ));
  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID ?? '',
    MicrosoftAppPassword: config.BOT_PASSWORD ?? '',
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.BOT_TENANT_ID ?? ''
  });
  const conversations = new TableConversationStore(conversationsTable);
  const candidates = new TableCandidateStore(candidatesTable, tenants);
  const outbox = new TableOutboxStore(outboxTable);
  const actions = new TableIdempotencyStore(actionsTable);
  const leases = new TableLeaseStore(feedTables.leases);
  // Proactive messages: every feature's renderers by message kind.
  const notifications = createNotifications({
    adapter,
    botAppId: config.BOT_ID ?? '',
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
  const feed = new LinkedInFeed({
    jobs,
    snapshots: new TableFeedSnapshotStore(feedTables.snapshots),
    leases,
    events: new TableFeedEventStore(feedTables.events),
    tokens: new TableFeedTokenStore(
      feedTables.tokens,
      config.LINKEDIN_FEED_TOKEN ? { token: config.LINKEDIN_FEED_TOKEN, tenantId: tenancy.deploymentTenantId } : undefined
    ),
    settings,
    notifier,
    logger,
    publicBaseUrl: () => config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listeningPort}`,
    linkedInUserAgent: new RegExp(config.LINKEDIN_FEED_USER_AGENT, 'i')
  });
  const scheduler = new FeedScheduler({ tenants, settings, leases, feed, logger });

  // LinkedIn Recruiter one-click export: push inbox → LinkedIn → candidate → notices.
  const linkedIn = new LinkedInClient({
    oauthBaseUrl: config.LINKEDIN_OAUTH_BASE_URL, apiBaseUrl: config.LINKEDIN_API_BASE_URL, apiVersion: config.LINKEDIN_API_VERSION, timeoutMs: config.LINKEDIN_TIMEOUT_MS
  });
  const exportInbox = new TableExportInbox(exportsTable);
  const handovers = new TableHandoverStore(handoversTable);

  // Candidate data protection: erasure, retention and LinkedIn's purge list share one removal.
  const privacyStore = new TablePrivacyStore(privacyTable);
  const removal = new CandidateRemoval({ candidates, exportInbox, handovers, notifier, privacy: privacyStore, logger, now: () => new Date() });
  const privacy = new PrivacyService({
    candidates,
    exportInbox,
    outbox,
    privacy: privacyStore,
    removal,
    handovers,
    now: () => new Date(),
    publicBaseUrl: () => config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listeningPort}`
  });
  const privacyScheduler = new PrivacyScheduler({
    tenants,
    settings,
    leases,
    candidates,
    removal,
    privacy: privacyStore,
    linkedIn,
    notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    defaultOrganizationId: config.LINKEDIN_ORGANIZATION_ID,
    envAppliesTo: (tenantId) => envSettingsApplyTo(tenancy, tenantId),
    logger
  });
  const pushKeys = new TablePushKeyStore(pushKeysTable);
  const callbacks = new CallbackUrls({
    keys: pushKeys,
    publicBaseUrl: () => config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listeningPort}`,
    envKey: config.LINKEDIN_PUSH_KEY,
    envTenantId: linkedInPushTenant(config)
  });
  const exportWorker = new ExportWorker(
    {
      inbox: exportInbox,
      candidates,
      jobs,
      settings,
      linkedIn,
      notifier,
      bootstrapAdmins: config.ADMIN_AAD_IDS,
      defaultOrganizationId: config.LINKEDIN_ORGANIZATION_ID,
      envAppliesTo: (tenantId) => envSettingsApplyTo(tenancy, tenantId),
      logger,
      now: () => new Date()
    },
    { maxAttempts: config.EXPORT_MAX_ATTEMPTS, retryBaseMs: config.EXPORT_RETRY_BASE_MS, pollMs: config.EXPORT_POLL_MS, leaseMs: config.EXPORT_LEASE_MS }
  );

  // LinkedIn's Job Posting API: the job rows are the queue; handlers that queue an operation wake the engine.
  const apiEngine = new ApiPostingEngine(
    { jobs, tenants, settings, api: new JobPostingClient(linkedIn), budget: new TableApiBudget(apiBudgetTable), leases, notifier, holder: `api-${randomUUID()}`, logger, now: () => new Date() },
    { pollMs: config.LINKEDIN_API_POLL_MS, followUpMs: config.LINKEDIN_API_FOLLOW_UP_MS, recheckMs: config.LINKEDIN_API_RECHECK_MS, statusPollMs: config.LINKEDIN_API_STATUS_POLL_MS }
  );
  // Moving a tenant's open jobs between the feed and LinkedIn's Job Posting API after its posting channel changes.
  const apiWaker = apiEngine;
  const channelSwitch = new ChannelSwitchService({
    jobs, settings, waker: apiWaker, notifier, bootstrapAdmins: adminsByEnv, logger: logger.child({ component: 'channelSwitch' })
  });
  const channelSwitchPass = new ChannelSwitchPass({ tenants, settings, service: channelSwitch, logger });

  // Approval reminders and morning digests, at 08:00 in each person's time zone.
  const preferences = new TablePreferenceStore(preferencesTable);
  const morning = new MorningScheduler({
    tenants, settings, leases, jobs, conversations, preferences, exportInbox, feed, notifier, logger,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    envAppliesTo: (tenantId) => envSettingsApplyTo(tenancy, tenantId),
    intervalMs: config.MORNING_POLL_MS,
    now: config.MORNING_TEST_CLOCK_FILE ? fileClock(config.MORNING_TEST_CLOCK_FILE) : undefined
  });

  const app = createBotApp(adapter, config.BOT_ID ?? '', {
    jobs,
    conversations,
    settings,
    feed,
    notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    tenancy,
    now: () => new Date(),
    exportInbox,
    candidates,
    handovers,
    teamChannels: new TeamsChannelDirectory(adapter, config.BOT_ID ?? '', conversations, logger),
    privacy,
    actions,
    callbacks,
    linkedInAdmin: linkedIn,
    apiWaker,
    channelSwitch,
    preferences
  }, logger);
  const stopPurge = purgeExpiredActions(actions, (error) => logger.warn('could not purge expired action records', { error: (error as Error).message }));

  let stopping = false;
  const healthTable = healthClient(connection, JOBS_TABLE);
  const server = createHttpServer({
    processActivity: (req, res) => adapter.process(req, res, (context) => runTurn(app, context)),
    invokes: {
      names: ['adaptiveCard/action', 'composeExtension/query', 'composeExtension/selectItem'],
      cardVerbs: cardRoutes.map((route) => route.verb),
      extensionCommands: [SHARE_JOB_COMMAND]
    },
    storageHealthy: () => storageHealthy(healthTable),
    workers: () => [
      { name: 'feedScheduler', lastTickAt: scheduler.lastTickAt, intervalMs: scheduler.intervalMs },
      { name: 'notifications', lastTickAt: notifications.worker.lastTickAt, intervalMs: notifications.worker.intervalMs },
      { name: 'exports', lastTickAt: exportWorker.lastTickAt, intervalMs: exportWorker.intervalMs },
      { name: 'linkedInApi', lastTickAt: apiEngine.lastTickAt, intervalMs: apiEngine.intervalMs },
      { name: 'morning', lastTickAt: morning.lastTickAt, intervalMs: morning.intervalMs }
    ],
    stopping: () => stopping,
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
    feed,
    privacyDownloads: privacy,
    linkedInPush: {
      keys: new ChainedPushKeyResolver(pushKeys, new EnvPushKeyResolver(config.LINKEDIN_PUSH_KEY, linkedInPushTenant(config))),
      parentCredentials: config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET } : undefined,
      settings,
      inbox: exportInbox,
      accepted: () => exportWorker.kick(),
      now: () => new Date()
    },
    linkedInJobStatus: {
      keys: new ChainedPushKeyResolver(pushKeys, new EnvPushKeyResolver(config.LINKEDIN_PUSH_KEY, linkedInPushTenant(config))),
      parentCredentials: config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET } : undefined,
      settings,
      apply: (tenantId, jobId, status) => apiEngine.applyNotification(tenantId, jobId, status)
    }
  });
  const requests = trackRequests(server.server);
  await new Promise<void>((done) => {
    server.listen(config.PORT, done);
  });
  const { port } = server.address();
  listeningPort = port;
  scheduler.start();
  privacyScheduler.start();
  morning.start();
  notifications.worker.start();
  exportWorker.start();
  apiEngine.start();
  channelSwitchPass.start();
  logger.info(`bot listening on http://127.0.0.1:${port}/api/messages`, {
    auth: config.BOT_ID ? 'Bot Framework JWT required' : 'no BOT_ID: inbound auth off (local and Agents Playground only)'
  });

  // Graceful stop: /readyz says 503, no new connections, requests in flight and notices being sent finish (within
  // SHUTDOWN_GRACE_MS), and only then does storage go away.
  const stop = async (signal: string) => {
    stopping = true;
    stopPurge();
    const deadline = Date.now() + config.SHUTDOWN_GRACE_MS;
    logger.info('stopping', { signal, requestsInFlight: requests.inFlight(), graceMs: config.SHUTDOWN_GRACE_MS });
    const workersStopped = Promise.all([scheduler.stop(), privacyScheduler.stop(), morning.stop(), exportWorker.stop(), apiEngine.stop(), channelSwitchPass.stop(), notifications.worker.stop(config.SHUTDOWN_GRACE_MS)]);
    const [drained, workersDone] = await Promise.all([
      requests.drain(deadline),
      Promise.race([workersStopped.then(() => true), sleep(Math.max(0, deadline - Date.now())).then(() => false)])
    ]);
    if (!drained || !workersDone) {
      logger.warn('stopping: grace period over, exiting with work unfinished', { requestsInFlight: requests.inFlight(), workersDone });
    }
    await embedded?.stop();
    await stopTelemetry().catch(() => undefined);
    logger.info('stopped', { signal });
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

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

if (require.main === module) {
  process.on('unhandledRejection', (reason) => createLogger().error('unhandled rejection', { reason: String(reason) }));
  main().catch((error: Error) => {
    // A configuration problem is one readable line, not a stack trace.
    console.error(error instanceof ConfigError ? error.message : `Failed to start: ${error.message}`);
    process.exit(1);
  });
}
