/**
 * The morning digest: what one person should know at 08:00, gathered from storage once per tenant and cut per
 * person. The notice holds ids and job facts, never a candidate's name: the card reads names from the candidate row
 * when it is sent, so an erased candidate leaves nothing behind in the outbox.
 */
import { renderCard } from '../bot/cards';
import { dateText, dateTimeFormat, localeOf } from '../i18n/intlFormats';
import { displayName } from '../domain/candidate';
import type { HoldReason } from '../domain/feedRules';
import type { Job } from '../domain/job';
import { approversOf, daysWaiting, digestHasNews, type Morning } from '../domain/morning';
import type { Role, TenantSettings } from '../domain/settings';
import { cardStrings, t, type Language } from '../i18n/strings';
import type { CandidateStore } from '../storage/candidateStore';
import type { SettledExport } from '../storage/exportInbox';
import type { AdaptiveCardJson, RendererRegistry } from '../shared/types';

export const DIGEST_KIND = 'morning.digest';
/** Lines per section; the rest is counted. */
const SECTION_LINES = 10;

export interface DigestData {
  tenantId: string;
  /** The person's local date. */
  date: string;
  timeZone: string;
  candidates: Array<{ candidateId?: string; jobId?: string; jobTitle?: string }>;
  candidatesTotal: number;
  approvals: Array<{ jobId: string; title: string; authorName: string; days: number }>;
  approvalsTotal: number;
  heldBack: Array<{ jobId: string; title: string; reasons: HoldReason[] }>;
  heldBackTotal: number;
  /** Absent for a tenant that posts through LinkedIn's API (no feed to read). */
  feed?: { lastReadAt?: string; notReadSince?: string };
}

/** What the tenant has to say this morning, read once per scheduler pass. */
export interface TenantFacts {
  awaiting: Job[];
  /** Candidate exports settled in the last days (each person's window is cut from these). */
  exports: SettledExport[];
  /** The last feed build and LinkedIn's last read; undefined when the tenant does not use the feed. */
  feed?: {
    builtAt?: string;
    lastReadAt?: string;
    heldBack: Array<{ jobId: string; title: string; reasons: HoldReason[] }>;
    heldBackTotal: number;
  };
}

export interface DigestPerson {
  aadObjectId: string;
  role: Role;
  timeZone: string;
}

/** The digest for one person on one morning, or undefined when there is nothing to say. */
export function digestFor(
  person: DigestPerson,
  morning: Morning,
  since: Date,
  facts: TenantFacts,
  settings: Pick<TenantSettings, 'tenantId' | 'admins' | 'recruiters' | 'postingEnabled'>,
  bootstrapAdmins: readonly string[],
  now: Date
): DigestData | undefined {
  const candidates = facts.exports
    .filter((event) => Date.parse(event.settledAt) >= since.getTime() && !event.reviewedBy)
    .map((event) => {
      const card = (event.card ?? {}) as { candidateId?: string; job?: { id?: string; title?: string } };
      return { candidateId: card.candidateId, jobId: card.job?.id, jobTitle: card.job?.title };
    })
    .filter((candidate) => candidate.candidateId);
  const approvals = facts.awaiting
    .filter((job) => job.author.aadObjectId !== person.aadObjectId)
    .filter((job) => person.role === 'admin' || approversOf(settings, bootstrapAdmins, job.author.aadObjectId).some((p) => p.aadObjectId === person.aadObjectId))
    .map((job) => ({ jobId: job.id, title: job.title, authorName: job.author.name, days: daysWaiting(job, now) }));
  const feed = facts.feed;
  const readSince = feed?.lastReadAt !== undefined && Date.parse(feed.lastReadAt) >= since.getTime();
  // A feed that stood the whole window and was not read: LinkedIn may have stopped reading it.
  const notRead = Boolean(feed && settings.postingEnabled && feed.builtAt && Date.parse(feed.builtAt) < since.getTime() && !readSince);
  const heldBack = feed?.heldBack ?? [];
  if (!digestHasNews({ candidates, approvals, heldBack, feedNotRead: notRead })) return undefined;
  return {
    tenantId: settings.tenantId,
    date: morning.date,
    timeZone: person.timeZone,
    candidates: candidates.slice(0, SECTION_LINES),
    candidatesTotal: candidates.length,
    approvals: approvals.slice(0, SECTION_LINES),
    approvalsTotal: approvals.length,
    heldBack: heldBack.slice(0, SECTION_LINES),
    heldBackTotal: Math.max(feed?.heldBackTotal ?? 0, heldBack.length),
    ...(feed ? { feed: { ...(feed.lastReadAt ? { lastReadAt: feed.lastReadAt } : {}), ...(notRead ? { notReadSince: since.toISOString() } : {}) } } : {})
  };
}

