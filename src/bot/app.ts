import { ActivityTypes, TurnContext } from 'botbuilder';
import { AdaptiveCardActionExecuteResponseType, Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory } from 'botbuilder';
import { AppError, errorCodeOf } from '../domain/errors';
import { roleOf } from '../domain/settings';
import { envSettingsApplyTo, LOCAL_TENANCY, LOCAL_TENANT_ID, refusalFor, type TenancyPolicy } from '../domain/tenancy';
import { isValidTimeZone } from '../feed/schedule';
import { languageOf, t } from '../i18n/strings';
import type { Logger } from '../logger';
import { cardRoutes, fallbackRoute, messageRoutes } from './routes';
import type { BotDeps, Caller, Reply } from './types';
import { noticeCard } from './views';
import { actionKey, idReserver, once, type Attempt } from './once';
import { channelConversationId, teamConversationId } from '../notifications/recipients';
import { traced } from '../telemetry';
import { registerMessageExtensions } from './messageExtensions';

/** Teams' `clientInfo` entity: the client's locale and IANA time zone. */
interface ClientInfo {
  locale?: string;
  timezone?: string;
}

/** The client's IANA time zone: `localTimezone` on the activity, else `timezone` in `clientInfo`; ignored if unknown to Intl. */
function clientTimeZone(activity: TurnContext['activity'], clientInfo: ClientInfo | undefined): string | undefined {
  const zone = activity.localTimezone || clientInfo?.timezone;
  return typeof zone === 'string' && isValidTimeZone(zone) ? zone : undefined;
}

/** Who is speaking, without their role (which needs storage): for replies in the right language and time zone. */
export function callerOf(context: TurnContext): Omit<Caller, 'role'> {
  const activity = context.activity;
  // Without a tenant id only in local mode: with BOT_ID set such activities never get here (guardTenancy).
  const tenantId = tenantIdOf(activity) ?? LOCAL_TENANT_ID;
  const clientInfo = activity.entities?.find((e) => e.type === 'clientInfo') as ClientInfo | undefined;
  return {
    tenantId,
    aadObjectId: activity.from?.aadObjectId ?? activity.from?.id ?? 'unknown',
    name: activity.from?.name ?? '',
    inPersonalChat: !activity.conversation?.conversationType || activity.conversation.conversationType === 'personal',
    language: languageOf(activity.locale ?? clientInfo?.locale),
    timeZone: clientTimeZone(activity, clientInfo)
  };
}

/** The Entra tenant Teams names on the activity, if any. */
function tenantIdOf(activity: TurnContext['activity']): string | undefined {
  const id = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The turn's lines carry its tenant and the activity id (Teams' id for the message or card action). */
function turnLogger(logger: Logger, context: TurnContext): Logger {
  return logger.child({ tenantId: callerOf(context).tenantId, activityId: context.activity.id });
}

/** One incoming activity, in a `bot.turn` span. */
export function runTurn(app: Application<TurnState>, context: TurnContext): Promise<void> {
  const activity = context.activity;
  const attributes = { 'bot.activity_type': activity.type ?? '', 'bot.activity_id': activity.id ?? '', tenant: callerOf(context).tenantId };
  return traced('bot.turn', attributes, () => app.run(context).then(() => undefined));
}

/** Mentions are already removed by teams-ai; collapse whitespace so "post  job\n" still matches. */
function commandText(context: TurnContext): string {
  return (context.activity.text ?? '').replace(/\s+/g, ' ').trim();
}

