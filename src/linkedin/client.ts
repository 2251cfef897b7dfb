/**
 * Recruiter System Connect: LinkedIn's APIs as the bot calls them, with one client-credentials token per client id.
 * - "Retrieve exported candidates" (https://learn.microsoft.com/linkedin/talent/recruiter-system-connect/retrieve-exported-candidates):
 *   the versioned `GET /rest/exportedCandidates?q=request&requestId={id}`, headers `LinkedIn-Version` and
 *   `X-Restli-Protocol-Version: 2.0.0`. The answer names the customer in `integrationContext` (`urn:li:organization:{id}`)
 *   and carries a StubProfile (names, member, profile URL, the emails the recruiter typed, current employers, and
 *   optionally headline, location, experience, top skills, the last two positions, educations).
 * - `GET /v2/atsIntegrations?q=request&requestId={id}`: what an INTEGRATION_STATUS_CHANGE push is about.
 * - `PUT /v2/atsIntegrations/…/configurations?ids=CALLBACK_URL` (batch_update): registers a tenant's callback URL.
 * Answers are validated with zod (the fields we use; the rest is ignored). Fields of the older, undocumented shape
 * (`currentCompanyName`, `currentJobTitle`, `exporter`, `partnerJobId`, `exportedAt`) are still read.
 */
import { z } from 'zod';
import type { LinkedInCredentials } from '../storage/settingsStore';
import { retryAfterMs } from '../retryAfter';

const httpsUrl = z.string().url().refine((value) => value.startsWith('https://'), 'must be https');
const text = (max: number) => z.string().trim().max(max);
/** A value LinkedIn documents as a string but that may come as a number (e.g. yearsOfExperience). */
const textOrNumber = (max: number) => z.union([text(max), z.number().finite()]).transform(String);
/** A LinkedIn localized value: a plain string or `{ localized: { en_US: … } }`. */
const localizedText = (max: number) =>
  z.union([
    text(max),
    z.object({ localized: z.record(z.string()).optional() }).passthrough().transform((value) => Object.values(value.localized ?? {})[0] ?? '')
  ]).pipe(text(max));
/** A location as a phrase ("Oslo, Norway") or an object with its parts. */
const locationText = z.union([
  text(300),
  z.object({ name: text(300).optional(), city: text(200).optional(), country: text(200).optional(), displayName: text(300).optional() }).passthrough()
    .transform((l) => l.displayName || l.name || [l.city, l.country].filter(Boolean).join(', '))
]);
const yearMonth = z.object({ year: z.number().int().optional(), month: z.number().int().optional() }).passthrough();

const positionSchema = z
  .object({
    title: localizedText(300).optional(),
    companyName: localizedText(300).optional(),
    startedOn: yearMonth.optional(),
    endedOn: yearMonth.optional(),
    startMonthYear: yearMonth.optional(),
    endMonthYear: yearMonth.optional()
  })
  .passthrough()
  .transform((p) => ({ title: p.title, companyName: p.companyName, startYear: (p.startedOn ?? p.startMonthYear)?.year, endYear: (p.endedOn ?? p.endMonthYear)?.year }));

const educationSchema = z
  .object({
    schoolName: localizedText(300).optional(),
    degreeName: localizedText(300).optional(),
    fieldOfStudy: localizedText(300).optional(),
    fieldsOfStudy: z.array(z.union([localizedText(300), z.object({ fieldOfStudyName: localizedText(300).optional() }).passthrough().transform((f) => f.fieldOfStudyName ?? '')])).max(10).optional()
  })
  .passthrough()
  .transform((e) => ({ schoolName: e.schoolName, degreeName: e.degreeName, fieldOfStudy: e.fieldOfStudy ?? e.fieldsOfStudy?.filter(Boolean).join(', ') }));

const skillText = z.union([text(200), z.object({ name: text(200) }).passthrough().transform((skill) => skill.name)]);

const personSchema = z
  .object({
    firstName: text(200).optional(),
    lastName: text(200).optional(),
    name: text(400).optional(),
    email: text(320).optional()
  })
  .passthrough();

/** The StubProfile ("StubProfile": …/retrieve-exported-candidates/stubprofile), plus the fields of the older shape. */
export const stubProfileSchema = z
  .object({
    /** The member's URN (`urn:li:person:…`), stable across exports. */
    member: text(200).optional(),
    firstName: text(200).optional(),
    lastName: text(200).optional(),
    headline: text(500).optional(),
    location: locationText.optional(),
    profileUrl: httpsUrl.optional(),
    /** Typed by the recruiter during the export; may be empty. */
    emailAddresses: z.array(text(320)).max(20).default([]),
    currentEmployerNames: z.array(text(300)).max(20).default([]),
    yearsOfExperience: textOrNumber(20).optional(),
    skills: z.array(skillText).max(50).default([]),
    positions: z.array(positionSchema).max(20).default([]),
    educations: z.array(educationSchema).max(20).default([]),
    currentCompanyName: text(300).optional(),
    currentJobTitle: text(300).optional(),
    phoneNumbers: z.array(z.union([text(50), z.object({ number: text(50) }).passthrough()])).max(20).default([])
  })
  .passthrough();

