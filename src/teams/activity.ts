/** Reading a Teams activity into the framework-free shapes the handlers use. */
import type { TurnContext } from 'botbuilder';
import type { Speaker } from '../bot/caller';
import { LOCAL_TENANT_ID } from '../domain/tenancy';
import { isValidTimeZone } from '../feed/schedule';
import { languageOf } from '../i18n/strings';
import type { Logger } from '../logger';

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
export function callerOf(context: TurnContext): Speaker {
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
export function tenantIdOf(activity: TurnContext['activity']): string | undefined {
  const id = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The turn's lines carry its tenant and the activity id (Teams' id for the message or card action). */
export function turnLogger(logger: Logger, context: TurnContext): Logger {
  return logger.child({ tenantId: callerOf(context).tenantId, activityId: context.activity.id });
}
