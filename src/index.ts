import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { ConfigError, isProduction, parseConfig } from './config';
import { createLogger } from './logger';
import { startTelemetry } from './telemetry';
import { loadEnvFiles } from './tools/envFiles';

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
  // Loaded once the configuration is good: a bad one fails at once, not after loading the Bot Framework SDK.
  const { appLogger, buildApp } = await import('./app');
  const logger = appLogger(config);
  const stopTelemetry = await startTelemetry(config.APPLICATIONINSIGHTS_CONNECTION_STRING, logger);
  const app = await buildApp(config, { logger });
  const port = await app.listen(config.PORT);
  app.start();
  logger.info(`bot listening on http://127.0.0.1:${port}/api/messages`, {
    auth: config.BOT_ID ? 'Bot Framework JWT required' : 'no BOT_ID: inbound auth off (local and Agents Playground only)'
  });

  // Graceful stop (SHUTDOWN_GRACE_MS): stop accepting, drain requests, stop the workers, then storage.
  const stop = async (signal: string) => {
    await app.stop(config.SHUTDOWN_GRACE_MS, signal);
    await stopTelemetry().catch(() => undefined);
    logger.info('stopped', { signal });
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
