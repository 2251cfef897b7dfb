import { AppError } from '../../domain/errors';
import { channelSwitchAfterSave } from '../../domain/apiChannel';
import type { Person, TenantSettings } from '../../domain/settings';
import {
  GUID, applySettingsInput, personName, hasAnAdmin, settingsChanges, validateSettingsInput,
  type SettingsFieldErrors, type SettingsInput
} from '../../domain/settingsForm';
import { t } from '../../i18n/strings';
import { isSettingsStore, type SettingsStore } from '../../storage/settingsStore';
import { settingsCard, settingsFormValues, settingsHistoryCard, storedAdmins, type SettingsFormValues } from '../settingsViews';
import type { BotDeps, Caller, CardHandler, MessageHandler } from '../types';
import type { CallbackUrlView } from '../../linkedin/callbackUrls';
import { applyChannelPick, channelChoicesFor, greetNewChannel, savedChannel } from './settingsChannel';
import type { Reply } from '../../shared/types';

const HISTORY_SIZE = 20;

/**
 * A person's display name: as stored in settings, else as Teams gave it in their 1:1 chat with the bot (the stored
 * conversation reference), else their id.
 */
async function named(deps: BotDeps, tenantId: string, person: Person): Promise<Person> {
  if (person.name) return person;
  const conversation = await deps.conversations.get(tenantId, person.aadObjectId).catch(() => undefined);
  const name = (conversation?.reference as { user?: { name?: unknown } } | undefined)?.user?.name;
  return typeof name === 'string' && name ? { ...person, name } : person;
}

/** Everyone who is an admin: ADMIN_AAD_IDS and those named in settings, by name where known. */
async function adminNames(deps: BotDeps, settings: TenantSettings): Promise<string> {
  const ids = [...new Set([...deps.bootstrapAdmins, ...settings.admins.map((p) => p.aadObjectId)])];
  const people = await Promise.all(ids.map((id) => named(deps, settings.tenantId, settings.admins.find((p) => p.aadObjectId === id) ?? { aadObjectId: id })));
  return people.map(personName).join(', ');
}

/** Server-side check for every settings action: a stale or forged card from a non-admin changes nothing. */
export async function requireAdmin(deps: BotDeps, caller: Caller, settings: TenantSettings): Promise<void> {
  if (caller.role !== 'admin') throw new AppError('ADMINS_ONLY', await adminNames(deps, settings));
}

function writableStore(deps: BotDeps): SettingsStore {
  if (!isSettingsStore(deps.settings)) throw new AppError('SETTINGS_READ_ONLY');
  return deps.settings;
}

export interface FormState {
  settings: TenantSettings;
  values: SettingsFormValues;
  errors?: SettingsFieldErrors;
  errorParams?: Record<string, string>;
  notice?: string;
  /** A callback URL just made: shown whole, this once. */
  callback?: CallbackUrlView;
}

export async function formReply(deps: BotDeps, caller: Caller, state: FormState): Promise<Reply> {
  const callback = state.callback ?? (await deps.callbacks?.current(caller.tenantId));
  const bootstrap = await Promise.all(deps.bootstrapAdmins.map((id) => named(deps, caller.tenantId, { aadObjectId: id })));
  return {
    card: settingsCard({
      language: caller.language, bootstrapAdmins: bootstrap, callbackUrl: callback?.url, callbackMasked: callback?.masked,
      linkedInActions: deps.callbacks !== undefined, jobPostingTest: deps.linkedInAdmin?.checkJobPostingAccess !== undefined,
      channelChoices: await channelChoicesFor(deps, state.settings), ...state
    })
  };
}

/**
 * A new posting channel: the first pass of the switch runs now (queues CREATE or CLOSE for the open jobs); if it
 * fails, the channel switch pass finishes the work, since the switch is stored with the settings.
 */
async function startChannelSwitch(deps: BotDeps, caller: Caller, saved: TenantSettings): Promise<string> {
  const progress = await deps.channelSwitch?.advance(caller.tenantId).catch(() => undefined);
  const done = progress?.pending === 0;
  if (saved.postingChannel === 'api') return t(caller.language, done ? 'settings.channelSwitch.doneApi' : 'settings.channelSwitch.startedApi');
  return t(caller.language, done ? 'settings.channelSwitch.doneFeed' : 'settings.channelSwitch.startedFeed');
}

