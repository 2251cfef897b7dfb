import type { Notifier } from '../../src/notifications/notifier';
import type { Notice } from '../../src/shared/types';

/** A Notifier that only remembers what it was asked (deduplicated by tenant and key, like the outbox), for tests. */
export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];
  /** Every enqueue call as made, duplicates included. */
  readonly enqueueCalls: Notice[][] = [];
  readonly threadUpdates: Array<{ tenantId: string; thread: string; message: Notice['message'] }> = [];

  async enqueue(notices: readonly Notice[]): Promise<void> {
    this.enqueueCalls.push([...notices]);
    for (const notice of notices) if (!this.notices.some((n) => n.tenantId === notice.tenantId && n.key === notice.key)) this.notices.push(notice);
  }

  async updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void> {
    this.threadUpdates.push({ tenantId, thread, message });
  }

  all(): Notice[] {
    return [...this.notices];
  }
}
