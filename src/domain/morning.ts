/**
 * A person's morning: who is due an approval reminder or a morning digest, and when. Pure: the caller passes the
 * clock, the person's IANA time zone and what storage holds; the scheduler stores and sends.
 *
 * Mornings are working days (Monday to Friday) in the person's own time zone: at 08:00 the day's digest and
 * reminders are due; a process that was down at 08:00 still sends them until noon, later nobody wants a "morning"
 * card. The slot is the local date, so a clock change (DST) never makes a morning happen twice or not at all.
 */
import { isValidTimeZone, zonedInstant } from '../feed/schedule';
import type { Job } from './job';
import type { Person, Role, TenantSettings } from './settings';

export const MORNING_TIME = { hour: 8, minute: 0 };
/** After this local hour a missed morning is skipped rather than sent late. */
export const MORNING_LAST_HOUR = 12;
export const REMIND_AFTER_HOURS = 24;
export const ESCALATE_AFTER_HOURS = 72;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface Morning {
  /** The local date (YYYY-MM-DD): the key of everything sent that morning. */
  date: string;
  /** When 08:00 happened there. */
  startsAt: Date;
}

/** Local wall clock as if it were UTC, and the weekday (0 Sunday). */
const formats = new Map<string, Intl.DateTimeFormat>();

function localReading(now: Date, timeZone: string): { wall: number; weekday: number } {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
    });
    formats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(now)) parts[part.type] = part.value;
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return { wall, weekday: new Date(wall).getUTCDay() };
}

export function isWorkingDay(weekday: number): boolean {
  return weekday >= 1 && weekday <= 5;
}

const morningOf = (localDay: number, timeZone: string): Morning => ({
  date: new Date(localDay).toISOString().slice(0, 10),
  startsAt: new Date(zonedInstant(localDay + MORNING_TIME.hour * HOUR_MS + MORNING_TIME.minute * 60_000, timeZone))
});

/** The morning under way at `now` in `timeZone` (a working day, 08:00 to noon local), or undefined. */
export function morningAt(now: Date, timeZone: string): Morning | undefined {
  const { wall, weekday } = localReading(now, timeZone);
  if (!isWorkingDay(weekday)) return undefined;
  const day = wall - (wall % DAY_MS);
  const morning = morningOf(day, timeZone);
  const noon = zonedInstant(day + MORNING_LAST_HOUR * HOUR_MS, timeZone);
  return now >= morning.startsAt && now.getTime() < noon ? morning : undefined;
}

/** The working morning before `morning` (Friday's for a Monday): the digest covers what happened since then. */
export function previousMorning(morning: Morning, timeZone: string): Morning {
  let day = Date.parse(`${morning.date}T00:00:00Z`) - DAY_MS;
  while (!isWorkingDay(new Date(day).getUTCDay())) day -= DAY_MS;
  return morningOf(day, timeZone);
}

/** The local date at `now` (for "once a day" when a person asks). */
export function localDate(now: Date, timeZone: string): string {
  return new Date(localReading(now, timeZone).wall).toISOString().slice(0, 10);
}

/** The person's own time zone when Teams told us one (and this Node knows it), else the tenant's. */
export function timeZoneOf(personZone: string | undefined, settings: Pick<TenantSettings, 'timeZone'>): string {
  return personZone && isValidTimeZone(personZone) ? personZone : settings.timeZone;
}

/** Admins: named in settings plus the deployment's ADMIN_AAD_IDS. */
export function adminsOf(settings: Pick<TenantSettings, 'admins'>, bootstrapAdmins: readonly string[]): Person[] {
  return [...settings.admins, ...bootstrapAdmins.filter((id) => !settings.admins.some((p) => p.aadObjectId === id)).map((aadObjectId) => ({ aadObjectId }))];
}

/** Who is asked to approve a job: the tenant's recruiters; with none named yet, its admins. Never the author themself. */
export function approversOf(settings: Pick<TenantSettings, 'admins' | 'recruiters'>, bootstrapAdmins: readonly string[], authorId: string): Person[] {
  const chosen = settings.recruiters.length > 0 ? settings.recruiters : adminsOf(settings, bootstrapAdmins);
  return chosen.filter((person) => person.aadObjectId !== authorId);
}

