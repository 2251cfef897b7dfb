import type { TableClient } from '@azure/data-tables';
import { mapParallel } from '../parallel';
import {
  OutboxConflictError,
  type FailureReason, type NoticeState, type OutboxChange, type OutboxNotice, type OutboxStore
} from './outboxStore';
import { encodeKey, isStatus, odataString } from './tables';
import type { Notice } from '../shared/types';

export const OUTBOX_TABLE = 'outbox';

/** A string property holds at most 64 KiB (32K UTF-16 characters); notices stay well under it. */
export const MAX_MESSAGE_CHARS = 30_000;

interface OutboxEntity {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  key: string;
  to: string;
  message: string;
  thread: string;
  state: NoticeState;
  revision: number;
  attempts: number;
  createdAt: string;
  dueAt: string;
  leaseUntil: string;
  claimToken: string;
  sent: string;
  sentRevision: number;
  updatePending: boolean;
  failure: string;
  lastError: string;
}

/**
 * One row per notice: partition = tenant, row = notice key (so "the same key twice" is one row by construction).
 *
 * `due()` filters on non-key properties, which Table Storage answers by scanning: fine for the outbox's size (notices
 * are small and few per tenant and day), and the price of needing no second index kept consistent with the rows.
 */
export class TableOutboxStore implements OutboxStore {
  constructor(private readonly table: TableClient) {}

  async add(notices: readonly Notice[], now: Date): Promise<number> {
    let added = 0;
    await mapParallel(notices, 16, async (notice) => {
      try {
        await this.table.createEntity(newEntity(notice, now));
        added++;
      } catch (error) {
        if (!isStatus(error, 409)) throw error;
      }
    });
    return added;
  }

  async get(tenantId: string, key: string): Promise<OutboxNotice | undefined> {
    try {
      return fromEntity(await this.table.getEntity<OutboxEntity>(encodeKey(tenantId), encodeKey(key)));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async update(notice: OutboxNotice, change: OutboxChange): Promise<OutboxNotice> {
    const next: OutboxNotice = { ...notice, ...change };
    try {
      const result = await this.table.updateEntity(toEntity(next), 'Replace', { etag: notice.etag });
      return { ...next, etag: result.etag ?? '' };
    } catch (error) {
      if (isStatus(error, 412) || isStatus(error, 404)) throw new OutboxConflictError(notice.tenantId, notice.key);
      throw error;
    }
  }

  async *due(now: Date): AsyncIterable<OutboxNotice> {
    const at = odataString(now.toISOString());
    const filter =
      `(state eq 'pending' and dueAt le ${at})` +
      ` or (state eq 'sent' and updatePending eq true and dueAt le ${at})` +
      ` or ((state eq 'claimed' or state eq 'sending' or state eq 'updating') and leaseUntil lt ${at})`;
    for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter } })) {
      yield fromEntity(entity);
    }
  }

  async inThread(tenantId: string, thread: string): Promise<OutboxNotice[]> {
    return this.query(`PartitionKey eq ${odataString(encodeKey(tenantId))} and thread eq ${odataString(thread)}`);
  }

  async list(tenantId: string, states: readonly NoticeState[], limit = 100): Promise<OutboxNotice[]> {
    const stateFilter = states.map((state) => `state eq ${odataString(state)}`).join(' or ');
    const rows = await this.query(`PartitionKey eq ${odataString(encodeKey(tenantId))}${stateFilter ? ` and (${stateFilter})` : ''}`);
    return rows.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, limit);
  }

  private async query(filter: string): Promise<OutboxNotice[]> {
    const rows: OutboxNotice[] = [];
    for await (const entity of this.table.listEntities<OutboxEntity>({ queryOptions: { filter } })) rows.push(fromEntity(entity));
    return rows;
  }
}

function newEntity(notice: Notice, now: Date): OutboxEntity {
  return toEntity({
    ...notice,
    state: 'pending',
    revision: 0,
    attempts: 0,
    createdAt: now.toISOString(),
    dueAt: now.toISOString(),
    updatePending: false,
    etag: ''
  });
}

function toEntity(notice: OutboxNotice): OutboxEntity {
  return {
    partitionKey: encodeKey(notice.tenantId),
    rowKey: encodeKey(notice.key),
    tenantId: notice.tenantId,
    key: notice.key,
    to: JSON.stringify(notice.to),
    message: JSON.stringify(notice.message),
    thread: notice.thread ?? '',
    state: notice.state,
    revision: notice.revision,
    attempts: notice.attempts,
    createdAt: notice.createdAt,
    dueAt: notice.dueAt,
    leaseUntil: notice.leaseUntil ?? '',
    claimToken: notice.claimToken ?? '',
    sent: notice.sent ? JSON.stringify(notice.sent) : '',
    sentRevision: notice.sentRevision ?? -1,
    updatePending: notice.updatePending,
    failure: notice.failure ? JSON.stringify(notice.failure) : '',
    lastError: (notice.lastError ?? '').slice(0, 1000)
  };
}

function fromEntity(entity: OutboxEntity & { etag: string }): OutboxNotice {
  return {
    tenantId: entity.tenantId,
    key: entity.key,
    to: JSON.parse(entity.to) as OutboxNotice['to'],
    message: JSON.parse(entity.message) as OutboxNotice['message'],
    thread: entity.thread || undefined,
    state: entity.state,
    revision: entity.revision,
    attempts: entity.attempts,
    createdAt: entity.createdAt,
    dueAt: entity.dueAt,
    leaseUntil: entity.leaseUntil || undefined,
    claimToken: entity.claimToken || undefined,
    sent: entity.sent ? (JSON.parse(entity.sent) as OutboxNotice['sent']) : undefined,
    sentRevision: entity.sentRevision >= 0 ? entity.sentRevision : undefined,
    updatePending: entity.updatePending,
    failure: entity.failure ? (JSON.parse(entity.failure) as { reason: FailureReason; detail: string; at: string }) : undefined,
    lastError: entity.lastError || undefined,
    etag: entity.etag
  };
}
