/**
 * The durable inbox of LinkedIn export pushes. A push is written here before LinkedIn gets its 2xx; workers in any
 * number of processes then claim due items with an ETag-guarded update, so each event is worked on by one process at
 * a time, and a process that dies mid-way leaves its item to be claimed again once the claim expires.
 *
 * One table, three kinds of rows:
 * - `due` / `<tenant>|<event>`: work still to do (attempts, next attempt time, last error). Deleted when settled.
 * - `ev:<tenant>` / `<event>`: the settled outcome (done, rejected, failed, expired, or recorded for an event type
 *   nobody acts on) with the card data and who reviewed it. Its existence makes a replayed push a duplicate.
 */
import type { TableClient } from '@azure/data-tables';
import { encodeKey, isStatus, odataString } from './tables';
import type { Recipient } from '../shared/types';

export const EXPORTS_TABLE = 'exports';

export type SettledStatus = 'done' | 'rejected' | 'failed' | 'expired' | 'recorded';

/** What `export status` lists as problems. */
export const PROBLEM_STATUSES: readonly SettledStatus[] = ['rejected', 'failed', 'expired'];

/** A push as accepted: its type (absent on rows stored before types were kept: exports) and when LinkedIn stops serving it. */
export interface PushItem {
  tenantId: string;
  /** LinkedIn's event type; absent means EXPORT_CANDIDATE_PROFILE. */
  type?: string;
  eventId: string;
  requestId: string;
  receivedAt: string;
  /** ISO time after which LinkedIn no longer serves the request. */
  expiresAt?: string;
}

export interface DueExport extends PushItem {
  attempts: number;
  lastError?: string;
  /** Storage concurrency token of the claim. */
  etag: string;
}

export interface SettledExport {
  tenantId: string;
  type?: string;
  eventId: string;
  requestId: string;
  status: SettledStatus;
  receivedAt: string;
  settledAt: string;
  attempts: number;
  reason?: string;
  /** The notice data every recipient's card was rendered from. */
  card?: Record<string, unknown>;
  /** Who was told (people and channel). */
  recipients?: Recipient[];
  reviewedBy?: { aadObjectId: string; name: string };
  reviewedAt?: string;
  etag?: string;
}

export type Outcome = Pick<SettledExport, 'status' | 'reason' | 'card' | 'recipients'>;

export interface ExportStatus {
  pending: number;
  problems: SettledExport[];
  lastSettled?: { eventId: string; status: SettledStatus; settledAt: string };
}

export interface ExportInbox {
  /** Stores a verified push as work to do; 'duplicate' when this event was seen before. */
  accept(item: PushItem): Promise<'accepted' | 'duplicate'>;
  /** Records a verified push of a type nobody acts on, as settled; 'duplicate' when this event was seen before. */
  record(item: PushItem): Promise<'recorded' | 'duplicate'>;
  /** Claims up to `limit` due items for `leaseMs`; each attempt counts. */
  claimDue(limit: number, leaseMs: number): Promise<DueExport[]>;
  /** Puts a claimed item back for a later attempt. */
  retryLater(item: DueExport, error: string, at: Date): Promise<void>;
  /**
   * Records the outcome (the first recorded outcome wins) and returns what is stored. The work item stays until
   * `remove`: whoever settles first tells people, then removes it; a crash in between only repeats idempotent steps.
   */
  settle(item: DueExport, outcome: Outcome): Promise<SettledExport>;
  /** Removes a settled work item. */
  remove(item: DueExport): Promise<void>;
  get(tenantId: string, eventId: string): Promise<SettledExport | undefined>;
  /** Records the first reviewer; returns the event as stored afterwards (undefined if unknown). */
  markReviewed(tenantId: string, eventId: string, reviewer: { aadObjectId: string; name: string }, at: Date): Promise<SettledExport | undefined>;
  status(tenantId: string, maxProblems?: number): Promise<ExportStatus>;
  /** Candidate exports settled (`done`) at or after `since`, oldest first: the morning digest's "exported since yesterday". */
  doneSince(tenantId: string, since: Date): Promise<SettledExport[]>;
  /** Deletes every row of the event (its outcome and any work item left); returns how many rows went. */
  forget(tenantId: string, eventId: string): Promise<number>;
}

const DUE = 'due';
const evPartition = (tenantId: string) => `ev:${encodeKey(tenantId)}`;
const dueKey = (tenantId: string, eventId: string) => `${encodeKey(tenantId)}|${encodeKey(eventId)}`;

interface DueEntity extends Omit<DueExport, 'etag'> {
  partitionKey: string;
  rowKey: string;
  /** Epoch ms; a claim pushes it forward by the lease, so a claimed item is not due for anyone else. */
  nextAttemptAt: number;
}

