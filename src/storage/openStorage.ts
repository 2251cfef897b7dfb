import { resolve } from 'node:path';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { ConfigError } from '../config';
import type { Logger } from '../logger';
import type { EmbeddedAzurite } from './azurite';
import type { TableConnection } from './tables';

export interface StorageSettings {
  AZURE_STORAGE_ACCOUNT_URL?: string;
  AZURE_STORAGE_CONNECTION_STRING?: string;
  DATA_DIR: string;
  AZURITE_IN_MEMORY: boolean;
}

/** Which storage the process uses: an account URL with Entra ID tokens, a connection string, or embedded Azurite. */
export type StorageChoice =
  | { kind: 'account-url'; accountUrl: string }
  | { kind: 'connection-string'; connectionString: string }
  | { kind: 'embedded' };

export function chooseStorage(settings: Pick<StorageSettings, 'AZURE_STORAGE_ACCOUNT_URL' | 'AZURE_STORAGE_CONNECTION_STRING'>): StorageChoice {
  if (settings.AZURE_STORAGE_ACCOUNT_URL) return { kind: 'account-url', accountUrl: settings.AZURE_STORAGE_ACCOUNT_URL };
  if (settings.AZURE_STORAGE_CONNECTION_STRING) return { kind: 'connection-string', connectionString: settings.AZURE_STORAGE_CONNECTION_STRING };
  return { kind: 'embedded' };
}

/** The parts of a connection string that say where it points; never the key or a SAS. */
export function connectionStringTarget(connectionString: string): string {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(';')) {
    const at = part.indexOf('=');
    if (at > 0) parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (parts.get('usedevelopmentstorage') === 'true') return 'the local storage emulator (UseDevelopmentStorage=true)';
  const account = parts.get('accountname');
  const endpoint = parts.get('tableendpoint');
  return [account && `account ${account}`, endpoint && `endpoint ${endpoint}`].filter(Boolean).join(', ') || 'an account';
}

/** Whether the dev-only `azurite` package is installed (it is not in a production install). */
export function embeddedAzuriteInstalled(): boolean {
  try {
    require.resolve('azurite/package.json');
    return true;
  } catch {
    return false;
  }
}

export interface OpenedStorage {
  connection: TableConnection;
  embedded?: EmbeddedAzurite;
}

/**
 * Opens the storage the settings choose and logs which, first thing (never a key). Embedded Azurite is loaded only
 * here, when nothing else is configured, so a production install need not contain it.
 */
export async function openStorage(
  settings: StorageSettings,
  logger: Logger,
  credential: () => TokenCredential = () => new DefaultAzureCredential()
): Promise<OpenedStorage> {
  const choice = chooseStorage(settings);
  if (choice.kind === 'account-url') {
    logger.info(`storage: Azure Table Storage at ${choice.accountUrl} with Entra ID tokens (AZURE_STORAGE_ACCOUNT_URL, DefaultAzureCredential)`);
    return { connection: { accountUrl: choice.accountUrl.replace(/\/+$/, ''), credential: credential() } };
  }
  if (choice.kind === 'connection-string') {
    const connectionString = choice.connectionString;
    logger.info(`storage: Azure Table Storage from AZURE_STORAGE_CONNECTION_STRING (${connectionStringTarget(connectionString)})`);
    return { connection: { connectionString, allowInsecure: /TableEndpoint=http:|UseDevelopmentStorage=true/i.test(connectionString) } };
  }
  if (!embeddedAzuriteInstalled()) {
    throw new ConfigError(
      'AZURE_STORAGE_ACCOUNT_URL',
      'or AZURE_STORAGE_CONNECTION_STRING is required: embedded Azurite is a development tool and is not installed here'
    );
  }
  const { startEmbeddedAzurite } = await import('./azurite');
  const location = resolve(settings.DATA_DIR, 'azurite');
  const embedded = await startEmbeddedAzurite({ location, inMemory: settings.AZURITE_IN_MEMORY, logger });
  logger.info(`storage: no AZURE_STORAGE_ACCOUNT_URL or AZURE_STORAGE_CONNECTION_STRING set, so using embedded Azurite on 127.0.0.1:${embedded.port}`, {
    data: settings.AZURITE_IN_MEMORY ? 'in memory' : location,
    pid: embedded.pid
  });
  return { connection: embedded.connection, embedded };
}
