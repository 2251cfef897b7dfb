/**
 * The outbox's ChatSender for Teams, with botbuilder: proactive sends and in-place updates through the adapter
 * (Learn, "Send proactive messages": `continueConversationAsync` with a stored reference, `createConversationAsync`
 * to open a 1:1 chat when only the user is known).
 *
 * The connector client's own pipeline (@azure/core-rest-pipeline's default retry policy) already retries a 429 after
 * its Retry-After and 5xx and network errors with exponential back-off, up to 3 times; what still fails arrives here
 * and is classified for the outbox, which retries durably (see src/notifications/deliveryWorker.ts).
 */
import {
  ActivityTypes, CardFactory, MessageFactory, TurnContext,
  type Activity, type CloudAdapter, type ConversationParameters, type ConversationReference
} from 'botbuilder';
import { DeliveryError, type ChatSender, type Delivered } from '../notifications/chat';
import type { Reply } from '../shared/types';
import { retryAfterMs } from '../retryAfter';

export class TeamsChatSender implements ChatSender {
  constructor(private readonly adapter: CloudAdapter, private readonly botAppId: string) {}

  async send(stored: Record<string, unknown>, prepare: () => Promise<Reply | undefined>): Promise<Delivered | undefined> {
    // A proactive message starts a new message: never a reply to whatever activity the reference was taken from.
    const reference = { ...(stored as Partial<ConversationReference>), activityId: undefined };
    const prepared = new PreparedReply(prepare);
    return translateErrors(prepared, async () => {
      if (!reference.conversation?.id) return this.openChatAndSend(reference, prepared);
      let delivered: Delivered | undefined;
      await this.run((logic) => this.adapter.continueConversationAsync(this.botAppId, reference, logic), async (context) => {
        const reply = await prepared.get();
        if (!reply) return;
        const response = await sendNew(context, reply);
        delivered = { activityId: response?.id ?? '', reference: withoutActivity(reference) };
      });
      return delivered;
    });
  }

  async update(stored: Record<string, unknown>, activityId: string, reply: Reply): Promise<void> {
    const reference = stored as Partial<ConversationReference>;
    await translateErrors(undefined, () =>
      this.run((logic) => this.adapter.continueConversationAsync(this.botAppId, reference, logic), async (context) => {
        await context.updateActivity({ ...activityOf(reply), id: activityId });
      })
    );
  }

  /** A reference with the user and service URL but no conversation (e.g. seen in a team): open the 1:1 chat first. */
  private async openChatAndSend(reference: Partial<ConversationReference>, prepared: PreparedReply): Promise<Delivered | undefined> {
    const tenantId = (reference as { conversation?: { tenantId?: string } }).conversation?.tenantId ?? (reference as { tenantId?: string }).tenantId;
    const parameters = {
      isGroup: false,
      bot: reference.bot,
      members: reference.user ? [reference.user] : [],
      tenantId,
      channelData: { tenant: { id: tenantId } }
    } as unknown as ConversationParameters;
    let delivered: Delivered | undefined;
    await this.run(
      (logic) => this.adapter.createConversationAsync(this.botAppId, reference.channelId ?? 'msteams', reference.serviceUrl ?? '', '', parameters, logic),
      async (context) => {
        const reply = await prepared.get();
        if (!reply) return;
        const response = await sendNew(context, reply);
        const opened = TurnContext.getConversationReference(context.activity);
        delivered = { activityId: response?.id ?? '', reference: withoutActivity({ ...opened, user: reference.user }) };
      }
    );
    return delivered;
  }

  /** The adapter hands errors thrown in `logic` to its onTurnError (if any): carry them out ourselves. */
  private async run(start: (logic: (context: TurnContext) => Promise<void>) => Promise<void>, work: (context: TurnContext) => Promise<void>): Promise<void> {
    let failure: { error: unknown } | undefined;
    await start(async (context) => {
      try {
        await work(context);
      } catch (error) {
        failure = { error };
      }
    });
    if (failure) throw failure.error;
  }
}

/**
 * The continuation activity botbuilder makes up carries an id, which `sendActivity` would turn into a `replyToId`
 * (a reply to nothing; in a channel, a reply in some thread). Without it the message goes out as a new one.
 */
function sendNew(context: TurnContext, reply: Reply) {
  (context.activity as { id?: string }).id = undefined;
  return context.sendActivity(activityOf(reply));
}

function activityOf(reply: Reply): Partial<Activity> {
  return 'card' in reply ? MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)) : { type: ActivityTypes.Message, text: reply.text };
}

function withoutActivity(reference: Partial<ConversationReference>): Record<string, unknown> {
  const { activityId: _ignored, ...rest } = reference;
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>;
}

/** Runs the caller's `prepare` at most once and remembers whether it failed, so its errors are not taken for Teams'. */
class PreparedReply {
  failure: { error: unknown } | undefined;
  constructor(private readonly prepare: () => Promise<Reply | undefined>) {}

  async get(): Promise<Reply | undefined> {
    try {
      return await this.prepare();
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }
}

async function translateErrors<T>(prepared: PreparedReply | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (prepared?.failure) throw prepared.failure.error;
    throw classify(error);
  }
}

const GONE_CODES = new Set(['BotNotInConversationRoster', 'MessageWritesBlocked', 'ConversationBlockedByUser', 'ConversationNotFound']);
/** Errors raised before the request reached the connector: nothing was shown. */
const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Maps a connector failure to what the outbox should do about it (Learn: "Rate limiting for bots", "Send proactive messages"). */
export function classify(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const e = error as { statusCode?: number; code?: string; message?: string; response?: { status?: number; headers?: unknown; bodyAsText?: string }; cause?: { code?: string } };
  const status = e.statusCode ?? e.response?.status;
  const code = errorCodeIn(e.response?.bodyAsText) ?? e.code;
  const message = `${status ?? e.code ?? 'error'}: ${e.message ?? String(error)}`.slice(0, 500);
  if (status === undefined) {
    const networkCode = e.code ?? e.cause?.code ?? '';
    if (NOT_SENT_NETWORK_CODES.has(networkCode) || [...NOT_SENT_NETWORK_CODES].some((c) => message.includes(c))) {
      return new DeliveryError('transient', message, { code: networkCode });
    }
    return new DeliveryError('uncertain', message, { code: networkCode });
  }
  if (status === 429) return new DeliveryError('throttled', message, { status, code, retryAfterMs: retryAfterMs(headerValue(e.response?.headers, 'retry-after')) });
  if (status === 403 || (status === 404 && code !== undefined && GONE_CODES.has(code))) return new DeliveryError('gone', message, { status, code });
  if (status === 412 || status >= 500) return new DeliveryError('transient', message, { status, code, retryAfterMs: retryAfterMs(headerValue(e.response?.headers, 'retry-after')) });
  if (status === 401) return new DeliveryError('transient', message, { status, code }); // credentials being rotated or misconfigured
  return new DeliveryError('rejected', message, { status, code });
}

function errorCodeIn(body: string | undefined): string | undefined {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string } };
    return parsed.error?.code;
  } catch {
    return undefined;
  }
}


function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  const h = headers as { get?: (n: string) => string | undefined } & Record<string, unknown>;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const found = Object.entries(h).find(([k]) => k.toLowerCase() === name);
  return found ? String(found[1]) : undefined;
}