/** A settled event as stored: its objects as JSON text. */
interface SettledEntity extends Omit<SettledExport, 'card' | 'recipients' | 'reviewedBy' | 'etag'> {
  partitionKey: string;
  rowKey: string;
  card?: string;
  recipients?: string;
  reviewedBy?: string;
}

export class TableExportInbox implements ExportInbox {
  constructor(private readonly table: TableClient, private readonly clock: () => number = Date.now) {}

  async accept(item: PushItem): Promise<'accepted' | 'duplicate'> {
    if (await this.get(item.tenantId, item.eventId)) return 'duplicate';
    try {
      await this.table.createEntity<DueEntity>({
        partitionKey: DUE,
        rowKey: dueKey(item.tenantId, item.eventId),
        ...item,
        attempts: 0,
        nextAttemptAt: this.clock()
      });
      return 'accepted';
    } catch (error) {
      if (isStatus(error, 409)) return 'duplicate';
      throw error;
    }
  }

  async record(item: PushItem): Promise<'recorded' | 'duplicate'> {
    const entity: SettledEntity = {
      partitionKey: evPartition(item.tenantId),
      rowKey: encodeKey(item.eventId),
      ...item,
      status: 'recorded',
      settledAt: item.receivedAt,
      attempts: 0
    };
    try {
      await this.table.createEntity(entity);
      return 'recorded';
    } catch (error) {
      if (isStatus(error, 409)) return 'duplicate';
      throw error;
    }
  }

  async claimDue(limit: number, leaseMs: number): Promise<DueExport[]> {
    if (limit <= 0) return [];
    const now = this.clock();
    const candidates: (DueEntity & { etag: string })[] = [];
    // JS numbers are stored as Edm.Double: compare with a double literal (an Int64 `L` literal fails on Azurite).
    const pages = this.table
      .listEntities<DueEntity>({ queryOptions: { filter: `PartitionKey eq '${DUE}' and nextAttemptAt le ${now}.0` } })
      .byPage({ maxPageSize: Math.max(limit * 4, 20) });
    for await (const page of pages) {
      candidates.push(...(page as (DueEntity & { etag: string })[]));
      break; // one page is enough: the rest stays due for the next round
    }
    // Processes that read the same page would all race for its first rows; a shuffle spreads them out.
    shuffle(candidates);
    const claims = await Promise.all(candidates.slice(0, limit).map((row) => this.claim(row, now + leaseMs)));
    return claims.filter((claim): claim is DueExport => claim !== undefined);
  }

  /** The ETag makes the claim atomic: of two processes claiming the same row, one gets 412. */
  private async claim(row: DueEntity & { etag: string }, until: number): Promise<DueExport | undefined> {
    const attempts = row.attempts + 1;
    try {
      const result = await this.table.updateEntity({ partitionKey: DUE, rowKey: row.rowKey, attempts, nextAttemptAt: until }, 'Merge', { etag: row.etag });
      return {
        tenantId: row.tenantId, type: row.type, eventId: row.eventId, requestId: row.requestId, receivedAt: row.receivedAt,
        expiresAt: row.expiresAt, attempts, lastError: row.lastError, etag: result.etag!
      };
    } catch (error) {
      if (isStatus(error, 412) || isStatus(error, 404)) return undefined; // someone else claimed or settled it
      throw error;
    }
  }

  async retryLater(item: DueExport, error: string, at: Date): Promise<void> {
    try {
      await this.table.updateEntity(
        { partitionKey: DUE, rowKey: dueKey(item.tenantId, item.eventId), nextAttemptAt: at.getTime(), lastError: error.slice(0, 1000) },
        'Merge',
        { etag: item.etag }
      );
    } catch (err) {
      if (!isStatus(err, 412) && !isStatus(err, 404)) throw err; // our claim expired and another process has it now
    }
  }

  async settle(item: DueExport, outcome: Outcome): Promise<SettledExport> {
    const settledAt = new Date(this.clock()).toISOString();
    const entity: SettledEntity = {
      partitionKey: evPartition(item.tenantId),
      rowKey: encodeKey(item.eventId),
      tenantId: item.tenantId,
      type: item.type,
      eventId: item.eventId,
      requestId: item.requestId,
      status: outcome.status,
      receivedAt: item.receivedAt,
      settledAt,
      attempts: item.attempts,
      reason: outcome.reason?.slice(0, 1000),
      card: outcome.card ? JSON.stringify(outcome.card) : undefined,
      recipients: outcome.recipients ? JSON.stringify(outcome.recipients) : undefined
    };
    try {
      await this.table.createEntity(entity);
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      return (await this.get(item.tenantId, item.eventId))!; // settled by another process meanwhile
    }
    return fromEntity(entity);
  }

