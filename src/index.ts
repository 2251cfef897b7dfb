import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from './bot/app';
import { ConfigError, envLinkedInCredentials, linkedInPushTenant, parseConfig, settingsDefaults, type Config } from './config';
import { secretBoxFrom } from './storage/secretBox';
import { SETTINGS_TABLE, TableSettingsStore } from './storage/tableSettingsStore';
import { exportRenderers } from './exports/exportCards';
import { ExportWorker } from './exports/exportWorker';
import { LinkedInClient } from './linkedin/client';
import { EnvPushKeyResolver } from './linkedin/push';
import { CANDIDATES_TABLE, TableCandidateStore } from './storage/candidateStore';
import { EXPORTS_TABLE, TableExportInbox } from './storage/exportInbox';
import { createHttpServer } from './http/server';
import { createLogger, type Logger } from './logger';
import { startEmbeddedAzurite, type EmbeddedAzurite } from './storage/azurite';
import { CONVERSATIONS_TABLE, TableConversationStore } from './storage/conversationStore';
import { TableJobStore, JOBS_TABLE } from './storage/tableJobStore';
import { ensureTable, tableClient, type TableConnection } from './storage/tables';
import { storageHealthy } from './storage/health';
import { FEED_EVENTS_TABLE, TableFeedEventStore } from './storage/feedEventStore';
import { FEED_TOKENS_TABLE, TableFeedTokenStore } from './storage/feedTokenStore';
import { LEASES_TABLE, TableLeaseStore } from './storage/leaseStore';
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
import { startTelemetry } from './telemetry';
import { runTurn } from './bot/app';

/** Environment files (Teams Toolkit style) under the variables already set; the real environment wins. */
function environment(): Record<string, string | undefined> {
  const envName = process.env.TEAMSFX_ENV || 'local';
  const fromFiles = existsSync(resolve('env', `.env.${envName}`)) ? loadEnvFiles(envName, 'env') : {};
  return { ...fromFiles, ...process.env };
}

async function openStorage(config: Config, logger: Logger): Promise<{ connection: TableConnection; embedded?: EmbeddedAzurite }> {
  if (config.AZURE_STORAGE_CONNECTION_STRING) {
    logger.info('storage: Azure Table Storage from AZURE_STORAGE_CONNECTION_STRING');
    const connection = config.AZURE_STORAGE_CONNECTION_STRING;
    return { connection: { connectionString: connection, allowInsecure: /TableEndpoint=http:|UseDevelopmentStorage=true/.test(connection) } };
  }
  const location = resolve(config.DATA_DIR, 'azurite');
  const embedded = await startEmbeddedAzurite({ location, inMemory: config.AZURITE_IN_MEMORY });
  logger.info(`storage: no AZURE_STORAGE_CONNECTION_STRING set, so using embedded Azurite on 127.0.0.1:${embedded.port}`, {
    data: config.AZURITE_IN_MEMORY ? 'in memory' : location
  });
  return { connection: embedded.connection, embedded };
}

/** The callback URL an admin gives LinkedIn, for the tenant the configured push key belongs to. */
function pushCallbackUrl(config: Config, tenantId: string): string | undefined {
  if (!config.PUBLIC_BASE_URL || !config.LINKEDIN_PUSH_KEY || tenantId !== linkedInPushTenant(config)) return undefined;
  return `${config.PUBLIC_BASE_URL.replace(/\/$/, '')}/api/linkedin/push/${config.LINKEDIN_PUSH_KEY}`;
}

