import type { TableClient } from '@azure/data-tables';

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
