/**
 * Candidates exported from LinkedIn Recruiter. Free of I/O.
 * Recruiter System Connect requires that a re-export of the same person does not create a second candidate, and that
 * exported candidates carry "LinkedIn" as their source
 * (https://learn.microsoft.com/linkedin/talent/recruiter-system-connect/retrieve-exported-candidates).
 */
import { createHash } from 'node:crypto';

export const LINKEDIN_SOURCE = 'LinkedIn';

/** One of the member's last two positions, as LinkedIn's StubProfile gives it. */
export interface CandidatePosition {
  title?: string;
  companyName?: string;
  startYear?: number;
  /** Absent: the position is current. */
  endYear?: number;
}

export interface CandidateEducation {
  schoolName?: string;
  degreeName?: string;
  fieldOfStudy?: string;
}

export interface CandidateProfile {
  firstName?: string;
  lastName?: string;
  headline?: string;
  /** All current employers, comma-separated (StubProfile `currentEmployerNames`). */
  currentCompany?: string;
  currentTitle?: string;
  /** "Oslo, Norway", as LinkedIn shows it. */
  location?: string;
  /** As LinkedIn computes it from the profile (a number, as text). */
  yearsOfExperience?: string;
  /** LinkedIn's top three. */
  skills?: string[];
  /** The last two. */
  positions?: CandidatePosition[];
  educations?: CandidateEducation[];
  profileUrl?: string;
  /** LinkedIn member URN, when LinkedIn shares it. */
  memberUrn?: string;
  emails: string[];
  phones: string[];
}

/** One export of the candidate to one of our jobs (or to none). */
export interface CandidateExportLink {
  eventId: string;
  /** Our job id as LinkedIn sent it back (`partnerJobId`); absent for an export without a job. */
  jobId?: string;
  exportedAt: string;
  exportedBy?: string;
}

export interface Candidate extends CandidateProfile {
  id: string;
  tenantId: string;
  source: typeof LINKEDIN_SOURCE;
  exports: CandidateExportLink[];
  createdAt: string;
  updatedAt: string;
  /** The last export, review or hand-over: the data retention period counts from here. */
  lastActivityAt?: string;
  etag?: string;
}

/**
 * What identifies a person across exports, strongest first: the member URN, then each email (case-insensitive).
 * Hashed, so keys hold no personal data and fit Table key rules.
 */
export function identityKeys(profile: Pick<CandidateProfile, 'memberUrn' | 'emails'>): string[] {
  const keys = [
    ...(profile.memberUrn ? [`member:${profile.memberUrn.trim()}`] : []),
    ...profile.emails.map((email) => `email:${email.trim().toLowerCase()}`)
  ];
  return [...new Set(keys)].map((key) => `${key.slice(0, key.indexOf(':'))}-${sha256(key).slice(0, 40)}`);
}

/** A candidate's id follows from its strongest identity, so two processes creating the same person agree on it. */
export function candidateIdFor(identityKey: string): string {
  return `C${sha256(identityKey).slice(0, 20).toUpperCase()}`;
}

export function displayName(profile: Pick<CandidateProfile, 'firstName' | 'lastName' | 'emails'>): string {
  return [profile.firstName, profile.lastName].filter(Boolean).join(' ') || profile.emails[0] || '—';
}

/** Adds an export to a candidate, once per event; fills in profile fields LinkedIn now shares. */
export function withExport(candidate: Candidate, profile: CandidateProfile, link: CandidateExportLink, now: Date): Candidate {
  if (candidate.exports.some((existing) => existing.eventId === link.eventId)) return candidate;
  const merged: Candidate = { ...candidate, updatedAt: now.toISOString(), lastActivityAt: now.toISOString(), exports: [...candidate.exports, link] };
  for (const field of ['firstName', 'lastName', 'headline', 'currentCompany', 'currentTitle', 'profileUrl', 'memberUrn', 'location', 'yearsOfExperience'] as const) {
    if (profile[field]) merged[field] = profile[field];
  }
  for (const field of ['skills', 'positions', 'educations'] as const) {
    if (profile[field]?.length) (merged as unknown as Record<string, unknown>)[field] = profile[field];
  }
  merged.emails = [...new Set([...candidate.emails, ...profile.emails])];
  merged.phones = [...new Set([...candidate.phones, ...profile.phones])];
  return merged;
}

export function jobIdsOf(candidate: Candidate): string[] {
  return [...new Set(candidate.exports.map((link) => link.jobId).filter((id): id is string => Boolean(id)))];
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
