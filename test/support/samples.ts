import type { Author } from '../../src/domain/job';

export const DESCRIPTION =
  'We are looking for a backend engineer to build the services behind our hiring products. ' +
  'You will work with TypeScript, Azure and a friendly team in Oslo.';

/** A form submission as Teams sends it: every value a string, the multi-select comma-joined. */
export function validForm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Backend Engineer',
    company: 'Contoso',
    city: 'Oslo',
    country: 'no',
    region: '',
    postalCode: '0150',
    workplaceType: 'Hybrid',
    employmentType: 'FULL_TIME',
    experienceLevel: 'MID_SENIOR_LEVEL',
    jobFunctions: 'eng,it',
    description: DESCRIPTION,
    applyUrl: 'https://careers.contoso.com/jobs/42',
    salaryMin: '700000',
    salaryMax: '900000',
    salaryCurrency: 'nok',
    salaryPeriod: 'YEARLY',
    expirationDate: '',
    ...overrides
  };
}

export const ALEX: Author = { tenantId: 'tenant-a', aadObjectId: 'aad-alex', name: 'Alex Wilber' };
export const MEGAN: Author = { tenantId: 'tenant-a', aadObjectId: 'aad-megan', name: 'Megan Bowen' };
export const OTHER_TENANT_USER: Author = { tenantId: 'tenant-b', aadObjectId: 'aad-zoe', name: 'Zoe' };
