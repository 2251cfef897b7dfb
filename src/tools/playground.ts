/**
 * `npm run playground`: runs the bot (embedded Azurite storage) and the Microsoft 365 Agents Playground side by side,
 * prints the address to open in a browser, and stops both on Ctrl-C or as soon as either one dies.
 *
 *   PORT             the bot's port (default: env/.env.local, else 3978)
 *   PLAYGROUND_PORT  the playground's port (default 56150; a free one when that is taken)
 *
 * The playground sends no JWT, so the bot runs here with an empty BOT_ID (inbound auth off), whatever env files say.
 * Everything listens on 127.0.0.1 only.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../freePort';
import { loadEnvFiles } from './envFiles';
import {
  createSandbox,
  portAvailable,
  startChild,
  tail,
  waitForHttpOk,
  waitForLine,
  type ManagedChild,
  type Sandbox
} from './processes';

/** The project root (this file runs from dist/src/tools). */
export const PROJECT_ROOT = join(__dirname, '..', '..', '..');
/** The bot's entry point, built. */
export const BOT_ENTRY = join(__dirname, '..', 'index.js');
export const DEFAULT_BOT_PORT = 3978;
export const DEFAULT_PLAYGROUND_PORT = 56150;

export interface BotProcess {
  process: ManagedChild;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** http://127.0.0.1:<port>/api/messages */
  endpoint: string;
}

export interface StartBotProcessOptions {
  port: number;
  /** The child's whole environment (PORT is set from `port`). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  sandbox: Sandbox;
  echo?: NodeJS.WritableStream;
  readyTimeoutMs?: number;
}

/** Starts `node dist/src/index.js` and waits until GET /healthz answers 200. */
export async function startBotProcess(options: StartBotProcessOptions): Promise<BotProcess> {
  if (!existsSync(BOT_ENTRY)) throw new Error(`${BOT_ENTRY} is missing: build first (npx tsc -p .)`);
  const child = startChild({
    name: 'bot',
    command: process.execPath,
    args: ['--disable-warning=DEP0111', '--require', options.sandbox.loopbackPreload, BOT_ENTRY],
    cwd: options.cwd,
    env: { ...options.env, PORT: String(options.port) },
    echo: options.echo
  });
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForHttpOk(`${url}/healthz`, { child, timeoutMs: options.readyTimeoutMs ?? 60000 });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { process: child, port: options.port, url, endpoint: `${url}/api/messages` };
}

export interface PlaygroundProcess {
  process: ManagedChild;
  port: number;
  /** The web UI: http://127.0.0.1:<port> */
  url: string;
  /** The playground's mock Bot Connector, the bot's serviceUrl. */
  connectorUrl: string;
}

export interface StartPlaygroundProcessOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  port: number;
  /** The playground reads `.m365agentsplayground.yml` from here and writes devTools/m365agentsplayground.log. */
  cwd: string;
  sandbox: Sandbox;
  echo?: NodeJS.WritableStream;
  readyTimeoutMs?: number;
}

export class PortTakenError extends Error {
  constructor(readonly wanted: number, readonly got: number) {
    super(`the playground wanted port ${wanted} but listens on ${got}`);
  }
}

export function playgroundCli(): string {
  return require.resolve('@microsoft/m365agentsplayground/cli.js');
}

/**
 * Starts the Agents Playground on `port` (telemetry off, no browser opened, bound to 127.0.0.1) and waits for its web UI.
 * Its connector URL is pinned to 127.0.0.1 so the bot's replies never depend on how `localhost` resolves.
 */
export async function startPlaygroundProcess(options: StartPlaygroundProcessOptions): Promise<PlaygroundProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const connectorUrl = `${url}/_connector`;
  const child = startChild({
    name: 'playground',
    command: process.execPath,
    args: [
      '--require', options.sandbox.loopbackPreload,
      playgroundCli(),
      '-e', options.botEndpoint,
      '-c', 'msteams',
      '-p', String(options.port),
      '--service-url', connectorUrl,
      '--dt'
    ],
    cwd: options.cwd,
    env: { ...process.env, PATH: options.sandbox.path, BROWSER: 'none' },
    echo: options.echo
  });
  try {
    const timeoutMs = options.readyTimeoutMs ?? 60000;
    const [, listening] = await waitForLine(child, /Listening on (\d+)/, timeoutMs);
    if (Number(listening) !== options.port) throw new PortTakenError(options.port, Number(listening));
    await waitForHttpOk(`${url}/`, { child, timeoutMs });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return { process: child, port: options.port, url, connectorUrl };
}

