/**
 * What the privacy features keep: the audit log of erasures, retention and purges (counts only, no personal data),
 * the state of the daily check of LinkedIn's purge list, and one-time download tokens for data subject requests.
 *
 * One table, three kinds of rows:
 * - `audit:<tenant>` / `<inverted time>-<inverted sequence>-<random>`: one line per erasure, retention pass, purge or access
 *   export, newest first; lines with the same time (an injected clock, or one millisecond) keep this process's write
 *   order, latest first.
 * - `state:<tenant>` / `purge`: first attempt, last success and last error of the purge check.
 * - `download` / `<sha256 of the token>`: which candidates a download link hands over, until when. The token itself is
 *   never stored, and the data is gathered only when the link is used, so no copy of it waits in storage.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import type { PrivacyAuditEntry } from '../domain/privacy';
import { encodeKey, isStatus, odataString } from './tables';

export const PRIVACY_TABLE = 'privacy';

export interface PurgeCheckState {
  firstAttemptAt?: string;
  lastSuccessAt?: string;
  lastAttemptAt?: string;
  lastError?: string;
  /** How many candidates the last successful check removed. */
  lastRemoved?: number;
}

export interface DownloadGrant {
  tenantId: string;
  candidateIds: string[];
  /** Entra object id of the admin who asked. */
  by: string;
  expiresAt: string;
}

export interface PrivacyStore {
  audit(tenantId: string, entry: PrivacyAuditEntry): Promise<void>;
  auditLog(tenantId: string, limit?: number): Promise<PrivacyAuditEntry[]>;
  purgeState(tenantId: string): Promise<PurgeCheckState>;
  recordPurgeCheck(tenantId: string, at: Date, outcome: { ok: true; removed: number } | { ok: false; error: string }): Promise<void>;
  /** A new unguessable token (256 random bits) for the grant. */
  createDownload(grant: DownloadGrant): Promise<string>;
  /** The grant of a token, once: the first caller gets it and it is gone; an expired or unknown token gives undefined. */
  takeDownload(token: string, now: Date): Promise<DownloadGrant | undefined>;
  /** Drops unused links that would hand over any of these candidates; returns how many. */
  dropDownloadsOf(tenantId: string, candidateIds: readonly string[]): Promise<number>;
}

const DOWNLOAD = 'download';
const auditPartition = (tenantId: string) => `audit:${encodeKey(tenantId)}`;
const statePartition = (tenantId: string) => `state:${encodeKey(tenantId)}`;
const tokenKey = (token: string) => createHash('sha256').update(token).digest('hex');

const SEQUENCE_SPAN = 1_000_000_000_000;
let auditSequence = 0;
/** Counts down within the process, so that of two lines with the same time the later one sorts first. */
function nextInvertedSequence(): string {
  auditSequence = (auditSequence + 1) % SEQUENCE_SPAN;
  return (SEQUENCE_SPAN - 1 - auditSequence).toString().padStart(12, '0');
}

interface DownloadEntity {
  partitionKey: string;
  rowKey: string;
  tenantId: string;
  candidateIds: string;
  by: string;
  expiresAt: string;
}

export class TablePrivacyStore implements PrivacyStore {
  constructor(private readonly table: TableClient) {}

  async audit(tenantId: string, entry: PrivacyAuditEntry): Promise<void> {
    const inverted = (9_999_999_999_999 - new Date(entry.at).getTime()).toString().padStart(13, '0');
    await this.table.createEntity({ partitionKey: auditPartition(tenantId), rowKey: `${inverted}-${nextInvertedSequence()}-${randomBytes(4).toString('hex')}`, ...entry });
  }

  async auditLog(tenantId: string, limit = 20): Promise<PrivacyAuditEntry[]> {
    const entries: PrivacyAuditEntry[] = [];
    const pages = this.table.listEntities<PrivacyAuditEntry>({ queryOptions: { filter: `PartitionKey eq ${odataString(auditPartition(tenantId))}` } }).byPage({ maxPageSize: limit });
    for await (const page of pages) {
      for (const row of page) {
        entries.push({ at: row.at, action: row.action, by: row.by, candidates: row.candidates, rows: row.rows });
        if (entries.length >= limit) return entries;
      }
    }
    return entries;
  }

  async purgeState(tenantId: string): Promise<PurgeCheckState> {
    try {
      const row = await this.table.getEntity<PurgeCheckState>(statePartition(tenantId), 'purge');
      return { firstAttemptAt: row.firstAttemptAt, lastSuccessAt: row.lastSuccessAt, lastAttemptAt: row.lastAttemptAt, lastError: row.lastError, lastRemoved: row.lastRemoved };
    } catch (error) {
      if (isStatus(error, 404)) return {};
      throw error;
    }
  }

  async recordPurgeCheck(tenantId: string, at: Date, outcome: { ok: true; removed: number } | { ok: false; error: string }): Promise<void> {
    const current = await this.purgeState(tenantId);
    const when = at.toISOString();
    const next: PurgeCheckState = {
      ...current,
      firstAttemptAt: current.firstAttemptAt ?? when,
      lastAttemptAt: when,
      ...(outcome.ok ? { lastSuccessAt: when, lastError: '', lastRemoved: outcome.removed } : { lastError: outcome.error.slice(0, 500) })
    };
    await this.table.upsertEntity({ partitionKey: statePartition(tenantId), rowKey: 'purge', ...next }, 'Merge');
  }

  async createDownload(grant: DownloadGrant): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const entity: DownloadEntity = { partitionKey: DOWNLOAD, rowKey: tokenKey(token), tenantId: grant.tenantId, candidateIds: JSON.stringify(grant.candidateIds), by: grant.by, expiresAt: grant.expiresAt };
    await this.table.createEntity(entity);
    return token;
  }

  async takeDownload(token: string, now: Date): Promise<DownloadGrant | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    let row: DownloadEntity & { etag: string };
    try {
      row = await this.table.getEntity<DownloadEntity>(DOWNLOAD, tokenKey(token));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
    // The delete under the row's ETag is the "once": of two requests with the same link, one deletes it and gets the data.
    try {
      await this.table.deleteEntity(DOWNLOAD, row.rowKey, { etag: row.etag });
    } catch (error) {
      if (isStatus(error, 404) || isStatus(error, 412)) return undefined;
      throw error;
    }
    if (new Date(row.expiresAt).getTime() <= now.getTime()) return undefined;
    return { tenantId: row.tenantId, candidateIds: JSON.parse(row.candidateIds) as string[], by: row.by, expiresAt: row.expiresAt };
  }

  async dropDownloadsOf(tenantId: string, candidateIds: readonly string[]): Promise<number> {
    const wanted = new Set(candidateIds);
    const filter = `PartitionKey eq '${DOWNLOAD}' and tenantId eq ${odataString(tenantId)}`;
    let dropped = 0;
    for await (const row of this.table.listEntities<DownloadEntity>({ queryOptions: { filter } })) {
      if (!(JSON.parse(row.candidateIds) as string[]).some((id) => wanted.has(id))) continue;
      try {
        await this.table.deleteEntity(DOWNLOAD, row.rowKey);
        dropped++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return dropped;
  }
}