export function createBotApp(adapter: TeamsAdapter, botAppId: string, deps: BotDeps, logger: Logger): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId,
    startTypingTimer: false,
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_ALL }
  });

  const tenancy = deps.tenancy ?? LOCAL_TENANCY;
  // First: nothing of a refused activity may be stored, not even its conversation reference.
  guardTenancy(app, tenancy, logger);
  rememberConversations(app, deps, logger);

  const attempt = async (context: TurnContext, work: (deps: BotDeps, caller: Caller) => Promise<Reply>): Promise<Attempt> => {
    const caller = callerOf(context);
    try {
      // ADMIN_AAD_IDS belong to the deployment's own tenant; in any other they are nobody.
      const tenantDeps = envSettingsApplyTo(tenancy, caller.tenantId) ? deps : { ...deps, bootstrapAdmins: [] };
      const settings = await deps.settings.get(caller.tenantId);
      const role = roleOf(settings, caller.aadObjectId, tenantDeps.bootstrapAdmins);
      const reply = await work(tenantDeps, { ...caller, timeZone: caller.timeZone ?? settings.timeZone, role });
      return { reply, failed: reply.refused === true };
    } catch (error) {
      return { reply: { text: userMessageFor(error, caller, turnLogger(logger, context)) }, failed: true };
    }
  };
  const run = async (context: TurnContext, work: (deps: BotDeps, caller: Caller) => Promise<Reply>): Promise<Reply> => (await attempt(context, work)).reply;

  const keyOf = (context: TurnContext, verb: string, data: Record<string, unknown>): string => {
    const activity = context.activity;
    return actionKey({ ...callerOf(context), conversationId: activity.conversation?.id ?? '', cardMessageId: activity.replyToId, activityId: activity.id }, verb, data);
  };

  /** A card action that changes something runs once per action; a repeat gets the first answer. */
  const runOnce = async (context: TurnContext, verb: string, data: Record<string, unknown>, work: (deps: BotDeps, caller: Caller) => Promise<Reply>): Promise<Reply> => {
    const caller = callerOf(context);
    if (!deps.actions) return run(context, work);
    const key = keyOf(context, verb, data);
    try {
      return await once(
        {
          store: deps.actions,
          tenantId: caller.tenantId,
          key,
          stillRunning: () => ({ text: t(caller.language, 'action.stillRunning') }),
          onRecordError: (error) => logger.warn('could not record a card action', { verb, error: (error as Error).message })
        },
        () => attempt(context, work)
      );
    } catch (error) {
      return { text: userMessageFor(error, caller, turnLogger(logger, context)) };
    }
  };

  for (const route of messageRoutes) {
    app.message(
      (context) => Promise.resolve(context.activity.type === ActivityTypes.Message && route.pattern.test(commandText(context))),
      async (context) => {
        const match = commandText(context).match(route.pattern)!;
        await send(context, await run(context, (tenantDeps, caller) => route.handler(tenantDeps, caller, match)));
      }
    );
  }

  for (const route of cardRoutes) {
    app.adaptiveCards.actionExecute(route.verb, async (context, _state, data) => {
      const values = (data ?? {}) as Record<string, unknown>;
      const work = (tenantDeps: BotDeps, caller: Caller) => route.handler(tenantDeps, caller, values);
      let reply: Reply;
      if (route.once && deps.actions && route.reservesId?.(values)) {
        const reserveId = idReserver(deps.actions, callerOf(context).tenantId, keyOf(context, route.verb, values));
        reply = await run(context, (tenantDeps, caller) => route.handler({ ...tenantDeps, reserveId }, caller, values));
      } else {
        reply = route.once ? await runOnce(context, route.verb, values, work) : await run(context, work);
      }
      return 'card' in reply ? reply.card : noticeCard(reply.text);
    });
  }

  registerMessageExtensions(app, deps, tenancy, logger);

  // Registered last: teams-ai tries routes in order and the first match wins.
  app.activity(ActivityTypes.Message, async (context) => {
    const text = commandText(context);
    if (!text) return;
    // The whole text as the match, so the fallback can read what was asked (FAQ answers).
    const whole = text.match(/^[\s\S]*$/)!;
    await send(context, await run(context, (tenantDeps, caller) => fallbackRoute(tenantDeps, caller, whole)));
  });

  app.error(async (context, error) => {
    turnLogger(logger, context).error('turn failed', { error: error.message });
    await context.sendActivity(t(callerOf(context).language, 'error.UNEXPECTED', { code: 'UNEXPECTED' }));
  });

  return app;
}

/**
 * Before anything else of a turn: with BOT_ID set, only Teams activities that name their tenant are served (others are
 * dropped and logged, never mapped into a shared tenant); with ALLOWED_TENANT_IDS, other tenants get a polite refusal.
 * Either way the turn stops here, so nothing of it is stored.
 */
function guardTenancy(app: Application<TurnState>, tenancy: TenancyPolicy, logger: Logger): void {
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    const tenantId = tenantIdOf(activity);
    const refusal = refusalFor(tenancy, { channelId: activity.channelId, tenantId });
    if (!refusal) return true;
    logger.warn('activity not served', { reason: refusal.reason, channelId: activity.channelId, type: activity.type, tenantId });
    const text = refusal.kind === 'refuse' ? t(languageOf(activity.locale), 'tenant.notAllowed') : undefined;
    if (activity.type === ActivityTypes.Invoke) {
      const body = text && activity.name === 'adaptiveCard/action'
        ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: noticeCard(text) }
        : undefined;
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
    } else if (text && (activity.type === ActivityTypes.Message || (activity.type === ActivityTypes.InstallationUpdate && activity.action === 'add'))) {
      await context.sendActivity(text);
    }
    return false;
  });
}

