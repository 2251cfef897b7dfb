/**
 * A tenant's LinkedIn integration settings and the roles they grant. Free of I/O.
 * Stored settings (the settings card) override the deployment's environment defaults field by field.
 */

import type { ChannelSwitch, PostingChannel } from './jobPosting';
import { DEFAULT_RETENTION_MONTHS } from './privacy';

export const ROLES = ['admin', 'recruiter', 'hiring_manager'] as const;
export type Role = (typeof ROLES)[number];

/** Recruiter System Connect states, as LinkedIn's admin flow names them (Connect → Request → Partner ready → Enabled). */
export const RSC_STATUSES = ['not_connected', 'requested', 'partner_ready', 'enabled'] as const;
export type RscStatus = (typeof RSC_STATUSES)[number];

export const POSTING_POLICIES = ['direct', 'approval'] as const;
export type PostingPolicy = (typeof POSTING_POLICIES)[number];

export interface Person {
  aadObjectId: string;
  name?: string;
  email?: string;
}

export interface TenantSettings {
  tenantId: string;
  companyName?: string;
  /** Numeric id from the LinkedIn Page admin URL. */
  companyId?: string;
  publisher?: string;
  publisherUrl?: string;
  /** Default job poster email (LinkedIn requires one per job since June 2025). */
  posterEmail?: string;
  /** Local time of the daily feed build, "HH:MM". */
  buildTime: string;
  /** IANA time zone of the build time. */
  timeZone: string;
  /** Off: the feed is emptied at the next build. */
  postingEnabled: boolean;
  /** Informational: premium slots are bought and managed in LinkedIn Recruiter. */
  jobWrapping: boolean;
  applyWithLinkedIn: boolean;
  postingPolicy: PostingPolicy;
  /** Candidates are deleted this many months after their last export, review or hand-over (1–36). */
  candidateRetentionMonths: number;
  rsc: {
    clientId?: string;
    organizationId?: string;
    status: RscStatus;
    /** The secret itself is never part of settings shown anywhere; only when and by whom it was set. */
    clientSecretSetAt?: string;
    clientSecretSetBy?: string;
  };
  /** How jobs reach LinkedIn: the daily feed (default) or the Job Posting API (needs RSC credentials and LinkedIn's approval). */
  postingChannel: PostingChannel;
  /** Set while the tenant's open jobs move between channels; cleared once every job is confirmed on the new one. */
  channelSwitch?: ChannelSwitch;
  /** LinkedIn contract id (`urn:li:contract:{id}`'s id): recruiters may promote API jobs (`listingType: PREMIUM`). */
  linkedInContractId?: string;
  /** Recruiters get the morning digest unless they turned it off; off here: only those who turned it on. */
  morningDigest: boolean;
  /** Team channel for candidate notifications. */
  notificationChannel?: { teamId?: string; channelId: string; name?: string };
  admins: Person[];
  recruiters: Person[];
  updatedAt?: string;
  /** Storage concurrency token of the stored settings; absent when nothing is stored yet. */
  etag?: string;
}

/** The environment's part: defaults for every tenant of the deployment (one tenant for an env-configured one). */
export interface SettingsDefaults
  extends Pick<TenantSettings, 'companyName' | 'companyId' | 'publisher' | 'publisherUrl' | 'posterEmail' | 'buildTime' | 'timeZone'> {
  /** First admins, from ADMIN_AAD_IDS. */
  bootstrapAdmins: readonly string[];
}

export function defaultSettings(tenantId: string, defaults: SettingsDefaults): TenantSettings {
  return {
    tenantId,
    companyName: defaults.companyName,
    companyId: defaults.companyId,
    publisher: defaults.publisher,
    publisherUrl: defaults.publisherUrl,
    posterEmail: defaults.posterEmail,
    buildTime: defaults.buildTime,
    timeZone: defaults.timeZone,
    postingEnabled: true,
    jobWrapping: false,
    applyWithLinkedIn: false,
    postingPolicy: 'direct',
    postingChannel: 'feed',
    candidateRetentionMonths: DEFAULT_RETENTION_MONTHS,
    morningDigest: true,
    rsc: { status: 'not_connected' },
    admins: defaults.bootstrapAdmins.map((aadObjectId) => ({ aadObjectId })),
    recruiters: []
  };
}

/** Admins: ADMIN_AAD_IDS plus those named in settings; recruiters: those named in settings; everyone else hires. */
export function roleOf(settings: TenantSettings, aadObjectId: string, bootstrapAdmins: readonly string[] = []): Role {
  if (bootstrapAdmins.includes(aadObjectId) || settings.admins.some((person) => person.aadObjectId === aadObjectId)) return 'admin';
  if (settings.recruiters.some((person) => person.aadObjectId === aadObjectId)) return 'recruiter';
  return 'hiring_manager';
}

/** Recruiters and admins see and manage every job of the tenant. */
export function seesAllJobs(role: Role): boolean {
  return role === 'admin' || role === 'recruiter';
}
