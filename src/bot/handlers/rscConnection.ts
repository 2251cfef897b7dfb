/**
 * The settings card's LinkedIn buttons (admins, 1:1 chat, checked on the server):
 * - "Connect to LinkedIn": a new callback URL, registered with LinkedIn with the tenant's credentials; only once
 *   LinkedIn accepts it does it replace the old one, so a refusal changes nothing.
 * - "Test connection": takes a token with the tenant's credentials and says whether LinkedIn accepted them.
 * - "New callback URL": replaces the URL at once (a leaked one stops working), then tells LinkedIn when it can.
 * LinkedIn's errors are put in words; the card shows the whole new URL this once.
 */
import { LinkedInError } from '../../linkedin/client';
import { t, type Language } from '../../i18n/strings';
import type { CallbackUrls } from '../../linkedin/callbackUrls';
import { settingsFormValues } from '../settingsViews';
import type { BotDeps, Caller, CardHandler } from '../types';
import { formReply, requireAdmin, requirePersonalChat } from './settings';
import { AppError } from '../../domain/errors';
import type { CallbackUrlView } from '../../linkedin/callbackUrls';
import type { Reply } from '../../shared/types';

/** LinkedIn's answer in words, with LinkedIn's own message when it gave one. */
export function linkedInErrorText(language: Language, error: unknown): string {
  if (!(error instanceof LinkedInError)) return t(language, 'settings.linkedInError.unreachable');
  const words =
    error.status === undefined ? t(language, 'settings.linkedInError.unreachable')
      : error.status === 401 ? t(language, 'settings.linkedInError.credentials')
        : error.status === 403 ? t(language, 'settings.linkedInError.forbidden')
          : error.status >= 500 ? t(language, 'settings.linkedInError.unreachable')
            : t(language, 'settings.linkedInError.other', { status: error.status });
  return error.linkedInMessage ? `${words}: “${error.linkedInMessage}”` : words;
}

interface Ready {
  callbacks: CallbackUrls;
}

async function adminCard(deps: BotDeps, caller: Caller, notice: string, callback?: CallbackUrlView): Promise<Reply> {
  const settings = await deps.settings.get(caller.tenantId);
  return formReply(deps, caller, { settings, values: settingsFormValues(settings, deps.bootstrapAdmins), notice, callback });
}

async function guard(deps: BotDeps, caller: Caller): Promise<Ready> {
  await requireAdmin(deps, caller, await deps.settings.get(caller.tenantId));
  requirePersonalChat(caller);
  if (!deps.callbacks || !deps.linkedInAdmin) throw new AppError('SETTINGS_READ_ONLY');
  return { callbacks: deps.callbacks };
}

export const connectLinkedIn: CardHandler = async (deps, caller) => {
  const { callbacks } = await guard(deps, caller);
  const [settings, credentials] = await Promise.all([deps.settings.get(caller.tenantId), deps.settings.linkedInCredentials(caller.tenantId)]);
  const organizationId = settings.rsc.organizationId;
  if (!credentials || !organizationId) return adminCard(deps, caller, t(caller.language, 'settings.connect.incomplete'));
  const key = callbacks.newKey();
  try {
    await deps.linkedInAdmin!.registerCallbackUrl(credentials, organizationId, callbacks.urlFor(key));
  } catch (error) {
    return adminCard(deps, caller, t(caller.language, 'settings.connect.refused', { error: linkedInErrorText(caller.language, error) }));
  }
  const callback = await callbacks.adopt(caller.tenantId, key);
  return adminCard(deps, caller, t(caller.language, 'settings.connect.done'), callback);
};

export const testLinkedInConnection: CardHandler = async (deps, caller) => {
  await guard(deps, caller);
  const credentials = await deps.settings.linkedInCredentials(caller.tenantId);
  if (!credentials) return adminCard(deps, caller, t(caller.language, 'settings.test.incomplete'));
  try {
    await deps.linkedInAdmin!.checkCredentials(credentials);
  } catch (error) {
    return adminCard(deps, caller, t(caller.language, 'settings.test.refused', { error: linkedInErrorText(caller.language, error) }));
  }
  return adminCard(deps, caller, t(caller.language, 'settings.test.ok'));
};

export const rotateCallbackUrl: CardHandler = async (deps, caller) => {
  const { callbacks } = await guard(deps, caller);
  const key = callbacks.newKey();
  const callback = await callbacks.adopt(caller.tenantId, key);
  const done = t(caller.language, 'settings.rotate.done');
  const [settings, credentials] = await Promise.all([deps.settings.get(caller.tenantId), deps.settings.linkedInCredentials(caller.tenantId)]);
  if (!credentials || !settings.rsc.organizationId) return adminCard(deps, caller, `${done} ${t(caller.language, 'settings.rotate.giveLinkedIn')}`, callback);
  try {
    await deps.linkedInAdmin!.registerCallbackUrl(credentials, settings.rsc.organizationId, callback.url!);
    return adminCard(deps, caller, `${done} ${t(caller.language, 'settings.rotate.registered')}`, callback);
  } catch (error) {
    return adminCard(deps, caller, `${done} ${t(caller.language, 'settings.rotate.notRegistered', { error: linkedInErrorText(caller.language, error) })}`, callback);
  }
};

/**
 * "Test" for the Job Posting API channel: a token with the tenant's credentials and one harmless Job Posting API
 * read, and what LinkedIn answered in words (ok, wrong credentials, not approved for job posting, unreachable).
 */
export const testJobPostingAccess: CardHandler = async (deps, caller) => {
  await requireAdmin(deps, caller, await deps.settings.get(caller.tenantId));
  requirePersonalChat(caller);
  const credentials = await deps.settings.linkedInCredentials(caller.tenantId);
  if (!credentials || !deps.linkedInAdmin?.checkJobPostingAccess) return adminCard(deps, caller, t(caller.language, 'settings.jobPostingTest.incomplete'));
  try {
    await deps.linkedInAdmin.checkJobPostingAccess(credentials);
  } catch (error) {
    return adminCard(deps, caller, t(caller.language, 'settings.jobPostingTest.refused', { error: jobPostingErrorText(caller.language, error) }));
  }
  return adminCard(deps, caller, t(caller.language, 'settings.jobPostingTest.ok'));
};

function jobPostingErrorText(language: Language, error: unknown): string {
  if (error instanceof LinkedInError && error.status === 403) {
    const words = t(language, 'settings.jobPostingTest.notApproved');
    return error.linkedInMessage ? `${words}: “${error.linkedInMessage}”` : words;
  }
  return linkedInErrorText(language, error);
}
