import { z } from 'zod';
import { fieldErrorCodes, isAbsoluteHttps } from './job';
import { MAX_RETENTION_MONTHS, MIN_RETENTION_MONTHS } from './privacy';
import { POSTING_CHANNELS } from './jobPosting';
import { POSTING_POLICIES, RSC_STATUSES, type Person, type TenantSettings } from './settings';
import { isValidTimeZone } from '../feed/schedule';

/**
 * What an admin may submit on the settings card, and what a save changes. Pure: no I/O.
 * Error messages are codes; the bot turns them into sentences next to the fields.
 */

const blank = (value: unknown) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value);
const optional = (schema: z.ZodType<string>) => z.preprocess(blank, schema.optional());

/** Input.Toggle submits its valueOn/valueOff strings; a forged card may send anything else. */
const toggle = z.preprocess((v) => (v === undefined || v === '' ? 'false' : v), z.enum(['true', 'false'], { errorMap: () => ({ message: 'toggle_invalid' }) }))
  .transform((v) => v === 'true');

/** A multi-select ChoiceSet (the people picker) submits one comma-joined string of Entra object ids. */
const idList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v ?? []),
  z.array(z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'person_invalid')).max(50, 'people_too_many')
);

/** Free text: people by email, UPN or Entra object id, separated by commas, semicolons or spaces. */
const peopleText = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean) : v ?? []),
  z.array(z.string().max(320).regex(/^([0-9a-fA-F-]{36}|[^\s@]+@[^\s@]+\.[^\s@]+)$/, 'person_text_invalid')).max(20, 'people_too_many')
);

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const settingsInputSchema = z
  .object({
    // Company name and id: https://learn.microsoft.com/linkedin/talent/job-postings/xml-feeds-development-guide
    companyName: optional(z.string().max(200, 'company_name_too_long')),
    companyId: optional(z.string().regex(/^\d{1,20}$/, 'company_id_invalid')),
    publisher: optional(z.string().max(200, 'publisher_too_long')),
    publisherUrl: optional(z.string().max(2000).refine(isAbsoluteHttps, 'publisher_url_invalid')),
    posterEmail: optional(z.string().max(320).email('poster_email_invalid')),
    buildTime: z.preprocess(blank, z.string({ required_error: 'build_time_invalid' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'build_time_invalid')),
    timeZone: z.preprocess(blank, z.string({ required_error: 'time_zone_invalid' }).max(64).refine(isValidTimeZone, 'time_zone_invalid')),
    postingEnabled: toggle,
    jobWrapping: toggle,
    applyWithLinkedIn: toggle,
    /** Absent (a card from before the field existed) keeps the stored value. */
    morningDigest: z.preprocess((v) => (v === undefined ? undefined : v === '' ? 'false' : v), z.enum(['true', 'false'], { errorMap: () => ({ message: 'toggle_invalid' }) }).transform((v) => v === 'true').optional()),
    postingPolicy: z.enum(POSTING_POLICIES, { errorMap: () => ({ message: 'posting_policy_invalid' }) }),
    /** Absent (a card from before the field existed) keeps the stored value; blank is an error. */
    retentionMonths: z.preprocess(
      (v) => (typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v.trim())) : v),
      z.number({ invalid_type_error: 'retention_months_invalid' })
        .int('retention_months_invalid').min(MIN_RETENTION_MONTHS, 'retention_months_invalid').max(MAX_RETENTION_MONTHS, 'retention_months_invalid')
        .optional()
    ),
    rscClientId: optional(z.string().regex(/^[A-Za-z0-9_-]{4,64}$/, 'client_id_invalid')),
    /** Write-only: blank keeps the stored secret. */
    rscClientSecret: optional(z.string().min(8, 'client_secret_invalid').max(256, 'client_secret_invalid').regex(/^\S+$/, 'client_secret_invalid')),
    rscOrganizationId: optional(z.string().regex(/^\d{1,20}$/, 'organization_id_invalid')),
    rscStatus: z.enum(RSC_STATUSES, { errorMap: () => ({ message: 'rsc_status_invalid' }) }),
    /** Teams channel ids look like 19:…@thread.tacv2. */
    channelId: optional(z.string().max(200).regex(/^19:[^\s]+@thread\.[a-z0-9]+$/, 'channel_id_invalid')),
    channelName: optional(z.string().max(100, 'channel_name_too_long')),
    /** How jobs reach LinkedIn; absent (a card from before the field existed) keeps the stored value. */
    postingChannel: z.enum(POSTING_CHANNELS, { errorMap: () => ({ message: 'posting_channel_invalid' }) }).optional(),
    /** The id of LinkedIn's `urn:li:contract:{id}`: with one, recruiters may promote API jobs. */
    linkedInContractId: optional(z.string().regex(/^\d{1,20}$/, 'contract_id_invalid')),
    /** The channel picked from the list (a channel id, or `none`); checked against the tenant's channels by the handler. */
    channelPick: optional(z.string().max(300, 'channel_unknown')),
    admins: idList,
    recruiters: idList,
    adminsAdd: peopleText,
    recruitersAdd: peopleText
  })
  .superRefine((input, ctx) => {
    if (input.rscStatus === 'enabled' && (!input.rscClientId || !input.rscOrganizationId)) {
      ctx.addIssue({ code: 'custom', path: ['rscStatus'], message: 'rsc_incomplete' });
    }
    // The Job Posting API takes a token with the tenant's own LinkedIn application and posts for its organization.
    if (input.postingChannel === 'api' && (!input.rscClientId || !input.rscOrganizationId)) {
      ctx.addIssue({ code: 'custom', path: ['postingChannel'], message: 'api_needs_rsc' });
    }
  });

