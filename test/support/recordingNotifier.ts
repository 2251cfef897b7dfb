import type { Notice, Notifier } from '../../src/notifications/notifier';

/** A Notifier that only remembers what it was asked, for tests of code that notifies people. */
export class RecordingNotifier implements Notifier {
  readonly notices: Notice[] = [];
  readonly threadUpdates: Array<{ tenantId: string; thread: string; message: Notice['message'] }> = [];

  async enqueue(notices: readonly Notice[]): Promise<void> {
    for (const notice of notices) if (!this.notices.some((n) => n.tenantId === notice.tenantId && n.key === notice.key)) this.notices.push(notice);
  }

  async updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void> {
    this.threadUpdates.push({ tenantId, thread, message });
  }
}
