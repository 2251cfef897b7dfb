/**
 * Where a notice goes: a person's 1:1 chat, or a new post in a team channel. Both come from the ConversationStore:
 * people under their AAD object id; channels and teams under `channel:<id>` / `team:<id>`, stored by the bot when it
 * sees a conversation in that team (src/teams/app.ts).
 */
import { languageOf, type Language } from '../i18n/strings';
import type { ConversationStore } from '../storage/conversationStore';
import type { Recipient } from '../shared/types';

export const channelConversationId = (channelId: string) => `channel:${channelId}`;
export const teamConversationId = (teamId: string) => `team:${teamId}`;

export interface Destination {
  reference: Record<string, unknown>;
  language: Language;
  /** The conversation Teams counts the rate limits on. */
  limiterKey: string;
  /** The ConversationStore row to mark inactive when Teams says the bot may no longer write there. */
  storedAs: string;
}

/** Same key the limiter uses, known before the reference is read. */
export function limiterKeyOf(to: Recipient): string {
  return to.kind === 'user' ? `user:${to.aadObjectId}` : `channel:${to.channelId}`;
}

/** The ConversationStore row of a recipient (for a channel, the channel's own; its team's is not touched). */
export function storedIdOf(to: Recipient): string {
  return to.kind === 'user' ? to.aadObjectId : channelConversationId(to.channelId);
}

export async function resolveRecipient(conversations: ConversationStore, tenantId: string, to: Recipient): Promise<Destination | undefined> {
  if (to.kind === 'user') {
    const stored = await conversations.get(tenantId, to.aadObjectId);
    if (!stored?.active) return undefined;
    return { reference: stored.reference, language: languageOf(stored.language), limiterKey: limiterKeyOf(to), storedAs: to.aadObjectId };
  }
  const candidates = [channelConversationId(to.channelId), ...(to.teamId ? [teamConversationId(to.teamId)] : [])];
  for (const id of candidates) {
    const stored = await conversations.get(tenantId, id);
    if (!stored?.active) continue;
    // Sending to the channel's own id (no `;messageid=`) starts a new post in the channel.
    const conversation = { id: to.channelId, isGroup: true, conversationType: 'channel', tenantId };
    return { reference: { ...stored.reference, conversation }, language: languageOf(stored.language), limiterKey: limiterKeyOf(to), storedAs: id };
  }
  return undefined;
}
