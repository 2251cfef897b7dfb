/**
 * Proactive messages (feed notices, candidate cards, approval requests) go through one durable outbox:
 * whoever has something to say enqueues a Notice; a sender delivers it in the recipient's language, once.
 * Framework-free: the Teams side lives in the sender.
 */
import type { Notice } from '../shared/types';

export interface Notifier {
  /** Stores the notices durably; delivery happens in the background. */
  enqueue(notices: readonly Notice[]): Promise<void>;
  /** Re-renders every card already sent in `thread` with `message` (e.g. "Reviewed by Megan"), in place. */
  updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void>;
}
