import { newJobId, validateJobInput, type Job } from '../../src/domain/job';
import { queueApiOperation } from '../../src/domain/jobPosting';
import { ALEX, validForm } from './samples';

export const NOW = new Date('2026-12-01T12:00:00Z');

/** A valid job with a queued CREATE on the API channel (the product side's `queueApiOperation`). */
export function sampleJob(overrides: Partial<Job> = {}, form: Record<string, unknown> = {}, now: Date = NOW): Job {
  const input = validateJobInput(validForm(form), now);
  if (!input.ok) throw new Error(JSON.stringify(input.errors));
  const job: Job = { ...input.value, id: overrides.id ?? newJobId(now), tenantId: ALEX.tenantId, state: 'queued', author: ALEX, createdAt: now.toISOString(), updatedAt: now.toISOString(), ...overrides };
  return { ...job, api: job.api ?? queueApiOperation(job, 'CREATE', now) };
}

