/**
 * Records of actions already taken, so that the same action arriving twice (Teams re-sends an activity it got no
 * answer to within about 15 seconds; people double-click) is done once and answered the same way both times.
 */
import type { TableClient } from '@azure/data-tables';
import { encodeKey, isStatus, odataString } from './tables';

export const IDEMPOTENCY_TABLE = 'idempotency';

/** What a claim found: the caller does the action, or it was done (with its answer), or another attempt is doing it. */
export type Claim = { kind: 'first'; etag: string } | { kind: 'done'; result: string } | { kind: 'running' };

export interface IdempotencyStore {
  /**
   * Claims `key` for an attempt that may run `runningMs` at most. An expired record counts as absent; a running claim
   * older than `runningMs` (its process died) may be taken over.
   */
  claim(tenantId: string, key: string, runningMs: number): Promise<Claim>;
  /** Stores the action's answer, kept for `keepMs`. */
  complete(tenantId: string, key: string, result: string, keepMs: number): Promise<void>;
  /** Gives a claim up (the action failed before doing anything), so that a repeat runs it again. */
  release(tenantId: string, key: string, etag: string): Promise<void>;
  /**
   * Keeps `proposed` under `key` for `keepMs` unless a live value is kept there already; returns the kept value (the
   * first attempt's proposal, for every attempt).
   */
  reserve(tenantId: string, key: string, proposed: string, keepMs: number): Promise<string>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}

interface IdempotencyEntity {
  partitionKey: string;
  rowKey: string;
  state: 'running' | 'done' | 'reserved';
  /** ISO time: fixed width, so the purge can compare it in a filter. */
  expiresAt: string;
  /** A reserved value (state `reserved`). */
  value?: string;
  /** The answer, in chunks: a Table string property holds at most 32K characters. */
  chunks?: number;
  [chunk: `r${number}`]: string;
}

const CHUNK = 30_000;

function resultOf(entity: IdempotencyEntity): string {
  let result = '';
  for (let i = 0; i < (entity.chunks ?? 0); i++) result += entity[`r${i}`] ?? '';
  return result;
}

export class TableIdempotencyStore implements IdempotencyStore {
  constructor(private readonly table: TableClient, private readonly clock: () => number = Date.now) {}

  async claim(tenantId: string, key: string, runningMs: number): Promise<Claim> {
    const entity: IdempotencyEntity = { partitionKey: encodeKey(tenantId), rowKey: encodeKey(key), state: 'running', expiresAt: this.at(runningMs) };
    try {
      const created = await this.table.createEntity(entity);
      return { kind: 'first', etag: created.etag ?? '' };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    const existing = await this.read(tenantId, key);
    if (existing && existing.expiresAt > this.at(0)) return existing.state === 'done' ? { kind: 'done', result: resultOf(existing) } : { kind: 'running' };
    // Expired, or deleted meanwhile: take it over, unless another attempt does so first.
    try {
      const replaced = existing
        ? await this.table.updateEntity(entity, 'Replace', { etag: existing.etag })
        : await this.table.createEntity(entity);
      return { kind: 'first', etag: replaced.etag ?? '' };
    } catch (error) {
      if (isStatus(error, 409) || isStatus(error, 412)) return { kind: 'running' };
      throw error;
    }
  }

  async reserve(tenantId: string, key: string, proposed: string, keepMs: number): Promise<string> {
    const entity: IdempotencyEntity = { partitionKey: encodeKey(tenantId), rowKey: encodeKey(key), state: 'reserved', value: proposed, expiresAt: this.at(keepMs) };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.table.createEntity(entity);
        return proposed;
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
      const existing = await this.read(tenantId, key);
      if (existing && existing.expiresAt > this.at(0) && existing.value) return existing.value;
      if (existing) {
        // Expired: the proposal replaces it, unless another attempt's does first (then that one is read next time).
        try {
          await this.table.updateEntity(entity, 'Replace', { etag: existing.etag });
          return proposed;
        } catch (error) {
          if (!isStatus(error, 412)) throw error;
        }
      }
      if (attempt >= 3) throw new Error(`could not reserve ${key}: other attempts kept changing it`);
    }
  }

  async complete(tenantId: string, key: string, result: string, keepMs: number): Promise<void> {
    const entity: IdempotencyEntity = { partitionKey: encodeKey(tenantId), rowKey: encodeKey(key), state: 'done', expiresAt: this.at(keepMs), chunks: 0 };
    for (let i = 0; i * CHUNK < result.length; i++) {
      entity[`r${i}`] = result.slice(i * CHUNK, (i + 1) * CHUNK);
      entity.chunks = i + 1;
    }
    await this.table.upsertEntity(entity, 'Replace');
  }

  async release(tenantId: string, key: string, etag: string): Promise<void> {
    try {
      await this.table.deleteEntity(encodeKey(tenantId), encodeKey(key), { etag });
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 412)) throw error;
    }
  }

  async purgeExpired(): Promise<number> {
    let purged = 0;
    const expired = this.table.listEntities<IdempotencyEntity>({
      queryOptions: { filter: `expiresAt lt ${odataString(this.at(0))}`, select: ['PartitionKey', 'RowKey'] }
    });
    for await (const row of expired) {
      try {
        await this.table.deleteEntity(row.partitionKey, row.rowKey);
        purged++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return purged;
  }

  private at(fromNowMs: number): string {
    return new Date(this.clock() + fromNowMs).toISOString();
  }

  private async read(tenantId: string, key: string): Promise<(IdempotencyEntity & { etag: string }) | undefined> {
    try {
      return await this.table.getEntity<IdempotencyEntity>(encodeKey(tenantId), encodeKey(key));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
