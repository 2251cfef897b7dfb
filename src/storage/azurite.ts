import { fork, type ChildProcess } from 'node:child_process';
import { freePort } from '../freePort';
import { join } from 'node:path';
import type { Logger } from '../logger';
import type { ConnectionStringConnection } from './tables';

/** Azurite's well-known development account (public, documented by Microsoft). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedAzurite {
  connection: ConnectionStringConnection;
  port: number;
  location: string;
  /** The Azurite child process running now (it changes when the supervisor restarts Azurite). */
  readonly pid: number | undefined;
  /** Runs after each restart (in memory, the tables are gone: create them again). */
  onRestart(listener: () => Promise<void>): void;
  stop(): Promise<void>;
}

export interface EmbeddedAzuriteOptions {
  /** Folder for Azurite's data; data survives restarts unless `inMemory`. */
  location: string;
  inMemory?: boolean;
  /** 0 or unset: any free port. */
  port?: number;
  /** Where restarts are reported; silent without. */
  logger?: Logger;
}

/** First wait before restarting a dead Azurite; doubles while it keeps dying, up to the maximum. */
const RESTART_FIRST_DELAY_MS = 250;
const RESTART_MAX_DELAY_MS = 30_000;
/** An Azurite that stayed up this long starts its next restart from the first delay again. */
const STABLE_AFTER_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
}

/**
 * Starts Azurite's table service in a child process and supervises it: when the child dies, it is started again (with
 * backoff) on the same port and data folder, so the table clients already made keep working.
 */
export async function startEmbeddedAzurite(options: EmbeddedAzuriteOptions): Promise<EmbeddedAzurite> {
  const port = options.port || (await freePort());
  const args = [String(port), options.location, options.inMemory ? 'memory' : 'disk'];
  const logger = options.logger;
  const listeners: Array<() => Promise<void>> = [];
  let child = await startChild(args);
  let startedAt = Date.now();
  let stopped = false;
  let delay = RESTART_FIRST_DELAY_MS;

  const supervise = (current: ChildProcess) => {
    current.once('exit', (code, signal) => {
      if (stopped) return;
      if (Date.now() - startedAt >= STABLE_AFTER_MS) delay = RESTART_FIRST_DELAY_MS;
      logger?.error('storage: embedded Azurite stopped; restarting it', { pid: current.pid, code, signal, restartInMs: delay });
      void restart();
    });
  };
  const restart = async () => {
    while (!stopped) {
      await sleep(delay);
      delay = Math.min(delay * 2, RESTART_MAX_DELAY_MS);
      if (stopped) return;
      try {
        const next = await startChild(args);
        if (stopped) return void (await stopChild(next));
        child = next;
        startedAt = Date.now();
        supervise(next);
        logger?.info('storage: embedded Azurite restarted', { pid: next.pid, port });
        for (const listener of listeners) {
          await listener().catch((error: Error) => logger?.warn('storage: after the Azurite restart', { error: error.message }));
        }
        return;
      } catch (error) {
        logger?.error('storage: embedded Azurite did not start again', { error: (error as Error).message, retryInMs: delay });
      }
    }
  };
  supervise(child);

  return {
    connection: { connectionString: azuriteConnectionString(port), allowInsecure: true },
    port,
    location: options.location,
    get pid() {
      return child.pid;
    },
    onRestart: (listener) => void listeners.push(listener),
    stop: () => {
      stopped = true;
      return stopChild(child);
    }
  };
}

async function startChild(args: string[]): Promise<ChildProcess> {
  const child = fork(join(__dirname, 'azuriteChild.js'), args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    await waitUntilReady(child);
    return child;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('embedded Azurite did not get ready in time')), READY_TIMEOUT_MS);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`embedded Azurite exited before it was ready (code ${code})`));
    };
    child.once('exit', onExit);
    child.once('message', () => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve();
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.disconnect();
  });
}
