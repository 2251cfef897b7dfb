/**
 * The tenants this deployment serves, so the feed scheduler knows whose feeds to build. One row per tenant, written
 * (idempotently) when the tenant's first job is stored; a registry found empty at start is filled once from the
 * jobs table, so tenants whose jobs predate the registry are not forgotten.
 */
import type { TableClient } from '@azure/data-tables';
import { decodeKey, encodeKey, isStatus } from './tables';

export const TENANTS_TABLE = 'tenants';
const PARTITION = 'tenant';

export interface TenantRegistry {
  /** Remembers a tenant; cheap after the first call per process. */
  add(tenantId: string): Promise<void>;
  list(): Promise<string[]>;
}

export class TableTenantRegistry implements TenantRegistry {
  private readonly known = new Set<string>();

  constructor(private readonly table: TableClient) {}

  async add(tenantId: string): Promise<void> {
    if (this.known.has(tenantId)) return;
    try {
      await this.table.createEntity({ partitionKey: PARTITION, rowKey: encodeKey(tenantId), addedAt: new Date().toISOString() });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    this.known.add(tenantId);
  }

  async list(): Promise<string[]> {
    const tenants: string[] = [];
    const rows = this.table.listEntities({ queryOptions: { filter: `PartitionKey eq '${PARTITION}'`, select: ['RowKey'] } });
    for await (const row of rows) tenants.push(decodeKey(row.rowKey!));
    return tenants;
  }

  /** Adds every tenant that has a row in `jobs` (job rows are partitioned by encoded tenant id). Run once, when empty. */
  async backfillFrom(jobs: TableClient): Promise<number> {
    if ((await this.list()).length > 0) return 0;
    const seen = new Set<string>();
    for await (const row of jobs.listEntities({ queryOptions: { select: ['PartitionKey'] } })) seen.add(decodeKey(row.partitionKey!));
    for (const tenantId of seen) await this.add(tenantId);
    return seen.size;
  }
}
