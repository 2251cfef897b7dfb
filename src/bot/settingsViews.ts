import { POSTING_CHANNELS } from '../domain/jobPosting';
import { POSTING_POLICIES, RSC_STATUSES, type Person, type TenantSettings } from '../domain/settings';
import { personName, type SettingsField, type SettingsFieldErrors } from '../domain/settingsForm';
import { cardStrings, hasString, t, type Language } from '../i18n/strings';
import type { SettingsAuditEntry } from '../storage/settingsStore';
import { renderCard } from './cards';
import { dateText } from '../i18n/intlFormats';
import { NO_CHANNEL } from '../domain/channelChoice';
import type { AdaptiveCardJson } from '../shared/types';

/** Every input of the settings card; the client secret is write-only and never has a value. */
const FORM_FIELDS: SettingsField[] = [
  'companyName', 'companyId', 'publisher', 'publisherUrl', 'posterEmail', 'buildTime', 'timeZone', 'postingEnabled',
  'jobWrapping', 'applyWithLinkedIn', 'postingPolicy', 'morningDigest', 'retentionMonths', 'rscClientId', 'rscClientSecret', 'rscOrganizationId', 'rscStatus',
  'channelId', 'channelName', 'channelPick', 'admins', 'recruiters', 'adminsAdd', 'recruitersAdd', 'postingChannel', 'linkedInContractId'
];

export type SettingsFormValues = Partial<Record<SettingsField, unknown>>;

/** Admins named in settings, without the deployment's ADMIN_AAD_IDS (shown apart: they cannot be removed here). */
export function storedAdmins(settings: TenantSettings, bootstrapAdmins: readonly string[]): Person[] {
  return settings.admins.filter((person) => !bootstrapAdmins.includes(person.aadObjectId));
}

/** The card's values for the settings as they are (never the secret). */
export function settingsFormValues(settings: TenantSettings, bootstrapAdmins: readonly string[]): SettingsFormValues {
  return {
    companyName: settings.companyName,
    companyId: settings.companyId,
    publisher: settings.publisher,
    publisherUrl: settings.publisherUrl,
    posterEmail: settings.posterEmail,
    buildTime: settings.buildTime,
    timeZone: settings.timeZone,
    postingEnabled: String(settings.postingEnabled),
    jobWrapping: String(settings.jobWrapping),
    applyWithLinkedIn: String(settings.applyWithLinkedIn),
    postingPolicy: settings.postingPolicy,
    morningDigest: String(settings.morningDigest ?? true),
    retentionMonths: String(settings.candidateRetentionMonths),
    rscClientId: settings.rsc.clientId,
    rscOrganizationId: settings.rsc.organizationId,
    rscStatus: settings.rsc.status,
    channelId: settings.notificationChannel?.channelId,
    channelName: settings.notificationChannel?.name,
    channelPick: settings.notificationChannel?.channelId ?? NO_CHANNEL,
    admins: storedAdmins(settings, bootstrapAdmins).map((p) => p.aadObjectId).join(','),
    recruiters: settings.recruiters.map((p) => p.aadObjectId).join(','),
    postingChannel: settings.postingChannel,
    linkedInContractId: settings.linkedInContractId
  };
}

/** The "How jobs reach LinkedIn" block: the channel choice, its test, the contract id and any switch under way. */
function postingChannelView(language: Language, settings: TenantSettings) {
  const change = settings.channelSwitch;
  return {
    choices: POSTING_CHANNELS.map((value) => ({ value, title: t(language, `settings.channel.${value}`) })),
    switchText: change
      ? t(language, change.to === 'api' ? 'settings.channelSwitch.underwayApi' : 'settings.channelSwitch.underwayFeed', {
          date: dateText(language, change.startedAt, settings.timeZone)
        })
      : ''
  };
}

export interface SettingsCardView {
  language: Language;
  settings: TenantSettings;
  values: SettingsFormValues;
  errors?: SettingsFieldErrors;
  /** Extra words for an error code (e.g. the people that could not be found). */
  errorParams?: Record<string, string>;
  notice?: string;
  /** ADMIN_AAD_IDS, with names where known. */
  bootstrapAdmins: readonly Person[];
  /** The whole callback URL: only in the reply that made it. */
  callbackUrl?: string;
  /** The callback URL with only its last 4 characters: every other time. */
  callbackMasked?: string;
  /** Offer "New callback URL", "Connect to LinkedIn" and "Test connection". */
  linkedInActions?: boolean;
  /** Offer "Test" for the Job Posting API channel. */
  jobPostingTest?: boolean;
  /** The channels of the teams the bot is in: the card offers them instead of a pasted channel id. */
  channelChoices?: { title: string; value: string }[];
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return Array.isArray(value) ? value.join(',') : String(value);
}

