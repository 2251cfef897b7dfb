/**
 * Candidates in Table Storage, one partition per tenant: `cand|<id>` rows hold candidates, `key|<identity>` rows map
 * each identity (member URN, email; hashed) to a candidate id, so a re-export finds the person already stored.
 * A new person is written in one entity-group transaction (candidate and keys together, or nothing).
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { candidateIdFor, identityKeys, LINKEDIN_SOURCE, withExport, type Candidate, type CandidateExportLink, type CandidateProfile } from '../domain/candidate';
import { encodeKey, isStatus, odataString } from './tables';
import type { TenantRegistry } from './tenantRegistry';

export const CANDIDATES_TABLE = 'candidates';

export interface CandidateStore {
  /**
   * Stores the exported person (creating the candidate or finding the one with the same member URN or email) and links
   * the export to it. Idempotent per `link.eventId`.
   */
  recordExport(tenantId: string, profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate>;
  get(tenantId: string, id: string): Promise<Candidate | undefined>;
  /** Every candidate of the tenant (an admin's search or the daily retention pass, not a hot path). */
  list(tenantId: string): Promise<Candidate[]>;
  /** The candidate holding this identity (member URN or email), if any. */
  findByIdentity(tenantId: string, identity: { memberUrn?: string; email?: string }): Promise<Candidate | undefined>;
  /** Records an activity (review, hand-over): the retention period starts again. */
  touch(tenantId: string, id: string, at: Date): Promise<void>;
  /** Deletes the candidate and every key row pointing to it; returns how many rows went. */
  remove(tenantId: string, id: string): Promise<number>;
}

interface CandidateEntity {
  partitionKey: string;
  rowKey: string;
  /** JSON of the candidate without keys and etag: one property keeps the schema free to grow. */
  data: string;
}

const partition = (tenantId: string) => encodeKey(tenantId);
const candidateRow = (id: string) => `cand|${id}`;
const keyRow = (key: string) => `key|${key}`;

export class TableCandidateStore implements CandidateStore {
  /** `tenants`: the registry of tenants the daily jobs visit; a tenant with candidates must be one of them. */
  constructor(private readonly table: TableClient, private readonly tenants?: TenantRegistry) {}