export async function main(): Promise<void> {
  const config = parseConfig(environment());
  const logger = createLogger(process.stdout, {
    secrets: [config.LINKEDIN_PUSH_KEY, config.LINKEDIN_FEED_TOKEN, config.LINKEDIN_CLIENT_SECRET, config.SETTINGS_ENCRYPTION_KEY, config.BOT_PASSWORD, config.AZURE_STORAGE_CONNECTION_STRING]
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
  const [exportsTable, candidatesTable, outboxTable] = [EXPORTS_TABLE, CANDIDATES_TABLE, OUTBOX_TABLE].map((name) => tableClient(connection, name));
  await Promise.all([jobsTable, conversationsTable, settingsTable, outboxTable, exportsTable, candidatesTable, ...Object.values(feedTables)].map(ensureTable));
  if (!config.SETTINGS_ENCRYPTION_KEY) {
    logger.warn('settings: no SETTINGS_ENCRYPTION_KEY, so LinkedIn client secrets are stored unencrypted (in their own rows, never shown or logged)');
  }
  const tenants = new TableTenantRegistry(feedTables.tenants);
  await tenants.backfillFrom(jobsTable);
  const jobs = new TableJobStore(jobsTable, tenants);
  const settings = new TableSettingsStore(settingsTable, settingsDefaults(config), secretBoxFrom(config.SETTINGS_ENCRYPTION_KEY), envLinkedInCredentials(config));
  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID ?? '',
    MicrosoftAppPassword: config.BOT_PASSWORD ?? '',
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.BOT_TENANT_ID ?? ''
  });
  const conversations = new TableConversationStore(conversationsTable);
  const leases = new TableLeaseStore(feedTables.leases);
  // Proactive messages: every feature's renderers by message kind.
  const notifications = createNotifications({
    adapter,
    botAppId: config.BOT_ID ?? '',
    outbox: new TableOutboxStore(outboxTable),
    conversations,
    renderers: { ...builtInRenderers, ...feedNoticeRenderers, ...approvalRenderers, ...exportRenderers },
    leases,
    logger
  });
  const notifier = notifications.notifier;
  let listeningPort = config.PORT;
  const feed = new LinkedInFeed({
    jobs,
    snapshots: new TableFeedSnapshotStore(feedTables.snapshots),
    leases,
    events: new TableFeedEventStore(feedTables.events),
    tokens: new TableFeedTokenStore(feedTables.tokens, config.LINKEDIN_FEED_TOKEN),
    settings,
    notifier,
    logger,
    publicBaseUrl: () => config.PUBLIC_BASE_URL ?? `http://127.0.0.1:${listeningPort}`
  });
  const scheduler = new FeedScheduler({ tenants, settings, leases, feed, logger });

  // LinkedIn Recruiter one-click export (issue 4): push inbox → LinkedIn → candidate → notices.
  const exportInbox = new TableExportInbox(exportsTable);
  const exportWorker = new ExportWorker(
    {
      inbox: exportInbox,
      candidates: new TableCandidateStore(candidatesTable),
      jobs,
      settings,
      linkedIn: new LinkedInClient({ oauthBaseUrl: config.LINKEDIN_OAUTH_BASE_URL, apiBaseUrl: config.LINKEDIN_API_BASE_URL, timeoutMs: config.LINKEDIN_TIMEOUT_MS }),
      notifier,
      bootstrapAdmins: config.ADMIN_AAD_IDS,
      defaultOrganizationId: config.LINKEDIN_ORGANIZATION_ID,
      logger,
      now: () => new Date()
    },
    { maxAttempts: config.EXPORT_MAX_ATTEMPTS, retryBaseMs: config.EXPORT_RETRY_BASE_MS, pollMs: config.EXPORT_POLL_MS, leaseMs: config.EXPORT_LEASE_MS }
  );

  const app = createBotApp(adapter, config.BOT_ID ?? '', {
    jobs,
    conversations,
    settings,
    feed,
    notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    now: () => new Date(),
    exportInbox,
    pushCallbackUrl: async (tenantId) => pushCallbackUrl(config, tenantId)
  }, logger);

  const server = createHttpServer({
    processActivity: (req, res) => adapter.process(req, res, (context) => runTurn(app, context)),
    storageHealthy: () => storageHealthy(jobsTable),
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
    feed,
    linkedInPush: {
      keys: new EnvPushKeyResolver(config.LINKEDIN_PUSH_KEY, linkedInPushTenant(config)),
      settings,
      inbox: exportInbox,
      accepted: () => exportWorker.kick(),
      now: () => new Date()
    }
  });
  await new Promise<void>((done) => server.listen(config.PORT, done));
  const { port } = server.address();
  listeningPort = port;
  scheduler.start();
  notifications.worker.start();
  exportWorker.start();
  logger.info(`bot listening on http://127.0.0.1:${port}/api/messages`, {
    auth: config.BOT_ID ? 'Bot Framework JWT required' : 'no BOT_ID: inbound auth off (local and Agents Playground only)'
  });

  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    server.close();
    await Promise.all([scheduler.stop(), exportWorker.stop(), notifications.worker.stop()]);
    await embedded?.stop();
    await stopTelemetry().catch(() => undefined);
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => createLogger().error('unhandled rejection', { reason: String(reason) }));
  main().catch((error: Error) => {
    // A configuration problem is one readable line, not a stack trace.
    console.error(error instanceof ConfigError ? error.message : `Failed to start: ${error.message}`);
    process.exit(1);
  });
}