export type ReminderAudience = 'none' | 'approvers' | 'approvers_and_admins';

/** A job waiting 24 hours reminds its approvers; after 3 days the admins are told too. */
export function reminderAudience(job: Pick<Job, 'state' | 'approval'>, now: Date): ReminderAudience {
  if (job.state !== 'awaiting_approval' || !job.approval?.requestedAt) return 'none';
  const waited = now.getTime() - Date.parse(job.approval.requestedAt);
  if (waited >= ESCALATE_AFTER_HOURS * HOUR_MS) return 'approvers_and_admins';
  if (waited >= REMIND_AFTER_HOURS * HOUR_MS) return 'approvers';
  return 'none';
}

/** Whole days a job has waited for approval. */
export function daysWaiting(job: Pick<Job, 'approval'>, now: Date): number {
  return job.approval?.requestedAt ? Math.floor((now.getTime() - Date.parse(job.approval.requestedAt)) / DAY_MS) : 0;
}

/** The people a reminder about `job` goes to this morning (each once), with whether they are reminded as admins. */
export function reminderRecipients(
  job: Job,
  settings: Pick<TenantSettings, 'admins' | 'recruiters'>,
  bootstrapAdmins: readonly string[],
  now: Date
): Person[] {
  const audience = reminderAudience(job, now);
  if (audience === 'none') return [];
  const people = approversOf(settings, bootstrapAdmins, job.author.aadObjectId);
  if (audience === 'approvers_and_admins') {
    for (const admin of adminsOf(settings, bootstrapAdmins)) {
      if (admin.aadObjectId !== job.author.aadObjectId && !people.some((p) => p.aadObjectId === admin.aadObjectId)) people.push(admin);
    }
  }
  return people;
}

/** Outbox keys: one reminder per job, approval round, person and morning; one digest per person and morning. */
export const reminderKey = (job: Pick<Job, 'id' | 'approval'>, aadObjectId: string, date: string) =>
  `approval-reminder:${job.id}:${job.approval?.requestedAt ?? ''}:${aadObjectId}:${date}`;
export const nudgeKey = (job: Pick<Job, 'id' | 'approval'>, aadObjectId: string, date: string) =>
  `approval-nudge:${job.id}:${job.approval?.requestedAt ?? ''}:${aadObjectId}:${date}`;
export const digestKey = (tenantId: string, aadObjectId: string, date: string) => `digest:${tenantId}:${aadObjectId}:${date}`;

export type DigestChoice = 'on' | 'off';

/**
 * Recruiters get the digest unless the tenant turned the default off; admins only when they turned it on; a person's
 * own choice wins. Hiring managers have nothing to review in it.
 */
export function wantsDigest(role: Role, own: DigestChoice | undefined, tenantDefault: boolean): boolean {
  if (role === 'hiring_manager') return false;
  if (own) return own === 'on';
  return role === 'recruiter' && tenantDefault;
}

export type NudgeRefusal = 'not_author' | 'not_awaiting' | 'already_today';

/** `remind approvers <id>`: only the job's author, only while it waits, at most once a (local) day. */
export function nudgeRefusal(job: Job, callerId: string, today: string, timeZone: string): NudgeRefusal | undefined {
  if (job.author.aadObjectId !== callerId) return 'not_author';
  if (job.state !== 'awaiting_approval') return 'not_awaiting';
  const last = job.approval?.remindedAt;
  if (last && localDate(new Date(last), timeZone) === today) return 'already_today';
  return undefined;
}

export interface DigestFacts {
  /** Candidates exported since the previous morning and not reviewed. */
  candidates: readonly unknown[];
  /** Jobs waiting for this person's decision. */
  approvals: readonly unknown[];
  /** Jobs the last feed build left out. */
  heldBack: readonly unknown[];
  /** The feed is on and expected to be read, but LinkedIn has not read it since the previous morning. */
  feedNotRead: boolean;
}

/** Nothing to say, no card: LinkedIn's ordinary nightly read alone is not news. */
export function digestHasNews(facts: DigestFacts): boolean {
  return facts.candidates.length > 0 || facts.approvals.length > 0 || facts.heldBack.length > 0 || facts.feedNotRead;
}
