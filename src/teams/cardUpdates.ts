/**
 * A card action's answer card reaches the person who clicked in the invoke response. The same card is also written
 * into the message itself (an update through the Bot Connector), so that everyone in the chat sees it and the clicker
 * still sees it after Teams reloads the chat. That update starts once the answer has been written, not before it:
 * a click waits for no second round trip to Teams, and a failed update cannot turn an action that happened into an
 * error. Updates of one message go out one after another, in the order their answers went out.
 */
import { CardFactory, MessageFactory, TurnContext, type Activity } from 'botbuilder';
import type { Logger } from '../logger';

type Update = () => Promise<void>;
/** What of botbuilder's ConnectorClient (kept in the turn state by the adapter) an update uses. */
interface Connector {
  conversations: { updateActivity(conversationId: string, activityId: string, activity: Partial<Activity>): Promise<unknown> };
}

export class CardUpdates {
  /** Updates scheduled by a turn, started when its answer is out. */
  private readonly scheduled = new WeakMap<TurnContext, Update[]>();
  /** The last update of each message, so the next one of that message waits for it. */
  private readonly lastOfMessage = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** During a card action's turn: write `card` into the message the action came from, after the answer. */
  replaceAfterAnswer(context: TurnContext, card: Record<string, unknown>): void {
    const messageId = context.activity.replyToId;
    const connector = context.turnState.get<Connector | undefined>(context.adapter.ConnectorClientKey);
    if (!messageId || !connector) return;
    const reference = TurnContext.getConversationReference(context.activity);
    const activity = TurnContext.applyConversationReference({ ...MessageFactory.attachment(CardFactory.adaptiveCard(card)), id: messageId }, reference) as Activity;
    const key = `${activity.conversation.id}\n${messageId}`;
    const fields = { activityId: context.activity.id, tenantId: activity.conversation.tenantId };
    const update: Update = async () => {
      try {
        await connector.conversations.updateActivity(activity.conversation.id, messageId, activity);
      } catch (error) {
        const { message, statusCode, code } = error as Error & { statusCode?: number; code?: string };
        this.logger.warn('could not update the card a card action came from', { ...fields, status: statusCode, code, error: message.slice(0, 300) });
      }
    };
    const list = this.scheduled.get(context) ?? [];
    list.push(() => this.inOrder(key, update));
    this.scheduled.set(context, list);
  }

  /**
   * Called when the turn's logic is done: what it scheduled starts on a timer, so after the answer is written and after
   * the I/O already waiting (other requests, other answers) has been served: it is background work.
   */
  startAfterAnswer(context: TurnContext): void {
    const updates = this.scheduled.get(context);
    if (!updates) return;
    this.scheduled.delete(context);
    const started = new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => Promise.all(updates.map((update) => update()))).then(() => undefined);
    this.track(started);
  }

  /** Shutdown: resolves true once every update under way has finished, false if `deadline` (epoch ms) came first. */
  async drain(deadline: number): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
    const done = Promise.all([...this.running]).then(() => true as const);
    const finished = await Promise.race([done, late]);
    clearTimeout(timer);
    return finished;
  }

  private inOrder(key: string, update: Update): Promise<void> {
    const next = (this.lastOfMessage.get(key) ?? Promise.resolve()).then(update);
    this.lastOfMessage.set(key, next);
    void next.then(() => {
      if (this.lastOfMessage.get(key) === next) this.lastOfMessage.delete(key);
    });
    return next;
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.then(() => this.running.delete(work));
  }
}
