import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from './bot/app';
import { ConfigError, envLinkedInCredentials, parseConfig, settingsDefaults, type Config } from './config';
import { secretBoxFrom } from './storage/secretBox';
import { SETTINGS_TABLE, TableSettingsStore } from './storage/tableSettingsStore';
import { createHttpServer } from './http/server';
import { consoleLogger, type Logger } from './logger';
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

export async function main(): Promise<void> {
  const logger = consoleLogger();
  const config = parseConfig(environment());
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
  const outboxTable = tableClient(connection, OUTBOX_TABLE);
  await Promise.all([jobsTable, conversationsTable, settingsTable, outboxTable, ...Object.values(feedTables)].map(ensureTable));
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
  // Proactive messages: every feature's renderers by message kind.
  const notifications = createNotifications({
    adapter,
    botAppId: config.BOT_ID ?? '',
    outbox: new TableOutboxStore(outboxTable),
    conversations,
    renderers: { ...builtInRenderers, ...feedNoticeRenderers, ...approvalRenderers },
    logger
  });
  const notifier = notifications.notifier;
  const leases = new TableLeaseStore(feedTables.leases);
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

  const app = createBotApp(adapter, config.BOT_ID ?? '', {
    jobs,
    conversations,
    settings,
    feed,
    notifier,
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    now: () => new Date()
  }, logger);

  const server = createHttpServer({
    processActivity: (req, res) => adapter.process(req, res, (context) => app.run(context).then(() => undefined)),
    storageHealthy: () => storageHealthy(jobsTable),
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
    feed
  });
  await new Promise<void>((done) => server.listen(config.PORT, done));
  const { port } = server.address();
  listeningPort = port;
  scheduler.start();
  notifications.worker.start();
  logger.info(`bot listening on http://127.0.0.1:${port}/api/messages`, {
    auth: config.BOT_ID ? 'Bot Framework JWT required' : 'no BOT_ID: inbound auth off (local and Agents Playground only)'
  });

  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    server.close();
    await scheduler.stop();
    await notifications.worker.stop();
    await embedded?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  process.on('unhandledRejection', (reason) => console.error(JSON.stringify({ level: 'error', message: 'unhandled rejection', reason: String(reason) })));
  main().catch((error: Error) => {
    // A configuration problem is one readable line, not a stack trace.
    console.error(error instanceof ConfigError ? error.message : `Failed to start: ${error.message}`);
    process.exit(1);
  });
}
