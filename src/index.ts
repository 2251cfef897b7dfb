import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { TeamsAdapter } from '@microsoft/teams-ai';
import { createBotApp } from './bot/app';
import { ConfigError, linkedInPushTenant, parseConfig, settingsDefaults, type Config } from './config';
import { exportRenderers } from './exports/exportCards';
import { ExportWorker } from './exports/exportWorker';
import { LinkedInClient } from './linkedin/client';
import { EnvPushKeyResolver } from './linkedin/push';
import { CANDIDATES_TABLE, TableCandidateStore } from './storage/candidateStore';
import { EXPORTS_TABLE, TableExportInbox } from './storage/exportInbox';
import { EnvSettingsReader } from './storage/settingsStore';
import { createHttpServer } from './http/server';
import { consoleLogger, type Logger } from './logger';
import { startEmbeddedAzurite, type EmbeddedAzurite } from './storage/azurite';
import { CONVERSATIONS_TABLE, TableConversationStore } from './storage/conversationStore';
import { TableJobStore, JOBS_TABLE } from './storage/tableJobStore';
import { ensureTable, tableClient, type TableConnection } from './storage/tables';
import { storageHealthy } from './storage/health';
import { OUTBOX_TABLE, TableOutboxStore } from './storage/tableOutboxStore';
import { createNotifications } from './notifications';
import { builtInRenderers } from './notifications/renderers';
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
  const [exportsTable, candidatesTable, outboxTable] = [EXPORTS_TABLE, CANDIDATES_TABLE, OUTBOX_TABLE].map((name) => tableClient(connection, name));
  await Promise.all([jobsTable, conversationsTable, exportsTable, candidatesTable, outboxTable].map(ensureTable));

  const adapter = new TeamsAdapter({
    MicrosoftAppId: config.BOT_ID ?? '',
    MicrosoftAppPassword: config.BOT_PASSWORD ?? '',
    MicrosoftAppType: config.BOT_TYPE,
    MicrosoftAppTenantId: config.BOT_TENANT_ID ?? ''
  });
  const jobs = new TableJobStore(jobsTable);
  const conversations = new TableConversationStore(conversationsTable);
  const credentials = config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET } : undefined;
  const settings = new EnvSettingsReader(settingsDefaults(config), credentials);
  // Proactive messages: every feature's renderers by message kind (feed.*, candidate.*, approval.* join here).
  const notifications = createNotifications({
    adapter,
    botAppId: config.BOT_ID ?? '',
    outbox: new TableOutboxStore(outboxTable),
    conversations,
    renderers: { ...builtInRenderers, ...exportRenderers },
    logger
  });

  // LinkedIn Recruiter one-click export (issue 4): push inbox → LinkedIn → candidate → notices.
  const exportInbox = new TableExportInbox(exportsTable);
  const exportWorker = new ExportWorker(
    {
      inbox: exportInbox,
      candidates: new TableCandidateStore(candidatesTable),
      jobs,
      settings,
      linkedIn: new LinkedInClient({ oauthBaseUrl: config.LINKEDIN_OAUTH_BASE_URL, apiBaseUrl: config.LINKEDIN_API_BASE_URL, timeoutMs: config.LINKEDIN_TIMEOUT_MS }),
      notifier: notifications.notifier,
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
    bootstrapAdmins: config.ADMIN_AAD_IDS,
    notifier: notifications.notifier,
    now: () => new Date(),
    exportInbox
  }, logger);

  const server = createHttpServer({
    processActivity: (req, res) => adapter.process(req, res, (context) => app.run(context).then(() => undefined)),
    storageHealthy: () => storageHealthy(jobsTable),
    maxBodyBytes: config.MAX_BODY_BYTES,
    logger,
    linkedInPush: {
      keys: new EnvPushKeyResolver(config.LINKEDIN_PUSH_KEY, linkedInPushTenant(config)),
      settings,
      inbox: exportInbox,
      accepted: () => exportWorker.kick(),
      now: () => new Date()
    }
  });
  await new Promise<void>((done) => server.listen(config.PORT, done));
  exportWorker.start();
  const { port } = server.address();
  logger.info(`bot listening on http://127.0.0.1:${port}/api/messages`, {
    auth: config.BOT_ID ? 'Bot Framework JWT required' : 'no BOT_ID: inbound auth off (local and Agents Playground only)'
  });

  notifications.worker.start();

  const stop = async (signal: string) => {
    logger.info('stopping', { signal });
    server.close();
    await Promise.all([exportWorker.stop(), notifications.worker.stop()]);
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
