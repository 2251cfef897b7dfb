/**
 * Data protection rules for candidates: how long they are kept, who matches an erasure or access request, why a card
 * was emptied. Free of I/O.
 */
import { displayName, type Candidate } from './candidate';

export const DEFAULT_RETENTION_MONTHS = 6;
export const MIN_RETENTION_MONTHS = 1;
export const MAX_RETENTION_MONTHS = 36;

/** Why a candidate's data was removed; each reason has its own text on the emptied cards. */
export type RemovalReason =
  | { kind: 'purge' }
  | { kind: 'retention'; months: number }
  | { kind: 'erasure' };

/** A line of the privacy audit log: who (an admin's Entra id, or the bot itself), what, when, how many. No personal data. */
export interface PrivacyAuditEntry {
  at: string;
  action: 'erasure' | 'retention' | 'purge' | 'access';
  /** Entra object id of the admin; `system` for the daily jobs. */
  by: string;
  candidates: number;
  rows: number;
}

/** How many days after the last successful check of LinkedIn's purge list admins are warned. */
export const PURGE_STALE_AFTER_DAYS = 7;
const DAY_MS = 86_400_000;

/** Calendar months later, at the same time of day; the 31st of a short month becomes its last day. */
export function addMonths(at: Date, months: number): Date {
  const target = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + months, 1, at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds(), at.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(at.getUTCDate(), lastDay));
  return target;
}

/** The last export, review or hand-over of the candidate (older rows without the field: their last update). */
export function lastActivityOf(candidate: Pick<Candidate, 'lastActivityAt' | 'updatedAt' | 'createdAt'>): Date {
  return new Date(candidate.lastActivityAt ?? candidate.updatedAt ?? candidate.createdAt);
}

/** Kept for `months` from the last activity: expired from then on. */
export function isExpired(candidate: Pick<Candidate, 'lastActivityAt' | 'updatedAt' | 'createdAt'>, months: number, now: Date): boolean {
  return addMonths(lastActivityOf(candidate), months).getTime() <= now.getTime();
}

export function retentionMonthsOf(value: unknown): number {
  const months = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(months) && months >= MIN_RETENTION_MONTHS && months <= MAX_RETENTION_MONTHS ? months : DEFAULT_RETENTION_MONTHS;
}

export function looksLikeEmail(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}

const folded = (text: string) => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Whether a candidate is who an admin named: an email matches any of theirs (case-insensitive); a name matches when
 * every word of it is in the candidate's name ("ola" finds Ola Nordmann, "nordmann ola" too), accents ignored.
 */
export function matchesPerson(candidate: Pick<Candidate, 'firstName' | 'lastName' | 'emails'>, query: string): boolean {
  const wanted = folded(query);
  if (!wanted) return false;
  if (looksLikeEmail(wanted)) return candidate.emails.some((email) => folded(email) === wanted);
  const name = folded(displayName({ ...candidate, emails: [] }));
  const words = name.split(' ');
  return wanted.split(' ').every((word) => words.includes(word));
}

/** Days since the last successful purge check, or since checks began when none ever succeeded. */
export function purgeCheckAgeDays(lastSuccessAt: string | undefined, firstAttemptAt: string | undefined, now: Date): number {
  const since = lastSuccessAt ?? firstAttemptAt;
  if (!since) return 0;
  return Math.floor((now.getTime() - new Date(since).getTime()) / DAY_MS);
}

export function isPurgeCheckStale(lastSuccessAt: string | undefined, firstAttemptAt: string | undefined, now: Date): boolean {
  return purgeCheckAgeDays(lastSuccessAt, firstAttemptAt, now) >= PURGE_STALE_AFTER_DAYS;
}