function envFileDefaults(): Record<string, string> {
  const envName = process.env.TEAMSFX_ENV || 'local';
  const dir = join(PROJECT_ROOT, 'env');
  return existsSync(join(dir, `.env.${envName}`)) ? loadEnvFiles(envName, dir) : {};
}

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a port number (1-65535), not "${value}"`);
  return port;
}

async function main(): Promise<void> {
  const log = (line: string) => process.stdout.write(`[playground-tool] ${line}\n`);
  const fileVars = envFileDefaults();
  const botPort = portFrom(process.env.PORT ?? fileVars.PORT, DEFAULT_BOT_PORT, 'PORT');
  let playgroundPort = portFrom(process.env.PLAYGROUND_PORT, DEFAULT_PLAYGROUND_PORT, 'PLAYGROUND_PORT');

  if (!(await portAvailable(botPort))) {
    throw new Error(`port ${botPort} is in use (another bot still running?). Stop it, or run with PORT=<free port>.`);
  }
  if (!(await portAvailable(playgroundPort))) {
    const other = await freePort();
    log(`port ${playgroundPort} is in use; the playground uses ${other} instead (set PLAYGROUND_PORT to choose).`);
    playgroundPort = other;
  }

  const sandbox = createSandbox('agents-playground-');
  const children: ManagedChild[] = [];
  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string, code: number) => {
    if (!stopping) {
      log(`${reason}: stopping the bot and the playground…`);
      stopping = Promise.all(children.map((child) => child.stop()))
        .then(() => sandbox.remove())
        .finally(() => process.exit(code));
    } else {
      // A second Ctrl-C: no more waiting.
      for (const child of children) child.kill('SIGKILL');
    }
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void shutdown(signal, signal === 'SIGINT' ? 130 : 143));
  }

  const watch = (child: ManagedChild) => {
    children.push(child);
    void child.exited.then(({ code, signal }) => {
      if (stopping) return;
      process.stderr.write(`${tail(child, 20)}\n`);
      void shutdown(`the ${child.name} exited (${signal ?? `code ${code}`})`, 1);
    });
  };

  try {
    const storage = process.env.AZURE_STORAGE_ACCOUNT_URL
      ? 'AZURE_STORAGE_ACCOUNT_URL'
      : process.env.AZURE_STORAGE_CONNECTION_STRING
        ? 'AZURE_STORAGE_CONNECTION_STRING'
        : 'embedded Azurite';
    log(`starting the bot on port ${botPort} (storage: ${storage})…`);
    const bot = await startBotProcess({
      port: botPort,
      // The playground sends no JWT: inbound auth must be off, whatever env/.env.local.user says.
      env: { ...process.env, BOT_ID: '', BOT_PASSWORD: '', BOT_TYPE: 'MultiTenant', BOT_TENANT_ID: '' },
      cwd: PROJECT_ROOT,
      sandbox,
      echo: process.stdout
    });
    watch(bot.process);
    log(`starting the Agents Playground on port ${playgroundPort}…`);
    let playground: PlaygroundProcess;
    try {
      playground = await startPlaygroundProcess({ botEndpoint: bot.endpoint, port: playgroundPort, cwd: PROJECT_ROOT, sandbox, echo: process.stdout });
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      // Someone took the port between our check and the playground's start: once more on another one.
      playground = await startPlaygroundProcess({ botEndpoint: bot.endpoint, port: await freePort(), cwd: PROJECT_ROOT, sandbox, echo: process.stdout });
    }
    watch(playground.process);
    process.stdout.write(
      `\n  Agents Playground ready: open ${playground.url} in your browser  (bot ${bot.endpoint}; Ctrl-C stops both)\n\n`
    );
  } catch (error) {
    process.stderr.write(`[playground-tool] could not start: ${(error as Error).message}\n`);
    await shutdown('start failed', 1);
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`[playground-tool] ${error.message}\n`);
    process.exit(1);
  });
}
