/**
 * Leases and "slot done" marks in Table Storage, so that of several bot processes sharing one storage account
 * exactly one builds a tenant's feed at a time, and a process that starts late does not rebuild a slot.
 */
import type { TableClient } from '@azure/data-tables';
import { encodeKey, isStatus } from './tables';

export const LEASES_TABLE = 'leases';

export interface SlotDone {
  slot: string;
  doneAt: string;
  /** "built", or why the slot was settled without a new snapshot (e.g. "settings_incomplete"). */
  outcome: string;
  snapshotId?: string;
}

export interface LeaseStore {
  /** True when `holder` now holds the lease: it was free, expired, or already this holder's (then extended). */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Extends a lease still held by `holder`; false when it was lost (expired and taken over). */
  renew(name: string, holder: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `holder` still holds it. */
  release(name: string, holder: string): Promise<void>;
  isSlotDone(tenantId: string, slot: string): Promise<boolean>;
  /** Idempotent: the first mark of a slot wins. */
  markSlotDone(tenantId: string, done: SlotDone): Promise<void>;
}

interface LeaseEntity {
  partitionKey: string;
  rowKey: string;
  holder: string;
  /** Milliseconds since the epoch, by the clock of the process that wrote it. */
  expiresAt: number;
}

const LEASE_PARTITION = 'lease';
const slotPartition = (tenantId: string) => `slot:${encodeKey(tenantId)}`;

/**
 * Expiry is compared with each process's own clock, so clocks must agree to well within the TTL (NTP does);
 * a holder renews long before expiry, see `keepLease` in feed/buildFeed.ts.
 */
export class TableLeaseStore implements LeaseStore {
  constructor(private readonly table: TableClient, private readonly clock: () => number = Date.now) {}

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const entity = this.leaseEntity(name, holder, ttlMs);
    try {
      await this.table.createEntity(entity);
      return true;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    const existing = await this.readLease(name);
    if (!existing) return this.tryAcquireOnce(entity);
    if (existing.holder !== holder && existing.expiresAt > this.clock()) return false;
    return this.replaceIfUnchanged(entity, existing.etag);
  }

  async renew(name: string, holder: string, ttlMs: number): Promise<boolean> {
    const existing = await this.readLease(name);
    if (!existing || existing.holder !== holder) return false;
    return this.replaceIfUnchanged(this.leaseEntity(name, holder, ttlMs), existing.etag);
  }

  async release(name: string, holder: string): Promise<void> {
    const existing = await this.readLease(name);
    if (!existing || existing.holder !== holder) return;
    try {
      await this.table.deleteEntity(LEASE_PARTITION, encodeKey(name), { etag: existing.etag });
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 412)) throw error;
    }
  }

  async isSlotDone(tenantId: string, slot: string): Promise<boolean> {
    try {
      await this.table.getEntity(slotPartition(tenantId), slot);
      return true;
    } catch (error) {
      if (isStatus(error, 404)) return false;
      throw error;
    }
  }

  async markSlotDone(tenantId: string, done: SlotDone): Promise<void> {
    try {
      await this.table.createEntity({ partitionKey: slotPartition(tenantId), rowKey: done.slot, ...done });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  private leaseEntity(name: string, holder: string, ttlMs: number): LeaseEntity {
    return { partitionKey: LEASE_PARTITION, rowKey: encodeKey(name), holder, expiresAt: this.clock() + ttlMs };
  }

  private async readLease(name: string): Promise<(LeaseEntity & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<LeaseEntity>(LEASE_PARTITION, encodeKey(name));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Released between our create and our read: one more create, and whoever gets it holds the lease. */
  private async tryAcquireOnce(entity: LeaseEntity): Promise<boolean> {
    try {
      await this.table.createEntity({ ...entity });
      return true;
    } catch (error) {
      if (isStatus(error, 409)) return false;
      throw error;
    }
  }

  /** The ETag makes take-over atomic: of two processes replacing the same expired lease, one gets 412. */
  private async replaceIfUnchanged(entity: LeaseEntity, etag: string): Promise<boolean> {
    try {
      await this.table.updateEntity({ ...entity }, 'Replace', { etag });
      return true;
    } catch (error) {
      if (isStatus(error, 412) || isStatus(error, 404)) return false;
      throw error;
    }
  }
}
