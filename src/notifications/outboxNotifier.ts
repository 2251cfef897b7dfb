import { z } from 'zod';
import { OutboxConflictError, type OutboxNotice, type OutboxStore } from '../storage/outboxStore';
import { MAX_MESSAGE_CHARS } from '../storage/tableOutboxStore';
import type { Notifier } from './notifier';
import type { Notice, RendererRegistry } from '../shared/types';

const id = (max: number) => z.string().min(1).max(max);

const messageSchema = z
  .object({ kind: id(100), data: z.record(z.unknown()) })
  .refine((message) => JSON.stringify(message).length <= MAX_MESSAGE_CHARS, `message is over ${MAX_MESSAGE_CHARS} characters as JSON`);

const noticeSchema = z.object({
  tenantId: id(200),
  key: id(400),
  to: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('user'), aadObjectId: id(200) }),
    z.object({ kind: z.literal('channel'), channelId: id(300), teamId: id(300).optional() })
  ]),
  message: messageSchema,
  thread: id(400).optional()
});

/** Something that delivers the outbox and can be told to look now. */
export interface Wakeable {
  wake(): void;
}

/**
 * The Notifier everyone uses: notices go into the durable outbox (deliveryWorker.ts delivers them); a thread update
 * stores the new message on every notice of the thread, and the worker re-renders the cards already sent in place.
 */
export class OutboxNotifier implements Notifier {
  constructor(
    private readonly outbox: OutboxStore,
    private readonly renderers: RendererRegistry,
    private readonly worker?: Wakeable,
    private readonly clock: () => Date = () => new Date()
  ) {}

  /** Throws (storing nothing) when a notice is malformed or its kind has no renderer: a programming error, found early. */
  async enqueue(notices: readonly Notice[]): Promise<void> {
    const valid = notices.map((notice) => this.validNotice(notice));
    if (valid.length === 0) return;
    await this.outbox.add(valid, this.clock());
    this.worker?.wake();
  }

  async updateThread(tenantId: string, thread: string, message: Notice['message']): Promise<void> {
    const valid = this.validMessage(message);
    const rows = await this.outbox.inThread(tenantId, thread);
    await Promise.all(rows.map((row) => this.restate(row, valid)));
    if (rows.length) this.worker?.wake();
  }

  /** A new message and revision for one notice; a sent card becomes due for an update. */
  private async restate(row: OutboxNotice, message: Notice['message']): Promise<void> {
    let current: OutboxNotice | undefined = row;
    for (let attempt = 0; current && attempt < 20; attempt++) {
      // A parked notice is never sent, but its stored message still changes (an erased candidate leaves no trace).
      if (current.state === 'failed') {
        try {
          await this.outbox.update(current, { message, revision: current.revision + 1 });
          return;
        } catch (error) {
          if (!(error instanceof OutboxConflictError)) throw error;
          current = await this.outbox.get(row.tenantId, row.key);
          continue;
        }
      }
      const needsUpdate = current.state === 'sent' || current.state === 'updating' || current.updatePending;
      try {
        await this.outbox.update(current, {
          message,
          revision: current.revision + 1,
          updatePending: needsUpdate,
          dueAt: current.state === 'sent' ? this.clock().toISOString() : current.dueAt
        });
        return;
      } catch (error) {
        if (!(error instanceof OutboxConflictError)) throw error;
        current = await this.outbox.get(row.tenantId, row.key);
      }
    }
    if (current) throw new Error(`could not update notice ${row.key}: it kept changing`);
  }

  private validNotice(notice: Notice): Notice {
    const parsed = noticeSchema.safeParse(notice);
    if (!parsed.success) throw new TypeError(`invalid notice ${notice?.key}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
    this.validMessage(parsed.data.message);
    return parsed.data;
  }

  private validMessage(message: Notice['message']): Notice['message'] {
    const parsed = messageSchema.safeParse(message);
    if (!parsed.success) throw new TypeError(`invalid message: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    if (!this.renderers[parsed.data.kind]) throw new TypeError(`no renderer registered for message kind "${parsed.data.kind}"`);
    return parsed.data;
  }
}