export const exportedCandidateSchema = z
  .object({
    integrationContext: z.string().min(1).max(200),
    /** Our job id, as we sent it to LinkedIn in the job feed (`partnerJobId`); absent when exported without a job. */
    partnerJobId: text(100).optional(),
    /** Epoch milliseconds. */
    exportedAt: z.number().int().nonnegative().optional(),
    exporter: personSchema.optional(),
    candidate: stubProfileSchema
  })
  .passthrough();

export const exportedCandidatesResponseSchema = z.object({ elements: z.array(exportedCandidateSchema).min(1, 'no exported candidate') }).passthrough();

export type ExportedCandidate = z.infer<typeof exportedCandidateSchema>;

/**
 * One entry of LinkedIn's purge list (`rest/atsPurgedExportedCandidates`): a member whose exported data the ATS must
 * delete. LinkedIn does not publish the element's shape; the member URN is read where the export answer has it
 * (`candidate.member`) or at the top level (`member`), and unknown fields are ignored.
 */
const purgedCandidateSchema = z
  .object({
    integrationContext: z.string().max(200).optional(),
    member: text(200).optional(),
    candidate: z.object({ member: text(200).optional() }).passthrough().optional()
  })
  .passthrough();

const purgedCandidatesResponseSchema = z
  .object({
    elements: z.array(purgedCandidateSchema).default([]),
    paging: z.object({ start: z.number().int().nonnegative().optional(), count: z.number().int().nonnegative().optional(), total: z.number().int().nonnegative().optional() }).passthrough().optional()
  })
  .passthrough();

const PURGE_PAGE_SIZE = 100;
const PURGE_MAX_PAGES = 1000;

/** What `GET /v2/atsIntegrations?q=request` says about one integration of the customer. */
const atsIntegrationSchema = z
  .object({
    integrationContext: z.string().max(200).optional(),
    integrationType: z.string().max(100).optional(),
    enabled: z.boolean().optional(),
    status: z.string().max(100).optional(),
    integrationStatus: z.string().max(100).optional()
  })
  .passthrough();

export type AtsIntegration = z.infer<typeof atsIntegrationSchema>;

const atsIntegrationsResponseSchema = z.object({ elements: z.array(atsIntegrationSchema) }).passthrough();

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).passthrough();

/** LinkedIn's error body: `{ message, serviceErrorCode, status }` (Rest.li) or OAuth's `{ error, error_description }`. */
const errorBodySchema = z
  .object({ message: z.string().max(500).optional(), error: z.string().max(200).optional(), error_description: z.string().max(500).optional() })
  .passthrough();

/** A LinkedIn call that failed; `retryable` says whether trying again later may help. */
export class LinkedInError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    /** What LinkedIn itself said, when its error body had a message. */
    readonly linkedInMessage?: string
  ) {
    super(message);
    this.name = 'LinkedInError';
  }
}

export interface LinkedInClientOptions {
  oauthBaseUrl: string;
  apiBaseUrl: string;
  timeoutMs: number;
  /** `LinkedIn-Version` header of the versioned `rest/` calls; default DEFAULT_LINKEDIN_API_VERSION. */
  apiVersion?: string;
  now?: () => number;
}

export const DEFAULT_LINKEDIN_API_VERSION = '202604';

export interface ExportedCandidatesApi {
  exportedCandidates(credentials: LinkedInCredentials, requestId: string): Promise<ExportedCandidate[]>;
}

export interface PurgedCandidatesApi {
  /** Member URNs LinkedIn lists for purging for this organization (all pages). */
  purgedExportedCandidates(credentials: LinkedInCredentials, organizationId: string): Promise<string[]>;
}

export interface AtsIntegrationsApi {
  /** What an INTEGRATION_STATUS_CHANGE push is about. */
  integrationStatus(credentials: LinkedInCredentials, requestId: string): Promise<AtsIntegration[]>;
}

/** What the settings card asks LinkedIn for an admin. */
export interface LinkedInAdminApi {
  registerCallbackUrl(credentials: LinkedInCredentials, organizationId: string, callbackUrl: string): Promise<void>;
  checkCredentials(credentials: LinkedInCredentials): Promise<void>;
  /** Whether the credentials may use the Job Posting API; throws LinkedInError with LinkedIn's answer when not. */
  checkJobPostingAccess?(credentials: LinkedInCredentials): Promise<void>;
}