  async remove(item: DueExport): Promise<void> {
    try {
      await this.table.deleteEntity(DUE, dueKey(item.tenantId, item.eventId));
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  async get(tenantId: string, eventId: string): Promise<SettledExport | undefined> {
    try {
      return fromEntity(await this.table.getEntity<SettledEntity>(evPartition(tenantId), encodeKey(eventId)));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async markReviewed(tenantId: string, eventId: string, reviewer: { aadObjectId: string; name: string }, at: Date): Promise<SettledExport | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const event = await this.get(tenantId, eventId);
      if (!event || event.reviewedBy) return event; // the first reviewer stays on record
      try {
        await this.table.updateEntity(
          { partitionKey: evPartition(tenantId), rowKey: encodeKey(eventId), reviewedBy: JSON.stringify(reviewer), reviewedAt: at.toISOString() },
          'Merge',
          { etag: event.etag }
        );
      } catch (error) {
        if (isStatus(error, 412)) continue;
        throw error;
      }
      return { ...event, reviewedBy: reviewer, reviewedAt: at.toISOString() };
    }
    return this.get(tenantId, eventId);
  }

  async forget(tenantId: string, eventId: string): Promise<number> {
    const rows: [string, string][] = [[DUE, dueKey(tenantId, eventId)], [evPartition(tenantId), encodeKey(eventId)]];
    let removed = 0;
    for (const [partitionKey, rowKey] of rows) {
      try {
        await this.table.deleteEntity(partitionKey, rowKey);
        removed++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return removed;
  }

  async doneSince(tenantId: string, since: Date): Promise<SettledExport[]> {
    const rows = this.table.listEntities<SettledEntity>({
      queryOptions: { filter: `PartitionKey eq ${odataString(evPartition(tenantId))} and settledAt ge ${odataString(since.toISOString())} and status eq 'done'` }
    });
    const found: SettledExport[] = [];
    for await (const row of rows) if (!row.type || row.type === 'EXPORT_CANDIDATE_PROFILE') found.push(fromEntity(row));
    return found.sort((a, b) => a.settledAt.localeCompare(b.settledAt));
  }

  async status(tenantId: string, maxProblems = 10): Promise<ExportStatus> {
    const prefix = `${encodeKey(tenantId)}|`;
    let pending = 0;
    const dueRows = this.table.listEntities({
      queryOptions: { filter: `PartitionKey eq '${DUE}' and RowKey ge ${odataString(prefix)} and RowKey lt ${odataString(prefix.slice(0, -1) + '}')}`, select: ['RowKey'] }
    });
    for await (const _ of dueRows) pending++;
    // One pass over the tenant's settled events (an admin command, not a hot path): the problems and the latest.
    const problems: SettledExport[] = [];
    let lastSettled: ExportStatus['lastSettled'];
    const settled = this.table.listEntities<SettledEntity>({
      queryOptions: { filter: `PartitionKey eq ${odataString(evPartition(tenantId))}`, select: ['status', 'settledAt', 'eventId', 'type'] }
    });
    for await (const row of settled) {
      const isExport = !row.type || row.type === 'EXPORT_CANDIDATE_PROFILE';
      if (isExport && (!lastSettled || row.settledAt > lastSettled.settledAt)) lastSettled = { eventId: row.eventId, status: row.status, settledAt: row.settledAt };
      if (PROBLEM_STATUSES.includes(row.status)) problems.push(row as SettledExport);
    }
    problems.sort((a, b) => b.settledAt.localeCompare(a.settledAt));
    const details = await Promise.all(problems.slice(0, maxProblems).map((problem) => this.get(tenantId, problem.eventId)));
    return { pending, problems: details.filter((problem): problem is SettledExport => problem !== undefined), lastSettled };
  }
}

function fromEntity(row: SettledEntity & { etag?: string }): SettledExport {
  return {
    tenantId: row.tenantId,
    ...(row.type ? { type: row.type } : {}),
    eventId: row.eventId,
    requestId: row.requestId,
    status: row.status,
    receivedAt: row.receivedAt,
    settledAt: row.settledAt,
    attempts: row.attempts,
    reason: row.reason,
    card: row.card ? (JSON.parse(row.card) as SettledExport['card']) : undefined,
    recipients: row.recipients ? (JSON.parse(row.recipients) as SettledExport['recipients']) : undefined,
    reviewedBy: row.reviewedBy ? (JSON.parse(row.reviewedBy) as SettledExport['reviewedBy']) : undefined,
    reviewedAt: row.reviewedAt,
    etag: row.etag
  };
}

function shuffle<T>(items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
}
