import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableServiceClient, type TableClient } from '@azure/data-tables';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';
import { ensureTable, tableClient, type TableConnection } from '../../src/storage/tables';

/** The account's service client, for listing the tables a test left behind. */
export function serviceClient(connection: TableConnection): TableServiceClient {
  if ('accountUrl' in connection) return new TableServiceClient(connection.accountUrl, connection.credential);
  return TableServiceClient.fromConnectionString(connection.connectionString, { allowInsecureConnection: connection.allowInsecure });
}

/** Starts a real Azurite (in memory, free port) for the enclosing `describe`, and stops it after. */
export function useAzurite(): () => EmbeddedAzurite {
  let azurite: EmbeddedAzurite | undefined;
  before(async function () {
    this.timeout(30000);
    azurite = await startEmbeddedAzurite({ location: mkdtempSync(join(tmpdir(), 'azurite-test-')), inMemory: true });
  });
  after(async () => {
    await azurite?.stop();
  });
  return () => {
    if (!azurite) throw new Error('Azurite is not running');
    return azurite;
  };
}

let tableCounter = 0;
/** Table names must be alphanumeric; a fresh one per test keeps tests independent. */
export function uniqueTableName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(tableCounter++).toString(36)}`;
}

/** A fresh, created table per prefix (`uniqueTableName`), in the order given. */
export async function freshTables(connection: TableConnection, ...prefixes: string[]): Promise<TableClient[]> {
  const tables = prefixes.map((prefix) => tableClient(connection, uniqueTableName(prefix)));
  await Promise.all(tables.map(ensureTable));
  return tables;
}

/** A fresh name (`uniqueTableName`) for each of the given tables. */
export function uniqueTableNames<K extends string>(keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((key) => [key, uniqueTableName(key)])) as Record<K, string>;
}