export type SettingsInput = z.infer<typeof settingsInputSchema>;
export type SettingsField = keyof z.input<typeof settingsInputSchema>;
export type SettingsFieldErrors = Partial<Record<SettingsField, string>>;

export type SettingsValidation = { ok: true; value: SettingsInput } | { ok: false; errors: SettingsFieldErrors };

export function validateSettingsInput(raw: unknown): SettingsValidation {
  const parsed = settingsInputSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, errors: fieldErrorCodes<SettingsField>(parsed.error.issues) };
}

/** The part of settings admins store (everything but identity and storage bookkeeping). */
export type StoredSettings = Omit<TenantSettings, 'tenantId' | 'etag' | 'updatedAt'>;

/** Applies a validated card to the current settings; people are already resolved to Entra object ids. */
export function applySettingsInput(
  current: TenantSettings,
  input: SettingsInput,
  people: { admins: Person[]; recruiters: Person[] },
  secret: { setAt: string; setBy: string } | undefined
): StoredSettings {
  const adminIds = new Set(people.admins.map((p) => p.aadObjectId));
  return {
    companyName: input.companyName,
    companyId: input.companyId,
    publisher: input.publisher,
    publisherUrl: input.publisherUrl,
    posterEmail: input.posterEmail,
    buildTime: input.buildTime,
    timeZone: input.timeZone,
    postingEnabled: input.postingEnabled,
    jobWrapping: input.jobWrapping,
    applyWithLinkedIn: input.applyWithLinkedIn,
    postingPolicy: input.postingPolicy,
    postingChannel: input.postingChannel ?? current.postingChannel,
    channelSwitch: current.channelSwitch,
    // A card from before the field existed does not carry it: keep the stored id (a blank field clears it).
    linkedInContractId: 'linkedInContractId' in input ? input.linkedInContractId : current.linkedInContractId,
    candidateRetentionMonths: input.retentionMonths ?? current.candidateRetentionMonths,
    morningDigest: input.morningDigest ?? current.morningDigest,
    rsc: {
      clientId: input.rscClientId,
      organizationId: input.rscOrganizationId,
      status: input.rscStatus,
      clientSecretSetAt: secret?.setAt ?? current.rsc.clientSecretSetAt,
      clientSecretSetBy: secret?.setBy ?? current.rsc.clientSecretSetBy
    },
    notificationChannel: input.channelId ? { channelId: input.channelId, name: input.channelName } : undefined,
    admins: people.admins,
    // An admin already has every right a recruiter has: one role per person.
    recruiters: people.recruiters.filter((p) => !adminIds.has(p.aadObjectId))
  };
}

/** One line of the audit log: secrets never carry values, only that they changed. */
export interface SettingsChange {
  field: string;
  old: string;
  new: string;
  secret?: boolean;
}

/** How a person is shown: name, else email, else their Entra object id. */
export function personName(person: Person): string {
  return person.name || person.email || person.aadObjectId;
}

const peopleList = (people: Person[]) => people.map(personName).join(', ');

/** Field by field, what a save changes; the client secret appears as a change without values. */
export function settingsChanges(before: TenantSettings, after: StoredSettings, secretChanged: boolean): SettingsChange[] {
  const flat = (s: StoredSettings): Record<string, string> => ({
    companyName: s.companyName ?? '',
    companyId: s.companyId ?? '',
    publisher: s.publisher ?? '',
    publisherUrl: s.publisherUrl ?? '',
    posterEmail: s.posterEmail ?? '',
    buildTime: s.buildTime,
    timeZone: s.timeZone,
    postingEnabled: String(s.postingEnabled),
    jobWrapping: String(s.jobWrapping),
    applyWithLinkedIn: String(s.applyWithLinkedIn),
    postingPolicy: s.postingPolicy,
    postingChannel: s.postingChannel,
    linkedInContractId: s.linkedInContractId ?? '',
    candidateRetentionMonths: String(s.candidateRetentionMonths),
    morningDigest: String(s.morningDigest ?? true),
    'rsc.clientId': s.rsc.clientId ?? '',
    'rsc.organizationId': s.rsc.organizationId ?? '',
    'rsc.status': s.rsc.status,
    notificationChannel: s.notificationChannel ? [s.notificationChannel.name, s.notificationChannel.channelId].filter(Boolean).join(' ') : '',
    admins: peopleList(s.admins),
    recruiters: peopleList(s.recruiters)
  });
  const old = flat(before);
  const next = flat(after);
  const changes: SettingsChange[] = Object.keys(next)
    .filter((field) => old[field] !== next[field])
    .map((field) => ({ field, old: old[field], new: next[field] }));
  if (secretChanged) changes.push({ field: 'rsc.clientSecret', old: '', new: '', secret: true });
  return changes;
}

/** Admins named in settings plus ADMIN_AAD_IDS; a save must leave at least one. */
export function hasAnAdmin(people: Person[], bootstrapAdmins: readonly string[]): boolean {
  return people.length > 0 || bootstrapAdmins.length > 0;
}
