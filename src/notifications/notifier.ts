/**
 * Proactive messages (feed notices, candidate cards, approval requests) go through one durable outbox:
 * whoever has something to say enqueues a Notice; a sender delivers it in the recipient's language, once.
 * Framework-free: the Teams side lives in the sender.
 */

export type Recipient =
  | { kind: 'user'; aadObjectId: string }
  | { kind: 'channel'; channelId: string; teamId?: string };

export interface Notice {
  tenantId: string;
  /**
   * Unique per event and recipient (e.g. `feed-posted:<jobId>:<aadObjectId>`): a notice enqueued twice under one key
   * is sent once.
   */
  key: string;
  to: Recipient;
  /** Rendered when sent, in the recipient's language, by the renderer registered for `kind`. */
  message: { kind: string; data: Record<string, unknown> };
  /**
   * Notices that show the same thing to several people (one candidate export, one approval request) share a thread,
   * so their cards can later be updated in place for all of them together.
   */
  thread?: string;
}

export interface Notifier {
  /** Stores the notices durably; delivery happens in the background. */
  enqueue(notices: readonly Notice[]): Promise<void>;
  /** Re-renders every card already sent in `thread` with `message` (e.g. "Reviewed by Megan"), in place. */
  updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void>;
}
