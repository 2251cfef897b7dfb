/**
 * Each tenant's own LinkedIn callback key, stored only as its SHA-256: the key itself is shown to the admin once and
 * never again. One small partition, two kinds of rows, changed together in one entity-group transaction:
 * - `hash|<sha256 of the key>` → the tenant it belongs to (what the push route looks up);
 * - `tenant|<tenant>` → the current key's hash, its last 4 characters and when it was made (what the card shows).
 * Replacing a key removes the old hash row in the same transaction, so a rotated key answers 404 at once.
 */
import { createHash } from 'node:crypto';
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { AppError } from '../domain/errors';
import type { PushKeyResolver } from '../linkedin/push';
import { encodeKey, isStatus } from './tables';

export const PUSH_KEYS_TABLE = 'pushkeys';

const PARTITION = 'pushkeys';
const hashRow = (hash: string) => `hash|${hash}`;
const tenantRow = (tenantId: string) => `tenant|${encodeKey(tenantId)}`;
const sha256 = (key: string) => createHash('sha256').update(key).digest('hex');

export interface PushKeyInfo {
  /** The key's last 4 characters (the card shows the URL ending in them). */
  last4: string;
  createdAt: string;
}

export interface PushKeyStore extends PushKeyResolver {
  describe(tenantId: string): Promise<PushKeyInfo | undefined>;
  /** Makes `key` the tenant's only key (the old one stops working). */
  replace(tenantId: string, key: string, at: Date): Promise<PushKeyInfo>;
}

interface TenantKeyEntity {
  partitionKey: string;
  rowKey: string;
  keyHash: string;
  last4: string;
  createdAt: string;
}

export class TablePushKeyStore implements PushKeyStore {
  constructor(private readonly table: TableClient) {}

  async tenantFor(key: string): Promise<string | undefined> {
    if (!key) return undefined;
    try {
      return (await this.table.getEntity<{ tenantId: string }>(PARTITION, hashRow(sha256(key)))).tenantId;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async describe(tenantId: string): Promise<PushKeyInfo | undefined> {
    const row = await this.tenantRow(tenantId);
    return row && { last4: row.last4, createdAt: row.createdAt };
  }

  async replace(tenantId: string, key: string, at: Date): Promise<PushKeyInfo> {
    const current = await this.tenantRow(tenantId);
    const info: PushKeyInfo = { last4: key.slice(-4), createdAt: at.toISOString() };
    const keyHash = sha256(key);
    const row: TenantKeyEntity = { partitionKey: PARTITION, rowKey: tenantRow(tenantId), keyHash, ...info };
    const actions: TransactionAction[] = [
      ['create', { partitionKey: PARTITION, rowKey: hashRow(keyHash), tenantId }],
      current ? ['update', { ...row }, 'Replace', { etag: current.etag }] : ['create', { ...row }]
    ];
    if (current) actions.push(['delete', { partitionKey: PARTITION, rowKey: hashRow(current.keyHash) }]);
    try {
      await this.table.submitTransaction(actions);
    } catch (error) {
      // Another admin replaced the key at the same moment: theirs stands.
      if (isStatus(error, 412) || isStatus(error, 409) || isStatus(error, 404)) throw new AppError('SETTINGS_CONFLICT', tenantId);
      throw error;
    }
    return info;
  }

  private async tenantRow(tenantId: string): Promise<(TenantKeyEntity & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<TenantKeyEntity>(PARTITION, tenantRow(tenantId));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