/** Turning Recruiter System Connect on gives the tenant its own callback URL, unless it has one (or the environment's). */
async function callbackForNewRsc(deps: BotDeps, tenantId: string, settings: TenantSettings): Promise<CallbackUrlView | undefined> {
  if (!deps.callbacks || settings.rsc.status === 'not_connected') return undefined;
  const current = await deps.callbacks.current(tenantId);
  if (current.source) return undefined;
  return deps.callbacks.adopt(tenantId, deps.callbacks.newKey());
}

/**
 * The settings as the card shows them: a stored client secret that can no longer be read (the encryption key changed)
 * counts as not set, so the card asks for it again.
 */
async function settingsForCard(deps: BotDeps, tenantId: string): Promise<{ settings: TenantSettings; secretUnreadable: boolean }> {
  const [settings, secretState] = await Promise.all([
    deps.settings.get(tenantId),
    isSettingsStore(deps.settings) ? deps.settings.clientSecretState?.(tenantId) : undefined
  ]);
  if (secretState !== 'unreadable') return { settings, secretUnreadable: false };
  return { settings: { ...settings, rsc: { ...settings.rsc, clientSecretSetAt: undefined, clientSecretSetBy: undefined } }, secretUnreadable: true };
}

async function openSettings(deps: BotDeps, caller: Caller): Promise<Reply> {
  if (caller.role !== 'admin') {
    const settings = await deps.settings.get(caller.tenantId);
    const names = await adminNames(deps, settings);
    return { text: names ? t(caller.language, 'settings.notAdmin', { names }) : t(caller.language, 'settings.noAdmins') };
  }
  requirePersonalChat(caller);
  const { settings, secretUnreadable } = await settingsForCard(deps, caller.tenantId);
  const notice = secretUnreadable ? t(caller.language, 'settings.secretUnreadable') : undefined;
  return formReply(deps, caller, { settings, values: settingsFormValues(settings, deps.bootstrapAdmins), notice });
}

/**
 * "New feed URL" on the settings card: a new secret feed URL for the tenant, at once (the old one answers 404). Admins
 * only, checked here; a URL the environment sets (LINKEDIN_FEED_TOKEN) is changed there.
 */
export const rotateFeedUrl: CardHandler = async (deps, caller) => {
  const { settings } = await settingsForCard(deps, caller.tenantId);
  await requireAdmin(deps, caller, settings);
  requirePersonalChat(caller);
  const url = await deps.feed.rotateFeedUrl?.(caller.tenantId);
  const notice = url ? t(caller.language, 'settings.feedRotated', { url }) : t(caller.language, 'settings.feedUrlFromEnvironment');
  return formReply(deps, caller, { settings, values: settingsFormValues(settings, deps.bootstrapAdmins), notice });
};

/** Settings are for admins' eyes: in a channel or group chat everyone present would see the card. */
export function requirePersonalChat(caller: Caller): void {
  if (caller.inPersonalChat === false) throw new AppError('SETTINGS_PERSONAL_ONLY');
}

export const showSettings: MessageHandler = (deps, caller) => openSettings(deps, caller);
export const showSettingsFromCard: CardHandler = (deps, caller) => openSettings(deps, caller);

async function history(deps: BotDeps, caller: Caller): Promise<Reply> {
  const settings = await deps.settings.get(caller.tenantId);
  await requireAdmin(deps, caller, settings);
  requirePersonalChat(caller);
  const entries = await writableStore(deps).history(caller.tenantId, HISTORY_SIZE);
  return { card: settingsHistoryCard(caller.language, entries, settings.timeZone) };
}

export const showSettingsHistory: MessageHandler = (deps, caller) => history(deps, caller);
export const showSettingsHistoryFromCard: CardHandler = (deps, caller) => history(deps, caller);

type Resolved = { ok: true; admins: Person[]; recruiters: Person[] } | { ok: false; errors: SettingsFieldErrors; params: Record<string, string> };

