export interface DeliveryPolicy {
  /** Notices handled at once by this process. */
  concurrency: number;
  /** How often to look for due notices when nothing wakes the worker. */
  pollMs: number;
  /** How long a claim protects a notice before the conversation lookup and rate limiter wait are taken over. */
  claimLeaseMs: number;
  /** How long one send may take (the connector's own retries included) before it counts as unconfirmed. */
  sendLeaseMs: number;
  /** Transient failures (429, 412, 5xx) before a notice is parked as `gave_up`. */
  maxAttempts: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
  /**
   * How long a notice waits for its recipient's conversation (app not installed yet), or for a process that can
   * render its kind, before it is parked.
   */
  waitForConversationMs: number;
  /** First re-check for a missing conversation; later checks back off with the notice's age. */
  conversationRetryMs: number;
  /** Due rows read per outbox query. */
  scanSize: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  concurrency: 32,
  pollMs: 1_000,
  claimLeaseMs: 2 * 60_000,
  sendLeaseMs: 5 * 60_000,
  maxAttempts: 8,
  baseBackoffMs: 1_000,
  maxBackoffMs: 15 * 60_000,
  waitForConversationMs: 3 * 24 * 3_600_000,
  conversationRetryMs: 30_000,
  scanSize: 1_000
};
