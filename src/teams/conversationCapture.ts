/**
 * Proactive messages (feed and candidate notices) need each person's 1:1 conversation reference: stored when the app
 * is installed and on the first message of each process, and marked inactive when the app is removed. Channel notices
 * need a reference per channel and per team, kept as soon as the bot sees either (install, a message, a mention).
 * References are stored as plain JSON (StoredConversation), so nothing outside src/teams/ sees the SDK's type.
 */
import { ActivityTypes, TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { BotDeps } from '../bot/types';
import type { Logger } from '../logger';
import { channelConversationId, teamConversationId } from '../notifications/recipients';
import { callerOf, turnLogger } from './activity';

type CaptureDeps = Pick<BotDeps, 'conversations' | 'now'>;

export function captureConversations(app: Application<TurnState>, deps: CaptureDeps, logger: Logger): void {
  /** What this process last stored per person and channel: a reference is written only when it changed. */
  const known = new Map<string, string>();
  app.turn('beforeTurn', async (context) => {
    const activity = context.activity;
    if (activity.conversation?.conversationType === 'channel') {
      await rememberChannel(context, deps, known, turnLogger(logger, context));
      return true;
    }
    if (activity.conversation?.conversationType && activity.conversation.conversationType !== 'personal') return true;
    try {
      await rememberPerson(context, deps, known);
    } catch (error) {
      turnLogger(logger, context).warn('could not store the conversation reference', { error: (error as Error).message });
    }
    return true;
  });
}

/** The stored form of the activity's conversation reference (plain JSON). */
function referenceOf(context: TurnContext): Record<string, unknown> {
  return { ...TurnContext.getConversationReference(context.activity) };
}

/** The parts of a reference that matter for sending later; the activity id changes every turn and does not. */
function referenceFingerprint(reference: Record<string, unknown>, language: string): string {
  const { activityId: _activityId, ...lasting } = reference;
  return JSON.stringify([lasting, language]);
}

async function rememberPerson(context: TurnContext, deps: CaptureDeps, known: Map<string, string>): Promise<void> {
  const activity = context.activity;
  const caller = callerOf(context);
  const key = `${caller.tenantId}|${caller.aadObjectId}`;
  const removed = activity.type === ActivityTypes.InstallationUpdate && activity.action?.startsWith('remove');
  if (removed) {
    known.delete(key);
    await deps.conversations.markInactive(caller.tenantId, caller.aadObjectId);
  } else if (activity.from?.aadObjectId) {
    const reference = referenceOf(context);
    // The time zone (for each person's morning) comes with messages, not with every activity: keep the last known.
    const previous = known.get(key);
    const timeZone = caller.timeZone ?? previous?.split('\u0000')[1] ?? '';
    const stored = `${referenceFingerprint(reference, caller.language)}\u0000${timeZone}`;
    if (previous !== stored) {
      await deps.conversations.save({ ...caller, timeZone: timeZone || undefined, reference, active: true, updatedAt: deps.now().toISOString() });
      known.set(key, stored);
    }
  }
}

async function rememberChannel(context: TurnContext, deps: CaptureDeps, known: Map<string, string>, logger: Logger): Promise<void> {
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
        const reference = referenceOf(context);
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
