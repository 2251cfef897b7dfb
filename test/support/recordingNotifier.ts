import type { Notice, Notifier } from '../../src/notifications/notifier';

/** Keeps what would be sent, deduplicated by key like the real outbox; for tests without the Teams sender. */
export class RecordingNotifier implements Notifier {
  readonly notices = new Map<string, Notice>();
  readonly enqueueCalls: Notice[][] = [];
  readonly threadUpdates: { tenantId: string; thread: string; message: Notice['message'] }[] = [];

  async enqueue(notices: readonly Notice[]): Promise<void> {
    this.enqueueCalls.push([...notices]);
    for (const notice of notices) if (!this.notices.has(notice.key)) this.notices.set(notice.key, notice);
  }

  async updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void> {
    this.threadUpdates.push({ tenantId, thread, message });
  }

  all(): Notice[] {
    return [...this.notices.values()];
  }
}