function dayText(language: Language, date: string): string {
  return dateTimeFormat(localeOf(language), { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));
}

const more = (language: Language, shown: number, total: number) => (total > shown ? [{ text: t(language, 'digest.more', { count: total - shown }) }] : []);

export function digestCard(language: Language, data: DigestData, names: ReadonlyMap<string, string>): AdaptiveCardJson {
  const sections: Array<{ title: string; lines: { text: string }[] }> = [];
  const candidates = data.candidates.filter((c) => c.candidateId && names.has(c.candidateId));
  if (candidates.length) {
    sections.push({
      title: t(language, 'digest.candidates', { count: data.candidatesTotal }),
      lines: [
        ...candidates.map((c) => ({
          text: c.jobId
            ? t(language, 'digest.candidate', { name: names.get(c.candidateId!)!, job: c.jobTitle ? `${c.jobTitle} (${c.jobId})` : c.jobId })
            : t(language, 'digest.candidateNoJob', { name: names.get(c.candidateId!)! })
        })),
        ...more(language, data.candidates.length, data.candidatesTotal)
      ]
    });
  }
  if (data.approvals.length) {
    sections.push({
      title: t(language, 'digest.approvals', { count: data.approvalsTotal }),
      lines: [
        ...data.approvals.map((a) => ({ text: t(language, 'digest.approval', { title: a.title, id: a.jobId, name: a.authorName, days: a.days }) })),
        ...more(language, data.approvals.length, data.approvalsTotal)
      ]
    });
  }
  if (data.heldBack.length) {
    sections.push({
      title: t(language, 'digest.heldBack', { count: data.heldBackTotal }),
      lines: [
        ...data.heldBack.map((h) => ({
          text: t(language, 'digest.heldBackJob', { title: h.title, id: h.jobId, reasons: h.reasons.map((reason) => t(language, `hold.${reason}`)).join(' ') })
        })),
        ...more(language, data.heldBack.length, data.heldBackTotal)
      ]
    });
  }
  if (data.feed) {
    const { lastReadAt, notReadSince } = data.feed;
    const line = notReadSince
      ? lastReadAt
        ? t(language, 'digest.feedNotRead', { date: dateText(language, lastReadAt, data.timeZone) })
        : t(language, 'digest.feedNeverRead')
      : lastReadAt
        ? t(language, 'digest.feedRead', { date: dateText(language, lastReadAt, data.timeZone) })
        : t(language, 'digest.feedNeverRead');
    sections.push({ title: t(language, 'digest.feed'), lines: [{ text: line }] });
  }
  return renderCard('digest', {
    s: cardStrings(language),
    heading: t(language, 'digest.heading', { date: dayText(language, data.date) }),
    sections,
    footer: t(language, 'digest.footer')
  });
}

/** The digest's renderer: candidate names come from their rows at send time (an erased one is simply left out). */
export function digestRenderers(candidates: Pick<CandidateStore, 'get'>) {
  return {
    [DIGEST_KIND]: async (language: Language, raw: Record<string, unknown>) => {
      const data = raw as unknown as DigestData;
      const names = new Map<string, string>();
      for (const c of data.candidates) {
        if (!c.candidateId || names.has(c.candidateId)) continue;
        const found = await candidates.get(data.tenantId, c.candidateId);
        if (found) names.set(c.candidateId, displayName(found));
      }
      return { card: digestCard(language, data, names) };
    }
  } satisfies RendererRegistry;
}
