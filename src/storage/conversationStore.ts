import type { TableClient } from '@azure/data-tables';
import { decodeKey, encodeKey, isStatus, odataString } from './tables';

export const CONVERSATIONS_TABLE = 'conversations';

/** What the bot needs to message a person later (Teams proactive messaging), framework-free. */
export interface StoredConversation {
  tenantId: string;
  aadObjectId: string;
  /** The Bot Framework ConversationReference, kept as JSON so nothing outside src/teams/ sees SDK types. */
  reference: Record<string, unknown>;
  language: string;
  /** The IANA time zone the person's Teams client reported (their morning digest and reminders follow it). */
  timeZone?: string;
  active: boolean;
  updatedAt: string;
}

export interface ConversationStore {
  save(conversation: StoredConversation): Promise<void>;
  get(tenantId: string, aadObjectId: string): Promise<StoredConversation | undefined>;
  markInactive(tenantId: string, aadObjectId: string): Promise<void>;
  /** The tenant's rows whose id starts with `prefix` (e.g. every `team:` the bot is in). */
  listByPrefix?(tenantId: string, prefix: string): Promise<StoredConversation[]>;
}

interface ConversationEntity {
  partitionKey: string;
  rowKey: string;
  reference: string;
  language: string;
  timeZone?: string;
  active: boolean;
  updatedAt: string;
}

/** One row per person per tenant: their 1:1 chat with the bot. */
export class TableConversationStore implements ConversationStore {
  constructor(private readonly table: TableClient) {}

  async save(conversation: StoredConversation): Promise<void> {
    await this.table.upsertEntity<ConversationEntity>(
      {
        partitionKey: encodeKey(conversation.tenantId),
        rowKey: encodeKey(conversation.aadObjectId),
        reference: JSON.stringify(conversation.reference),
        language: conversation.language,
        ...(conversation.timeZone ? { timeZone: conversation.timeZone } : {}),
        active: conversation.active,
        updatedAt: conversation.updatedAt
      },
      // Merge: an activity that carries no time zone keeps the one stored (every other column is always written).
      'Merge'
    );
  }

  async get(tenantId: string, aadObjectId: string): Promise<StoredConversation | undefined> {
    try {
      const entity = await this.table.getEntity<ConversationEntity>(encodeKey(tenantId), encodeKey(aadObjectId));
      return { tenantId, aadObjectId, reference: JSON.parse(entity.reference) as Record<string, unknown>, language: entity.language, ...(entity.timeZone ? { timeZone: entity.timeZone } : {}), active: entity.active, updatedAt: entity.updatedAt };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async listByPrefix(tenantId: string, prefix: string): Promise<StoredConversation[]> {
    const from = encodeKey(prefix);
    const until = from.slice(0, -1) + String.fromCharCode(from.charCodeAt(from.length - 1) + 1);
    const filter = `PartitionKey eq ${odataString(encodeKey(tenantId))} and RowKey ge ${odataString(from)} and RowKey lt ${odataString(until)}`;
    const found: StoredConversation[] = [];
    for await (const entity of this.table.listEntities<ConversationEntity>({ queryOptions: { filter } })) {
      found.push({ tenantId, aadObjectId: decodeKey(entity.rowKey), reference: JSON.parse(entity.reference) as Record<string, unknown>, language: entity.language, active: entity.active, updatedAt: entity.updatedAt });
    }
    return found;
  }

  async markInactive(tenantId: string, aadObjectId: string): Promise<void> {
    try {
      await this.table.updateEntity({ partitionKey: encodeKey(tenantId), rowKey: encodeKey(aadObjectId), active: false }, 'Merge');
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }
}
