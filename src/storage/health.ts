import type { TableClient } from '@azure/data-tables';
import { tableClient, type TableConnection } from './tables';

/** A client for the health check: one attempt, no retries, so /readyz tells the state of storage now. */
export function healthClient(connection: TableConnection, tableName: string): TableClient {
  return tableClient(connection, tableName, { retryOptions: { maxRetries: 0 } });
}

/** A one-row read with a short deadline: the health check must answer even when storage hangs. */
export async function storageHealthy(table: TableClient, timeoutMs = 2000): Promise<boolean> {
  try {
    const pages = table
      .listEntities({ queryOptions: { filter: "PartitionKey eq '__health__'" }, abortSignal: AbortSignal.timeout(timeoutMs) })
      .byPage({ maxPageSize: 1 });
    await pages.next();
    return true;
  } catch {
    return false;
  }
}
