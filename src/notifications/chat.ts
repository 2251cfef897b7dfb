/**
 * What the outbox needs from a chat platform, framework-free: send a rendered reply to a stored conversation
 * reference, and update a sent one in place. src/teams/teamsSender.ts implements it for Teams.
 */
import type { Reply } from '../shared/types';

export interface Delivered {
  activityId: string;
  /** The reference the activity went to (a new conversation's, if one was created). */
  reference: Record<string, unknown>;
}

export interface ChatSender {
  /**
   * Sends one message. `prepare` runs once the connection to the connector is ready, right before the request that
   * shows the message: it returns the reply to send, or undefined to send nothing (the result is then undefined).
   * Whatever `prepare` throws comes out unchanged.
   */
  send(reference: Record<string, unknown>, prepare: () => Promise<Reply | undefined>): Promise<Delivered | undefined>;
  update(reference: Record<string, unknown>, activityId: string, reply: Reply): Promise<void>;
}

/**
 * How a failed send ended, which decides what the outbox does:
 * - `throttled` (429) and `transient` (412, 5xx, connection refused): certainly not shown; try again later.
 * - `gone` (403 BotNotInConversationRoster / MessageWritesBlocked, 404 conversation): mark the conversation inactive.
 * - `rejected` (other 4xx): Teams will never take this message.
 * - `uncertain` (connection dropped after the request left): it may have been shown, so it is not sent again.
 */
export type DeliveryOutcome = 'throttled' | 'transient' | 'gone' | 'rejected' | 'uncertain';

export class DeliveryError extends Error {
  constructor(
    readonly outcome: DeliveryOutcome,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterMs?: number } = {}
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