/** Picked ids keep the names we know; typed emails/UPNs need the directory, typed ids are taken as they are. */
async function resolvePeople(deps: BotDeps, caller: Caller, current: TenantSettings, input: SettingsInput): Promise<Resolved> {
  const known = [...current.admins, ...current.recruiters, { aadObjectId: caller.aadObjectId, name: caller.name }];
  const byId = (id: string): Person => {
    const found = known.find((p) => p.aadObjectId === id);
    return found?.name ? { aadObjectId: id, name: found.name, ...(found.email ? { email: found.email } : {}) } : { aadObjectId: id };
  };
  const unknown: string[] = [];
  const errors: SettingsFieldErrors = {};
  const typed = async (texts: string[], field: 'adminsAdd' | 'recruitersAdd'): Promise<Person[]> => {
    const people: Person[] = [];
    for (const text of texts) {
      const found = (await deps.people?.find(caller.tenantId, text)) ?? (GUID.test(text) ? byId(text.toLowerCase()) : undefined);
      if (found) people.push(found);
      else {
        unknown.push(text);
        errors[field] = 'person_unknown';
      }
    }
    return people;
  };
  const withNames = (people: Person[]) => Promise.all(people.map((p) => named(deps, caller.tenantId, p)));
  const admins = await withNames(dedupe([...input.admins.map(byId), ...(await typed(input.adminsAdd, 'adminsAdd'))]));
  const recruiters = await withNames(dedupe([...input.recruiters.map(byId), ...(await typed(input.recruitersAdd, 'recruitersAdd'))]));
  if (!hasAnAdmin(admins, deps.bootstrapAdmins)) errors.admins = 'admins_empty';
  if (Object.keys(errors).length > 0) return { ok: false, errors, params: { people: unknown.join(', ') } };
  return { ok: true, admins, recruiters };
}

function dedupe(people: Person[]): Person[] {
  const seen = new Set<string>();
  return people.filter((p) => !seen.has(p.aadObjectId) && seen.add(p.aadObjectId));
}

/**
 * The settings card's Save. Order matters: who may (admin, checked on the server), against which version (etag),
 * what (zod, people), then one atomic write of settings, secret and audit lines.
 */
export const saveSettings: CardHandler = async (deps, caller, data) => {
  const { settings: current } = await settingsForCard(deps, caller.tenantId);
  await requireAdmin(deps, caller, current);
  requirePersonalChat(caller);
  const store = writableStore(deps);
  const cardEtag = typeof data.etag === 'string' && data.etag !== '' ? data.etag : undefined;
  if (cardEtag !== current.etag) throw new AppError('SETTINGS_CONFLICT', caller.tenantId);

  const invalid = async (errors: SettingsFieldErrors, errorParams?: Record<string, string>): Promise<Reply> => ({
    ...(await formReply(deps, caller, { settings: current, values: data, errors, errorParams })),
    refused: true
  });
  const picked = await applyChannelPick(deps, current, data);
  if (!picked.ok) return invalid({ channelPick: 'channel_unknown' });
  const validation = validateSettingsInput(picked.data);
  if (!validation.ok) return invalid(validation.errors);
  const input = validation.value;
  if (input.rscStatus === 'enabled' && !input.rscClientSecret && !current.rsc.clientSecretSetAt) {
    return invalid({ rscClientSecret: 'rsc_incomplete' });
  }
  if (input.postingChannel === 'api' && !input.rscClientSecret && !current.rsc.clientSecretSetAt) {
    return invalid({ postingChannel: 'api_needs_rsc' });
  }
  const people = await resolvePeople(deps, caller, current, input);
  if (!people.ok) return invalid(people.errors, people.params);

  const now = deps.now();
  const secret = input.rscClientSecret ? { setAt: now.toISOString(), setBy: caller.name } : undefined;
  const applied = applySettingsInput(current, input, people, secret);
  const next = { ...applied, notificationChannel: savedChannel(picked, applied.notificationChannel, current.notificationChannel) };
  next.channelSwitch = channelSwitchAfterSave(current, next.postingChannel, now);
  const before = { ...current, admins: storedAdmins(current, deps.bootstrapAdmins) };
  const changes = settingsChanges(before, next, secret !== undefined);
  if (changes.length === 0) {
    return formReply(deps, caller, { settings: current, values: settingsFormValues(current, deps.bootstrapAdmins), notice: t(caller.language, 'settings.unchanged') });
  }
  const saved = await store.save({
    tenantId: caller.tenantId,
    etag: current.etag,
    settings: next,
    clientSecret: input.rscClientSecret,
    changes,
    by: { aadObjectId: caller.aadObjectId, name: caller.name },
    at: now
  });
  await greetNewChannel(deps, caller, current, saved);
  const callback = await callbackForNewRsc(deps, caller.tenantId, saved);
  const switched = saved.postingChannel !== current.postingChannel ? await startChannelSwitch(deps, caller, saved) : '';
  const saidSaved = [t(caller.language, 'settings.saved', { count: changes.length }), switched].filter(Boolean).join(' ');
  return formReply(deps, caller, {
    settings: saved,
    values: settingsFormValues(saved, deps.bootstrapAdmins),
    notice: callback ? `${saidSaved} ${t(caller.language, 'settings.callbackMade')}` : saidSaved,
    callback
  });
};
