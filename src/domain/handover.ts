/**
 * Handing an exported candidate to a hiring manager: who may be picked, what a recruiter sends, what the manager
 * answers. Free of I/O.
 */
import { z } from 'zod';
import type { Person } from './settings';

export const HANDOVER_VERDICTS = ['interested', 'not_fit'] as const;
export type HandoverVerdict = (typeof HANDOVER_VERDICTS)[number];

export const MAX_HANDOVER_NOTE = 1000;
export const MAX_HANDOVER_REASON = 1000;

/** One hand-over per export: the person it went to, who sent it, and the answer once given. */
export interface Handover {
  tenantId: string;
  eventId: string;
  candidateId: string;
  to: { aadObjectId: string; name: string };
  by: { aadObjectId: string; name: string };
  note: string;
  sentAt: string;
  verdict?: HandoverVerdict;
  reason?: string;
  answeredAt?: string;
  etag?: string;
}

const trimmed = (max: number) => z.string().trim().max(max);

/** The "Send to hiring manager" form as submitted (Input.ChoiceSet `handoverTo`, Input.Text `handoverNote`). */
export const handoverSubmitSchema = z.object({
  eventId: z.string().min(1).max(200),
  handoverTo: z.string().trim().min(1, 'handover.pickPerson').max(200),
  handoverNote: trimmed(MAX_HANDOVER_NOTE).optional().default('')
});

/** "Interested" / "Not a fit" on the hiring manager's card; a "Not a fit" needs a reason. */
export const handoverAnswerSchema = z
  .object({
    eventId: z.string().min(1).max(200),
    verdict: z.enum(HANDOVER_VERDICTS),
    handoverReason: trimmed(MAX_HANDOVER_REASON).optional().default('')
  })
  .refine((answer) => answer.verdict !== 'not_fit' || answer.handoverReason !== '', { message: 'handover.reasonNeeded', path: ['handoverReason'] });

/**
 * Who the form offers, the job's author first (the default pick), then the tenant's recruiters and admins, each once.
 * Names come from settings; people without a name are left out (the card would show a bare id).
 */
export function handoverCandidates(author: Person | undefined, people: readonly Person[]): Person[] {
  const seen = new Set<string>();
  const result: Person[] = [];
  for (const person of [...(author ? [author] : []), ...people]) {
    if (!person.name || seen.has(person.aadObjectId)) continue;
    seen.add(person.aadObjectId);
    result.push(person);
  }
  return result;
}

export const handoverThread = (eventId: string) => `handover:${eventId}`;
export const handoverKey = (eventId: string, aadObjectId: string) => `handover:${eventId}:${aadObjectId}`;