/**
 * Proactive messages (feed and candidate notices) need each person's 1:1 conversation reference: stored when the app
 * is installed and on the first message of each process, and marked inactive when the app is removed.
 */
function rememberConversations(app: Application<TurnState>, deps: BotDeps, logger: Logger): void {
  /** What this process last stored per person and channel: a reference is written only when it changed. */
  const known = new Map<string, string>();
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    if (activity.conversation?.conversationType === 'channel') {
      await rememberChannel(context, deps, known, turnLogger(logger, context));
      return true;
    }
    if (activity.conversation?.conversationType && activity.conversation.conversationType !== 'personal') return true;
    const caller = callerOf(context);
    const key = `${caller.tenantId}|${caller.aadObjectId}`;
    const removed = activity.type === ActivityTypes.InstallationUpdate && activity.action?.startsWith('remove');
    try {
      if (removed) {
        known.delete(key);
        await deps.conversations.markInactive(caller.tenantId, caller.aadObjectId);
      } else if (activity.from?.aadObjectId) {
        const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
        // The time zone (for each person's morning) comes with messages, not with every activity: keep the last known.
        const previous = known.get(key);
        const timeZone = caller.timeZone ?? previous?.split('\u0000')[1] ?? '';
        const stored = `${referenceFingerprint(reference, caller.language)}\u0000${timeZone}`;
        if (previous !== stored) {
          await deps.conversations.save({ ...caller, timeZone: timeZone || undefined, reference, active: true, updatedAt: deps.now().toISOString() });
          known.set(key, stored);
        }
      }
    } catch (error) {
      turnLogger(logger, context).warn('could not store the conversation reference', { error: (error as Error).message });
    }
    return true;
  });
}

/**
 * Channel notices (e.g. candidates for the team channel named in settings) post into a channel of a team that has the
 * app: keep a reference per channel and per team as soon as the bot sees either (install, a message, a mention).
 */
/** The parts of a reference that matter for sending later; the activity id changes every turn and does not. */
function referenceFingerprint(reference: Record<string, unknown>, language: string): string {
  const { activityId: _activityId, ...lasting } = reference;
  return JSON.stringify([lasting, language]);
}

async function rememberChannel(context: TurnContext, deps: BotDeps, known: Map<string, string>, logger: Logger): Promise<void> {
  const activity = context.activity;
  const caller = callerOf(context);
  const channelData = (activity.channelData ?? {}) as { team?: { id?: string }; channel?: { id?: string } };
  const ids = [
    ...(channelData.channel?.id ? [channelConversationId(channelData.channel.id)] : []),
    ...(channelData.team?.id ? [teamConversationId(channelData.team.id)] : [])
  ];
  const botRemoved = activity.membersRemoved?.some((member) => member.id === activity.recipient?.id) ?? false;
  try {
    for (const id of ids) {
      const key = `${caller.tenantId}|${id}`;
      if (botRemoved) {
        known.delete(key);
        await deps.conversations.markInactive(caller.tenantId, id);
      } else {
        const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
        const stored = referenceFingerprint(reference, caller.language);
        if (known.get(key) === stored) continue;
        await deps.conversations.save({ tenantId: caller.tenantId, aadObjectId: id, language: caller.language, reference, active: true, updatedAt: deps.now().toISOString() });
        known.set(key, stored);
      }
    }
  } catch (error) {
    logger.warn('could not store the channel reference', { error: (error as Error).message });
  }
}

async function send(context: TurnContext, reply: Reply): Promise<void> {
  await context.sendActivity('card' in reply ? MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)) : reply.text);
}

function userMessageFor(error: unknown, caller: Omit<Caller, 'role'>, logger: Logger): string {
  if (error instanceof AppError) {
    logger.info('user error', { code: error.code, detail: error.detail });
    return t(caller.language, `error.${error.code}`, { id: error.detail ?? '', code: error.code });
  }
  const code = isStorageDown(error) ? 'STORAGE_UNAVAILABLE' : errorCodeOf(error);
  logger.error('handler failed', { code, error: (error as Error)?.message });
  return t(caller.language, `error.${code}`, { code });
}

function isStorageDown(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ENOTFOUND' || code === 'ECONNRESET';
}
