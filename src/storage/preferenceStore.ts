/**
 * Each person's own choices (today: the morning digest on or off), one row per person per tenant. Kept apart from
 * the conversation row, which is rewritten whole whenever the person's Teams reference changes.
 */
import type { TableClient } from '@azure/data-tables';
import type { DigestChoice } from '../domain/morning';
import { encodeKey, isStatus } from './tables';

export const PREFERENCES_TABLE = 'preferences';

export interface PersonPreferences {
  digest?: DigestChoice;
}

export interface PreferenceStore {
  get(tenantId: string, aadObjectId: string): Promise<PersonPreferences>;
  setDigest(tenantId: string, aadObjectId: string, choice: DigestChoice, at: Date): Promise<void>;
}

interface PreferenceEntity {
  partitionKey: string;
  rowKey: string;
  digest?: string;
  updatedAt: string;
}

export class TablePreferenceStore implements PreferenceStore {
  constructor(private readonly table: TableClient) {}

  async get(tenantId: string, aadObjectId: string): Promise<PersonPreferences> {
    try {
      const entity = await this.table.getEntity<PreferenceEntity>(encodeKey(tenantId), encodeKey(aadObjectId));
      return entity.digest === 'on' || entity.digest === 'off' ? { digest: entity.digest } : {};
    } catch (error) {
      if (isStatus(error, 404)) return {};
      throw error;
    }
  }

  async setDigest(tenantId: string, aadObjectId: string, choice: DigestChoice, at: Date): Promise<void> {
    // Merge: later preferences add columns of their own without touching this one.
    await this.table.upsertEntity<PreferenceEntity>(
      { partitionKey: encodeKey(tenantId), rowKey: encodeKey(aadObjectId), digest: choice, updatedAt: at.toISOString() },
      'Merge'
    );
  }
}
