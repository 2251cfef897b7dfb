import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ConnectionStringConnection } from './tables';

/** Azurite's well-known development account (public, documented by Microsoft). */
const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface EmbeddedAzurite {
  connection: ConnectionStringConnection;
  port: number;
  location: string;
  stop(): Promise<void>;
}

export interface EmbeddedAzuriteOptions {
  /** Folder for Azurite's data; data survives restarts unless `inMemory`. */
  location: string;
  inMemory?: boolean;
  /** 0 or unset: any free port. */
  port?: number;
}

export function azuriteConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};TableEndpoint=http://127.0.0.1:${port}/${DEV_ACCOUNT};`;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startEmbeddedAzurite(options: EmbeddedAzuriteOptions): Promise<EmbeddedAzurite> {
  const port = options.port || (await freePort());
  const child = fork(join(__dirname, 'azuriteChild.js'), [String(port), options.location, options.inMemory ? 'memory' : 'disk'], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc']
  });
  await waitUntilReady(child);
  return {
    connection: { connectionString: azuriteConnectionString(port), allowInsecure: true },
    port,
    location: options.location,
    stop: () => stopChild(child)
  };
}

function waitUntilReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`embedded Azurite exited before it was ready (code ${code})`));
    child.once('exit', onExit);
    child.once('message', () => {
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