/** A task id no job has: reading it changes nothing, and LinkedIn's answer says whether we may use the API. */
const PROBE_TASK = 'urn:li:simpleJobPostingTask:0';

/** One call to LinkedIn's API with the tenant's token (see `LinkedInClient.authorized`). */
export interface LinkedInRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/rest/…` (versioned: LinkedIn-Version is sent) or `/v2/…`. */
  path: string;
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Names the call in errors and logs. */
  what: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are cached per client id until a minute before they expire; concurrent callers share one token request. */
export class LinkedInClient implements ExportedCandidatesApi, PurgedCandidatesApi, AtsIntegrationsApi, LinkedInAdminApi {
  private readonly tokens = new Map<string, { token: Promise<CachedToken>; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: LinkedInClientOptions) {
    this.now = options.now ?? Date.now;
  }

  async exportedCandidates(credentials: LinkedInCredentials, requestId: string): Promise<ExportedCandidate[]> {
    const body = await this.authorized(credentials, { path: '/rest/exportedCandidates', query: { q: 'request', requestId }, what: 'exportedCandidates' });
    const parsed = exportedCandidatesResponseSchema.safeParse(body);
    if (!parsed.success) throw new LinkedInError(`exportedCandidates: unexpected answer (${describe(parsed.error)})`, false);
    return parsed.data.elements;
  }

  /**
   * LinkedIn's purge duty (RSC release notes, July 2023): poll `GET rest/atsPurgedExportedCandidates` at least every
   * 30 days and delete the members it lists. Paged with start/count; entries of another organization are ignored.
   */
  async purgedExportedCandidates(credentials: LinkedInCredentials, organizationId: string): Promise<string[]> {
    const context = organizationUrn(organizationId);
    const members = new Set<string>();
    for (let page = 0, start = 0; page < PURGE_MAX_PAGES; page++) {
      const body = await this.authorized(credentials, {
        path: '/rest/atsPurgedExportedCandidates',
        query: { q: 'integrationContext', integrationContext: context, start: String(start), count: String(PURGE_PAGE_SIZE) },
        what: 'atsPurgedExportedCandidates'
      });
      const parsed = purgedCandidatesResponseSchema.safeParse(body);
      if (!parsed.success) throw new LinkedInError(`atsPurgedExportedCandidates: unexpected answer (${describe(parsed.error)})`, false);
      for (const element of parsed.data.elements) {
        if (element.integrationContext && element.integrationContext !== context) continue;
        const member = element.member ?? element.candidate?.member;
        if (member) members.add(member);
      }
      const { elements, paging } = parsed.data;
      start += elements.length;
      const more = paging?.total !== undefined ? start < paging.total : elements.length >= PURGE_PAGE_SIZE;
      if (!more || elements.length === 0) break;
    }
    return [...members];
  }

  async integrationStatus(credentials: LinkedInCredentials, requestId: string): Promise<AtsIntegration[]> {
    const body = await this.authorized(credentials, { path: '/v2/atsIntegrations', query: { q: 'request', requestId }, what: 'atsIntegrations' });
    const parsed = atsIntegrationsResponseSchema.safeParse(body);
    if (!parsed.success) throw new LinkedInError(`atsIntegrations: unexpected answer (${describe(parsed.error)})`, false);
    return parsed.data.elements;
  }

  /**
   * Registers the customer's callback URL for one-click export (RSC customer configuration; LinkedIn's Postman
   * collection): `PUT /v2/atsIntegrations/<key>/configurations?ids=CALLBACK_URL` with `x-restli-method: batch_update`.
   */
  async registerCallbackUrl(credentials: LinkedInCredentials, organizationId: string, callbackUrl: string): Promise<void> {
    const key = `integrationContext=${organizationUrn(organizationId)}&integrationType=ONE_CLICK_EXPORT&tenantType=RECRUITER&dataProvider=ATS`;
    await this.authorized(credentials, {
      method: 'PUT',
      path: `/v2/atsIntegrations/${key}/configurations`,
      query: { ids: 'CALLBACK_URL' },
      headers: { 'x-restli-method': 'batch_update' },
      body: { entities: { CALLBACK_URL: { configurationValue: { string: callbackUrl } } } },
      what: 'atsIntegrations configurations'
    });
  }

  /** Takes a token with the credentials (not the cached one): proves they work. */
  async checkCredentials(credentials: LinkedInCredentials): Promise<void> {
    await this.requestToken(credentials);
  }

  /**
   * The settings card's "Test" for the Job Posting API: a fresh token with the credentials (wrong ones fail here), then
   * one harmless read, `GET /v2/simpleJobPostingTasks?ids=<a task that does not exist>`. 403 means the application is
   * not approved for job posting; an answer about the unknown task (200 with an error inside, or 400) means the call
   * itself was allowed.
   */
  async checkJobPostingAccess(credentials: LinkedInCredentials): Promise<void> {
    const { token } = await this.requestToken(credentials).catch((error: unknown) => {
      // OAuth answers invalid_client with 400 or 401: either way, the client id or secret is wrong.
      if (error instanceof LinkedInError && error.status === 400) throw new LinkedInError(error.message, false, 401, undefined, error.linkedInMessage);
      throw error;
    });
    const url = new URL('/v2/simpleJobPostingTasks', this.options.apiBaseUrl);
    url.searchParams.set('ids', PROBE_TASK);
    const response = await this.call(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${token}`, 'x-restli-protocol-version': '2.0.0', accept: 'application/json' }
    });
    if (response.ok || response.status === 400) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    await this.json(response, 'simpleJobPostingTasks');
  }

  /**
   * A call with the tenant's cached token; returns the parsed JSON (undefined for an empty answer). `/rest/…` paths
   * get the `LinkedIn-Version` header, every call `X-Restli-Protocol-Version: 2.0.0`. A 401 drops the cached token.
   */
  async authorized(credentials: LinkedInCredentials, request: LinkedInRequest): Promise<unknown> {
    const token = await this.token(credentials);
    const url = new URL(request.path, this.options.apiBaseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'x-restli-protocol-version': '2.0.0',
      accept: 'application/json',
      ...(request.path.startsWith('/rest/') ? { 'linkedin-version': this.options.apiVersion ?? DEFAULT_LINKEDIN_API_VERSION } : {}),
      ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...request.headers
    };
    const response = await this.call(url, { method: request.method ?? 'GET', headers, body: request.body !== undefined ? JSON.stringify(request.body) : undefined });
    if (response.status === 401) this.tokens.delete(credentials.clientId); // revoked or expired early: fetch a new one next time
    return this.json(response, request.what);
  }

  /** Decided synchronously, so a burst of concurrent calls shares one token request. */
  private token(credentials: LinkedInCredentials): Promise<string> {
    const cached = this.tokens.get(credentials.clientId);
    if (cached && cached.expiresAt > this.now()) return cached.token.then((t) => t.token);
    const entry = { token: this.requestToken(credentials), expiresAt: Number.POSITIVE_INFINITY }; // pending: shared
    this.tokens.set(credentials.clientId, entry);
    entry.token.then(
      (t) => (entry.expiresAt = t.expiresAt),
      () => this.tokens.get(credentials.clientId) === entry && this.tokens.delete(credentials.clientId)
    );
    return entry.token.then((t) => t.token);
  }

  private async requestToken({ clientId, clientSecret }: LinkedInCredentials): Promise<CachedToken> {
    const response = await this.call(new URL('/oauth/v2/accessToken', this.options.oauthBaseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString()
    });
    const parsed = tokenResponseSchema.safeParse(await this.json(response, 'accessToken'));
    if (!parsed.success) throw new LinkedInError(`accessToken: unexpected answer (${describe(parsed.error)})`, false);
    const lifetimeMs = parsed.data.expires_in * 1000;
    return { token: parsed.data.access_token, expiresAt: this.now() + Math.max(lifetimeMs - 60_000, lifetimeMs / 2) };
  }

  private async call(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (error) {
      const name = (error as Error).name;
      const reason = name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new LinkedInError(`${url.pathname}: ${reason}`, true);
    }
  }

  /** 2xx → parsed JSON (undefined when empty); 429, 5xx, 401 and 408 are worth retrying; other 4xx are not. */
  private async json(response: Response, what: string): Promise<unknown> {
    if (response.ok) {
      const body = await response.text().catch(() => '');
      if (body.trim() === '') return undefined;
      try {
        return JSON.parse(body);
      } catch {
        throw new LinkedInError(`${what}: answer is not JSON`, false, response.status);
      }
    }
    const status = response.status;
    const said = await linkedInMessage(response);
    const retryable = status === 429 || status >= 500 || status === 401 || status === 408;
    throw new LinkedInError(`${what}: HTTP ${status}`, retryable, status, retryAfterMs(response.headers.get('retry-after')), said);
  }
}

/** The message in LinkedIn's error body, if it has one (bounded: it ends up on a card). */
async function linkedInMessage(response: Response): Promise<string | undefined> {
  const body = await response.text().catch(() => '');
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(body));
    if (!parsed.success) return undefined;
    const said = parsed.data.error_description ?? parsed.data.message ?? parsed.data.error;
    return said ? said.slice(0, 300) : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

export function organizationUrn(organizationId: string): string {
  return `urn:li:organization:${organizationId}`;
}
