/**
 * Starts the Microsoft 365 Agents Playground against a running bot, on a free port of 127.0.0.1,
 * with telemetry off and a no-op xdg-open so it opens no browser. Call `stop()` in `after()`.
 */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, PortTakenError, startPlaygroundProcess } from '../../src/tools/playground';
import { freePort } from '../../src/freePort';
import type { ManagedChild } from '../../src/tools/processes';
import { echoStream, tempDir, testSandbox } from './botProcess';

export interface PlaygroundHandle {
  port: number;
  /** The web UI, http://127.0.0.1:<port> */
  url: string;
  /** The playground's mock Bot Connector (the serviceUrl the bot replies to). */
  connectorUrl: string;
  logs: string[];
  process: ManagedChild;
  stop(): Promise<void>;
}

const CONFIG_FILE = '.m365agentsplayground.yml';

/** `botUrl`: the bot's base URL (http://127.0.0.1:<port>) or its messaging endpoint. */
export async function startPlayground(botUrl: string, options: { readyTimeoutMs?: number } = {}): Promise<PlaygroundHandle> {
  const botEndpoint = /\/api\/messages\/?$/.test(botUrl) ? botUrl : `${botUrl.replace(/\/$/, '')}/api/messages`;
  // Its own working folder: it writes devTools/m365agentsplayground.log there. The project's config file, if any, comes along.
  const cwd = tempDir('e2e-playground-');
  if (existsSync(join(PROJECT_ROOT, CONFIG_FILE))) copyFileSync(join(PROJECT_ROOT, CONFIG_FILE), join(cwd, CONFIG_FILE));
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const started = await startPlaygroundProcess({
        botEndpoint,
        port: await freePort(),
        cwd,
        sandbox: testSandbox(),
        echo: echoStream(),
        readyTimeoutMs: options.readyTimeoutMs
      });
      return {
        port: started.port,
        url: started.url,
        connectorUrl: started.connectorUrl,
        logs: started.process.logs,
        process: started.process,
        stop: () => started.process.stop()
      };
    } catch (error) {
      lastError = error as Error;
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw lastError ?? new Error('the playground did not start');
}
