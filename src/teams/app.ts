import { ActivityTypes, CardFactory, MessageFactory, type TurnContext } from 'botbuilder';
import { AdaptiveCardActionExecuteResponseType, Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import { callerWithRole } from '../bot/caller';
import { actionKey, idReserver, once, type Attempt } from '../bot/once';
import { cardRoutes, fallbackRoute, messageRoutes } from '../bot/routes';
import type { BotDeps, Caller } from '../bot/types';
import { userMessageFor } from '../bot/userMessage';
import { noticeCard } from '../bot/views';
import { LOCAL_TENANCY, refusalFor, type TenancyPolicy } from '../domain/tenancy';
import { languageOf, t } from '../i18n/strings';
import type { Logger } from '../logger';
import type { Reply } from '../shared/types';
import { traced } from '../telemetry';
import { callerOf, tenantIdOf, turnLogger } from './activity';
import type { CardUpdates } from './cardUpdates';
import { captureConversations } from './conversationCapture';
import { registerMessageExtensions } from './messageExtensions';

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

export function createBotApp(adapter: TeamsAdapter, botAppId: string, deps: BotDeps, logger: Logger, cardUpdates: CardUpdates): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter,
    botAppId,
    startTypingTimer: false,
    // The answer card goes to the clicker in the invoke response; cardUpdates writes it into the message for everyone
    // after that answer (teams-ai's REPLACE_FOR_ALL would make every click wait for that update first).
    adaptiveCards: { actionExecuteResponseType: AdaptiveCardActionExecuteResponseType.REPLACE_FOR_INTERACTOR }
  });

  const tenancy = deps.tenancy ?? LOCAL_TENANCY;
  // First: nothing of a refused activity may be stored, not even its conversation reference.
  guardTenancy(app, tenancy, logger);
  captureConversations(app, deps, logger);

  const attempt = async (context: TurnContext, work: (deps: BotDeps, caller: Caller) => Promise<Reply>): Promise<Attempt> => {
    const speaker = callerOf(context);
    try {
      const turn = await callerWithRole(deps, tenancy, speaker);
      const reply = await work(turn.deps, turn.caller);
      return { reply, failed: reply.refused === true };
    } catch (error) {
      return { reply: { text: userMessageFor(error, speaker, turnLogger(logger, context)) }, failed: true };
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
      const card = 'card' in reply ? reply.card : noticeCard(reply.text);
      cardUpdates.replaceAfterAnswer(context, card);
      return card;
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

async function send(context: TurnContext, reply: Reply): Promise<void> {
  await context.sendActivity('card' in reply ? MessageFactory.attachment(CardFactory.adaptiveCard(reply.card)) : reply.text);
}