function settingsErrorText(language: Language, code: string, params: Record<string, string>): string {
  const key = `settingsError.${code}`;
  return hasString(key) ? t(language, key, params) : t(language, 'settingsError.unknown');
}

/** The people picker shows who is selected by name: known people by name, others by their id. */
function peopleChoices(ids: string, known: Person[]) {
  return ids
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => ({ value: id, title: personName(known.find((p) => p.aadObjectId === id) ?? { aadObjectId: id }) }));
}

export function settingsCard(view: SettingsCardView): AdaptiveCardJson {
  const { language, settings } = view;
  // The secret is write-only: whatever was typed is never sent back.
  const values = Object.fromEntries(FORM_FIELDS.map((field) => [field, field === 'rscClientSecret' ? '' : asText(view.values[field])]));
  const errors = Object.fromEntries(
    FORM_FIELDS.map((field) => [field, view.errors?.[field] ? settingsErrorText(language, view.errors[field], view.errorParams ?? {}) : ''])
  );
  const hasErrors = Object.values(errors).some(Boolean);
  const known = [...settings.admins, ...settings.recruiters];
  const secretSet = settings.rsc.clientSecretSetAt
    ? t(language, 'settings.rscSecretSet', {
        date: dateText(language, settings.rsc.clientSecretSetAt, settings.timeZone),
        name: settings.rsc.clientSecretSetBy ?? ''
      })
    : t(language, 'settings.rscSecretNotSet');
  const bootstrapNames = view.bootstrapAdmins.map(personName);
  return renderCard('settings', {
    s: cardStrings(language),
    notice: view.notice ?? '',
    values,
    errors,
    hasErrors,
    etag: settings.etag ?? '',
    secretPlaceholder: settings.rsc.clientSecretSetAt ? t(language, 'settings.rscSecretPlaceholder') : '',
    secretStatus: hasErrors && asText(view.values.rscClientSecret) !== '' ? `${secretSet} ${t(language, 'settings.rscSecretRetype')}` : secretSet,
    callbackText: view.callbackUrl
      ? t(language, 'settings.callbackUrl', { url: view.callbackUrl })
      : view.callbackMasked
        ? t(language, 'settings.callbackUrlMasked', { url: view.callbackMasked })
        : t(language, 'settings.callbackUrlMissing'),
    callbackUrl: view.callbackUrl ?? '',
    linkedInActions: view.linkedInActions === true,
    channel: { ...postingChannelView(language, settings), test: view.jobPostingTest === true },
    bootstrapText: bootstrapNames.length ? t(language, 'settings.bootstrapAdmins', { names: bootstrapNames.join(', ') }) : '',
    people: { admins: peopleChoices(values.admins, known), recruiters: peopleChoices(values.recruiters, known) },
    channelChoices: view.channelChoices?.length ? [{ title: t(language, 'settings.channelNone'), value: NO_CHANNEL }, ...view.channelChoices] : [],
    choices: {
      postingPolicy: POSTING_POLICIES.map((value) => ({ value, title: t(language, `settings.policy.${value}`) })),
      rscStatus: RSC_STATUSES.map((value) => ({ value, title: t(language, `settings.rsc.${value}`) }))
    }
  });
}

function fieldName(language: Language, field: string): string {
  const key = `settings.field.${field}`;
  return hasString(key) ? t(language, key) : field;
}

export function settingsHistoryCard(language: Language, entries: SettingsAuditEntry[], timeZone: string): AdaptiveCardJson {
  const none = t(language, 'settings.history.none');
  return renderCard('settings-history', {
    s: cardStrings(language),
    entries: entries.map((entry) => ({
      line: t(language, 'settings.history.line', {
        date: dateText(language, entry.at, timeZone),
        name: entry.by.name || entry.by.aadObjectId,
        field: fieldName(language, entry.field)
      }),
      change: entry.secret
        ? t(language, 'settings.history.secretChanged')
        : t(language, 'settings.history.change', { old: entry.old || none, new: entry.new || none })
    }))
  });
}
