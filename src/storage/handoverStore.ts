/**
 * Candidates handed to a hiring manager: one row per export (`<tenant>` / `<event>`), written once when the recruiter
 * sends it, answered once by the person it went to. Erasure deletes the row with the candidate's other rows.
 */
import type { TableClient } from '@azure/data-tables';
import type { Handover, HandoverVerdict } from '../domain/handover';
import { encodeKey, isStatus } from './tables';

export const HANDOVERS_TABLE = 'handovers';

export interface HandoverStore {
  /** Stores a new hand-over; when the export was already handed over, returns that one unchanged. */
  create(handover: Handover): Promise<{ created: boolean; handover: Handover }>;
  get(tenantId: string, eventId: string): Promise<Handover | undefined>;
  /** Records the first answer (a later one leaves it as it was); returns what is stored. */
  answer(tenantId: string, eventId: string, verdict: HandoverVerdict, reason: string, at: Date): Promise<Handover | undefined>;
  /** Deletes the row; returns how many rows went (0 or 1). */
  forget(tenantId: string, eventId: string): Promise<number>;
}

interface HandoverEntity {
  partitionKey: string;
  rowKey: string;
  data: string;
}

type Stored = Omit<Handover, 'tenantId' | 'eventId' | 'etag'>;

export class TableHandoverStore implements HandoverStore {
  constructor(private readonly table: TableClient) {}

  async create(handover: Handover): Promise<{ created: boolean; handover: Handover }> {
    try {
      const result = await this.table.createEntity<HandoverEntity>(this.entity(handover));
      return { created: true, handover: { ...handover, etag: result.etag } };
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      const existing = await this.get(handover.tenantId, handover.eventId);
      if (!existing) throw error;
      return { created: false, handover: existing };
    }
  }

  async get(tenantId: string, eventId: string): Promise<Handover | undefined> {
    try {
      const entity = await this.table.getEntity<HandoverEntity>(encodeKey(tenantId), encodeKey(eventId));
      return { ...(JSON.parse(entity.data) as Stored), tenantId, eventId, etag: entity.etag };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async answer(tenantId: string, eventId: string, verdict: HandoverVerdict, reason: string, at: Date): Promise<Handover | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await this.get(tenantId, eventId);
      if (!current || current.verdict) return current;
      const answered: Handover = { ...current, verdict, reason, answeredAt: at.toISOString() };
      try {
        const result = await this.table.updateEntity(this.entity(answered), 'Replace', { etag: current.etag });
        return { ...answered, etag: result.etag };
      } catch (error) {
        if (!isStatus(error, 412) && !isStatus(error, 404)) throw error;
      }
    }
    return this.get(tenantId, eventId);
  }

  async forget(tenantId: string, eventId: string): Promise<number> {
    try {
      await this.table.deleteEntity(encodeKey(tenantId), encodeKey(eventId));
      return 1;
    } catch (error) {
      if (isStatus(error, 404)) return 0;
      throw error;
    }
  }

  private entity(handover: Handover): HandoverEntity {
    const { tenantId, eventId, etag: _etag, ...stored } = handover;
    return { partitionKey: encodeKey(tenantId), rowKey: encodeKey(eventId), data: JSON.stringify(stored) };
  }
}
