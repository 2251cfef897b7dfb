import { ActivityTypes, TurnContext } from 'botbuilder';
import { AdaptiveCardActionExecuteResponseType, Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { CardFactory, MessageFactory } from 'botbuilder';
import { AppError, errorCodeOf } from '../domain/errors';
import { roleOf } from '../domain/settings';
import { isValidTimeZone } from '../feed/schedule';
import { languageOf, t } from '../i18n/strings';
import type { Logger } from '../logger';
import { cardRoutes, fallbackRoute, messageRoutes } from './routes';
import type { BotDeps, Caller, Reply } from './types';
import { noticeCard } from './views';
import { channelConversationId, teamConversationId } from '../notifications/recipients';
import { traced } from '../telemetry';

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
  const tenantId = activity.conversation?.tenantId ?? activity.channelData?.tenant?.id ?? 'default';
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

  rememberConversations(app, deps, logger);

  const run = async (context: TurnContext, work: (caller: Caller) => Promise<Reply>): Promise<Reply> => {
    const caller = callerOf(context);
    try {
      const settings = await deps.settings.get(caller.tenantId);
      const role = roleOf(settings, caller.aadObjectId, deps.bootstrapAdmins);
      return await work({ ...caller, timeZone: caller.timeZone ?? settings.timeZone, role });
    } catch (error) {
      return { text: userMessageFor(error, caller, turnLogger(logger, context)) };
    }
  };

  for (const route of messageRoutes) {
    app.message(
      async (context) => context.activity.type === ActivityTypes.Message && route.pattern.test(commandText(context)),
      async (context) => {
        const match = commandText(context).match(route.pattern)!;
        await send(context, await run(context, (caller) => route.handler(deps, caller, match)));
      }
    );
  }

  for (const route of cardRoutes) {
    app.adaptiveCards.actionExecute(route.verb, async (context, _state, data) => {
      const reply = await run(context, (caller) => route.handler(deps, caller, (data ?? {}) as Record<string, unknown>));
      return 'card' in reply ? reply.card : noticeCard(reply.text);
    });
  }

  // Registered last: teams-ai tries routes in order and the first match wins.
  app.activity(ActivityTypes.Message, async (context) => {
    const text = commandText(context);
    if (!text) return;
    // The whole text as the match, so the fallback can read what was asked (FAQ answers).
    const whole = text.match(/^[\s\S]*$/)!;
    await send(context, await run(context, (caller) => fallbackRoute(deps, caller, whole)));
  });

  app.error(async (context, error) => {
    turnLogger(logger, context).error('turn failed', { error: (error as Error).message });
    await context.sendActivity(t(callerOf(context).language, 'error.UNEXPECTED', { code: 'UNEXPECTED' }));
  });

  return app;
}

/**
 * Proactive messages (feed and candidate notices) need each person's 1:1 conversation reference: stored when the app
 * is installed and on the first message of each process, and marked inactive when the app is removed.
 */
function rememberConversations(app: Application<TurnState>, deps: BotDeps, logger: Logger): void {
  const known = new Set<string>();
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
      } else if (!known.has(key) && activity.from?.aadObjectId) {
        const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
        await deps.conversations.save({ ...caller, reference, active: true, updatedAt: deps.now().toISOString() });
        known.add(key);
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
async function rememberChannel(context: TurnContext, deps: BotDeps, known: Set<string>, logger: Logger): Promise<void> {
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
      } else if (!known.has(key)) {
        const reference = TurnContext.getConversationReference(activity) as unknown as Record<string, unknown>;
        await deps.conversations.save({ tenantId: caller.tenantId, aadObjectId: id, language: caller.language, reference, active: true, updatedAt: deps.now().toISOString() });
        known.add(key);
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
