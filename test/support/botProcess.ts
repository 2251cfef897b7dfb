/**
 * Starts the real bot (`node dist/src/index.js`) for end-to-end tests: a free port on 127.0.0.1, no inbound auth,
 * a temp DATA_DIR with an in-memory embedded Azurite unless the test passes AZURE_STORAGE_CONNECTION_STRING.
 * Call `stop()` in `after()`; whatever is left is killed when the test process exits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBotProcess } from '../../src/tools/playground';
import { freePort } from '../../src/freePort';
import { createSandbox, type ManagedChild, type Sandbox } from '../../src/tools/processes';

export interface StartBotOptions {
  /** Extra environment for the bot; wins over the defaults below. */
  env?: Record<string, string | undefined>;
  /** Reuse a data folder (e.g. to restart a bot on the same embedded storage); a new temp folder otherwise. */
  dataDir?: string;
  readyTimeoutMs?: number;
}

export interface BotHandle {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>/api/messages */
  endpoint: string;
  dataDir: string;
  /** The bot's stdout and stderr lines (live). */
  logs: string[];
  output(): string;
  process: ManagedChild;
  /** SIGTERM, then waits until the bot and its embedded Azurite are gone. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL) to the bot alone, then makes sure nothing it started survives. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Every bot process this test run started, so a check at the end can read all their log lines. */
export const startedBots: BotHandle[] = [];

let sandbox: Sandbox | undefined;
const tempDirs: string[] = [];
let cleanupInstalled = false;

/** One sandbox (no-op xdg-open, loopback preload) per test process, removed at exit with the temp data folders. */
export function testSandbox(): Sandbox {
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    process.on('exit', () => {
      sandbox?.remove();
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  sandbox ??= createSandbox('e2e-sandbox-');
  return sandbox;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Set E2E_ECHO=1 to see the children's output live. */
export function echoStream(): NodeJS.WritableStream | undefined {
  return process.env.E2E_ECHO ? process.stderr : undefined;
}

export async function startBot(options: StartBotOptions = {}): Promise<BotHandle> {
  const box = testSandbox();
  const dataDir = options.dataDir ?? tempDir('e2e-bot-data-');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // No JWT (the playground and tests send none), whatever the developer's environment says.
    BOT_ID: '',
    BOT_PASSWORD: '',
    BOT_TYPE: 'MultiTenant',
    BOT_TENANT_ID: '',
    AZURE_STORAGE_CONNECTION_STRING: '',
    DATA_DIR: dataDir,
    AZURITE_IN_MEMORY: 'true',
    ...options.env
  };
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      // cwd is the data folder: no env/.env.* files are read there, so the test controls the whole configuration.
      const bot = await startBotProcess({ port, env, cwd: dataDir, sandbox: box, echo: echoStream(), readyTimeoutMs: options.readyTimeoutMs });
      const child = bot.process;
      const handle: BotHandle = {
        port,
        url: bot.url,
        endpoint: bot.endpoint,
        dataDir,
        logs: child.logs,
        output: () => child.output(),
        process: child,
        stop: () => child.stop(),
        kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
          child.kill(signal);
          await child.exited;
          await child.stop();
        }
      };
      startedBots.push(handle);
      return handle;
    } catch (error) {
      lastError = error as Error;
      // Another process took the port between freePort() and the bot's listen: try another one.
      if (!/EADDRINUSE/.test(lastError.message)) throw lastError;
    }
  }
  throw lastError ?? new Error('the bot did not start');
}
