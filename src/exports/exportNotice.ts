/**
 * Who is told about an export, and with what data. Free of I/O.
 * An export to an open job goes to the job's author, the tenant's recruiters and the notification channel; an export
 * to a job we don't know or have closed goes to the tenant's admins instead, and the card says why.
 */
import type { ExportedCandidate } from '../linkedin/client';
import { displayName, type CandidateEducation, type CandidatePosition, type CandidateProfile } from '../domain/candidate';
import type { Job } from '../domain/job';
import type { TenantSettings } from '../domain/settings';
import type { Notice, Recipient } from '../shared/types';

export const EXPORT_NOTICE_KIND = 'candidate.exported';

export type JobState = 'open' | 'closed' | 'unknown';

export interface CandidateView {
  name: string;
  headline: string;
  company: string;
  title: string;
  profileUrl: string;
  /** Fields of LinkedIn's StubProfile; absent on candidates stored before they were read. */
  location?: string;
  yearsOfExperience?: string;
  skills?: string[];
  positions?: CandidatePosition[];
  educations?: CandidateEducation[];
  /** The emails the recruiter typed during the export; empty when they shared none. */
  emails?: string[];
}

/**
 * What every recipient's card is rendered from (in their language, by `exportRenderers`). Stored (outbox, export
 * record) with `candidateId` and without `candidate`: the renderer reads the person from the candidate row, so erasing
 * that row leaves no personal data behind in notices.
 */
export interface ExportCardData {
  [key: string]: unknown;
  eventId: string;
  tenantId?: string;
  candidateId?: string;
  candidate?: CandidateView;
  job: { id: string; title: string; state: JobState };
  exporter: string;
  /** ISO time of the export. */
  exportedAt: string;
  /** IANA zone the tenant's times are shown in. */
  timeZone: string;
  reviewedBy?: string;
  reviewedAt?: string;
  /** Set once a recruiter sent the candidate to a hiring manager (names only; see handover.ts). */
  handover?: HandoverStatus;
}

export interface HandoverStatus {
  to: string;
  by: string;
  sentAt: string;
  verdict?: 'interested' | 'not_fit';
  reason?: string;
  answeredAt?: string;
}

const present = <T>(items: T[]): T[] | undefined => (items.length > 0 ? items : undefined);
const someField = (record: object) => Object.values(record).some((value) => value !== undefined && value !== '');

/** LinkedIn's StubProfile (and the older shape's fields) as we keep a candidate. */
export function profileOf(exported: ExportedCandidate): CandidateProfile {
  const c = exported.candidate;
  const positions = c.positions.filter(someField).slice(0, 2);
  const current = positions.find((position) => position.endYear === undefined);
  const employers = c.currentEmployerNames.filter(Boolean);
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    headline: c.headline,
    currentCompany: employers.length ? employers.join(', ') : c.currentCompanyName || current?.companyName,
    currentTitle: c.currentJobTitle || current?.title,
    location: c.location || undefined,
    yearsOfExperience: c.yearsOfExperience || undefined,
    skills: present(c.skills.filter(Boolean).slice(0, 3)),
    positions: present(positions),
    educations: present(c.educations.filter(someField).slice(0, 3)),
    profileUrl: c.profileUrl,
    memberUrn: c.member,
    emails: c.emailAddresses.filter(Boolean),
    phones: c.phoneNumbers.map((phone) => (typeof phone === 'string' ? phone : phone.number)).filter(Boolean)
  };
}

export function exporterName(exported: ExportedCandidate): string {
  const e = exported.exporter;
  return e?.name || [e?.firstName, e?.lastName].filter(Boolean).join(' ') || e?.email || '';
}

export function jobStateOf(job: Job | undefined): JobState {
  if (!job) return 'unknown';
  return job.state === 'closed' ? 'closed' : 'open';
}

export function cardData(eventId: string, exported: ExportedCandidate, profile: CandidateProfile, job: Job | undefined, settings: TenantSettings, receivedAt: string): ExportCardData {
  return {
    eventId,
    candidate: candidateView(profile),
    job: { id: job?.id ?? exported.partnerJobId ?? '', title: job?.title ?? '', state: jobStateOf(job) },
    exporter: exporterName(exported),
    exportedAt: exported.exportedAt ? new Date(exported.exportedAt).toISOString() : receivedAt,
    timeZone: settings.timeZone
  };
}

/** The candidate as the card shows them, from the export's profile or the stored candidate row. */
export function candidateView(profile: CandidateProfile): CandidateView {
  return {
    name: displayName(profile),
    headline: profile.headline ?? '',
    company: profile.currentCompany ?? '',
    title: profile.currentTitle ?? '',
    profileUrl: profile.profileUrl ?? '',
    location: profile.location ?? '',
    yearsOfExperience: profile.yearsOfExperience ?? '',
    skills: profile.skills ?? [],
    positions: profile.positions ?? [],
    educations: profile.educations ?? [],
    emails: profile.emails
  };
}

/** The card data as stored: ids in place of the person. */
export function storedCardData(data: ExportCardData, tenantId: string, candidateId: string): ExportCardData {
  const { candidate: _person, ...rest } = data;
  return { ...rest, tenantId, candidateId };
}

export function recipientsFor(job: Job | undefined, settings: TenantSettings, bootstrapAdmins: readonly string[]): Recipient[] {
  const people = (ids: string[]): Recipient[] => [...new Set(ids)].map((aadObjectId) => ({ kind: 'user', aadObjectId }));
  if (jobStateOf(job) !== 'open') return people([...bootstrapAdmins, ...settings.admins.map((admin) => admin.aadObjectId)]);
  const told = people([job!.author.aadObjectId, ...settings.recruiters.map((recruiter) => recruiter.aadObjectId)]);
  const channel = settings.notificationChannel;
  return channel ? [...told, { kind: 'channel', channelId: channel.channelId, teamId: channel.teamId }] : told;
}

export const exportThread = (eventId: string) => `export:${eventId}`;

function recipientKey(to: Recipient): string {
  return to.kind === 'user' ? to.aadObjectId : `channel:${to.channelId}`;
}

/** Keyed `export:<event>:<recipient>`: enqueued again after a crash, each person is still told once. */
export function exportNotices(tenantId: string, eventId: string, recipients: Recipient[], data: ExportCardData): Notice[] {
  return recipients.map((to) => ({
    tenantId,
    key: `export:${eventId}:${recipientKey(to)}`,
    to,
    message: { kind: EXPORT_NOTICE_KIND, data },
    thread: exportThread(eventId)
  }));
}
