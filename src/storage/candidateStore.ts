/**
 * Candidates in Table Storage, one partition per tenant: `cand|<id>` rows hold candidates, `key|<identity>` rows map
 * each identity (member URN, email; hashed) to a candidate id, so a re-export finds the person already stored.
 * A new person is written in one entity-group transaction (candidate and keys together, or nothing).
 */
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { candidateIdFor, identityKeys, LINKEDIN_SOURCE, withExport, type Candidate, type CandidateExportLink, type CandidateProfile } from '../domain/candidate';
import { encodeKey, isStatus } from './tables';

export const CANDIDATES_TABLE = 'candidates';

export interface CandidateStore {
  /**
   * Stores the exported person (creating the candidate or finding the one with the same member URN or email) and links
   * the export to it. Idempotent per `link.eventId`.
   */
  recordExport(tenantId: string, profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate>;
  get(tenantId: string, id: string): Promise<Candidate | undefined>;
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
  constructor(private readonly table: TableClient) {}

  async recordExport(tenantId: string, profile: CandidateProfile, link: CandidateExportLink, now: Date): Promise<Candidate> {
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
    const fresh: Candidate = { ...profile, id, tenantId, source: LINKEDIN_SOURCE, exports: [link], createdAt: now.toISOString(), updatedAt: now.toISOString() };
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
        const fresh: Candidate = { ...profile, id, tenantId, source: LINKEDIN_SOURCE, exports: [link], createdAt: now.toISOString(), updatedAt: now.toISOString() };
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