  async recordExport(tenantId: string, profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate> {
    await this.tenants?.add(tenantId);
    const keys = identityKeys(profile);
    if (keys.length === 0) keys.push(`event-${encodeKey(link.eventId)}`); // nobody to match: one candidate per export
    const known = await this.findByKeys(tenantId, keys);
    if (!known) {
      const created = await this.createWithKeys(tenantId, candidateIdFor(keys[0]), keys, profile, link, now);
      if (created) return created;
    }
    const candidate = await this.link(tenantId, known ?? candidateIdFor(keys[0]), profile, link, now);
    await Promise.all(keys.map((key) => this.claimKey(tenantId, key, candidate.id)));
    return candidate;
  }

  async get(tenantId: string, id: string): Promise<Candidate | undefined> {
    try {
      const row = await this.table.getEntity<CandidateEntity>(partition(tenantId), candidateRow(id));
      return { ...(JSON.parse(row.data) as Candidate), etag: row.etag };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async list(tenantId: string): Promise<Candidate[]> {
    const filter = `PartitionKey eq ${odataString(partition(tenantId))} and RowKey ge 'cand|' and RowKey lt 'cand}'`;
    const found: Candidate[] = [];
    for await (const row of this.table.listEntities<CandidateEntity>({ queryOptions: { filter } })) {
      found.push({ ...(JSON.parse(row.data) as Candidate), etag: row.etag });
    }
    return found;
  }

  async findByIdentity(tenantId: string, identity: { memberUrn?: string; email?: string }): Promise<Candidate | undefined> {
    const keys = identityKeys({ memberUrn: identity.memberUrn, emails: identity.email ? [identity.email] : [] });
    const id = keys.length ? await this.findByKeys(tenantId, keys) : undefined;
    return id ? this.get(tenantId, id) : undefined;
  }

  async touch(tenantId: string, id: string, at: Date): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const existing = await this.get(tenantId, id);
      if (!existing) return;
      if (existing.lastActivityAt && existing.lastActivityAt >= at.toISOString()) return;
      try {
        const touched: Candidate = { ...existing, lastActivityAt: at.toISOString() };
        await this.table.updateEntity<CandidateEntity>({ partitionKey: partition(tenantId), rowKey: candidateRow(id), data: serialise(touched) }, 'Replace', { etag: existing.etag });
        return;
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
      }
    }
  }

  /** Key rows are found by what they point to, so no key outlives its candidate. */
  async remove(tenantId: string, id: string): Promise<number> {
    const filter = `PartitionKey eq ${odataString(partition(tenantId))} and RowKey ge 'key|' and RowKey lt 'key}' and candidateId eq ${odataString(id)}`;
    const rows: string[] = [];
    for await (const row of this.table.listEntities({ queryOptions: { filter, select: ['RowKey'] } })) rows.push(row.rowKey!);
    rows.push(candidateRow(id)); // last: until it goes, a retry still finds the candidate
    let removed = 0;
    for (const rowKey of rows) {
      try {
        await this.table.deleteEntity(partition(tenantId), rowKey);
        removed++;
      } catch (error) {
        if (!isStatus(error, 404)) throw error;
      }
    }
    return removed;
  }

  /** The candidate of the strongest key that has one (looked up together). */
  private async findByKeys(tenantId: string, keys: string[]): Promise<string | undefined> {
    const found = await Promise.all(
      keys.map((key) =>
        this.table.getEntity<{ candidateId: string }>(partition(tenantId), keyRow(key)).then(
          (row) => row.candidateId,
          (error) => {
            if (isStatus(error, 404)) return undefined;
            throw error;
          }
        )
      )
    );
    return found.find(Boolean);
  }

  /** Candidate and keys in one transaction; undefined when any of them exists already (someone was quicker). */
  private async createWithKeys(tenantId: string, id: string, keys: string[], profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate | undefined> {
    const fresh: Candidate = { ...profile, id, tenantId, source: LINKEDIN_SOURCE, exports: [link], createdAt: now.toISOString(), updatedAt: now.toISOString(), lastActivityAt: now.toISOString() };
    const actions: TransactionAction[] = [
      ['create', { partitionKey: partition(tenantId), rowKey: candidateRow(id), data: serialise(fresh) }],
      ...keys.map((key): TransactionAction => ['create', { partitionKey: partition(tenantId), rowKey: keyRow(key), candidateId: id }])
    ];
    try {
      const result = await this.table.submitTransaction(actions);
      if (result.status >= 300) return undefined;
      return fresh;
    } catch (error) {
      if (isStatus(error, 409)) return undefined;
      throw error;
    }
  }

  /** A key already pointing elsewhere keeps pointing there: the first candidate with an email owns it. */
  private async claimKey(tenantId: string, key: string, candidateId: string): Promise<void> {
    try {
      await this.table.createEntity({ partitionKey: partition(tenantId), rowKey: keyRow(key), candidateId });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  /** Create-or-update under ETags: two processes exporting the same person end with one candidate holding both links. */
  private async link(tenantId: string, id: string, profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const existing = await this.get(tenantId, id);
      if (!existing) {
        const fresh: Candidate = { ...profile, id, tenantId, source: LINKEDIN_SOURCE, exports: [link], createdAt: now.toISOString(), updatedAt: now.toISOString(), lastActivityAt: now.toISOString() };
        try {
          await this.table.createEntity<CandidateEntity>({ partitionKey: partition(tenantId), rowKey: candidateRow(id), data: serialise(fresh) });
          return fresh;
        } catch (error) {
          if (isStatus(error, 409)) continue;
          throw error;
        }
      }
      const updated = withExport(existing, profile, link, now);
      if (updated === existing) return existing;
      try {
        await this.table.updateEntity<CandidateEntity>({ partitionKey: partition(tenantId), rowKey: candidateRow(id), data: serialise(updated) }, 'Replace', { etag: existing.etag });
        return updated;
      } catch (error) {
        if (!isStatus(error, 412)) throw error;
      }
    }
    throw new Error(`candidate ${id}: too many concurrent updates`);
  }
}

function serialise(candidate: Candidate): string {
  const { etag: _etag, ...data } = candidate;
  return JSON.stringify(data);
}
