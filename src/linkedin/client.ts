/**
 * Recruiter System Connect: fetches the candidate of a one-click export.
 * "Retrieve exported candidates" (https://learn.microsoft.com/linkedin/talent/recruiter-system-connect/retrieve-exported-candidates):
 * authorize with an OAuth 2.0 client-credentials token, then
 * `GET /v2/exportedCandidates?q=request&requestId={requestId}`. The answer names the customer in `integrationContext`
 * (`urn:li:organization:{id}`) and carries a stub profile (names, emails, phones as the member shared them).
 * LinkedIn documents the fields loosely; we validate the ones we use with zod and ignore the rest.
 */
import { z } from 'zod';
import type { LinkedInCredentials } from '../storage/settingsStore';

const httpsUrl = z.string().url().refine((value) => value.startsWith('https://'), 'must be https');
const text = (max: number) => z.string().trim().max(max);

const personSchema = z
  .object({
    firstName: text(200).optional(),
    lastName: text(200).optional(),
    name: text(400).optional(),
    email: text(320).optional()
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
    candidate: z
      .object({
        /** The member's URN (e.g. `urn:li:person:…`), stable across exports. */
        member: text(200).optional(),
        firstName: text(200).optional(),
        lastName: text(200).optional(),
        headline: text(500).optional(),
        currentCompanyName: text(300).optional(),
        currentJobTitle: text(300).optional(),
        profileUrl: httpsUrl.optional(),
        emailAddresses: z.array(text(320)).max(20).default([]),
        phoneNumbers: z.array(z.union([text(50), z.object({ number: text(50) }).passthrough()])).max(20).default([])
      })
      .passthrough()
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

/** LinkedIn-Version of the versioned `rest/` API (the newest the docs name). */
export const DEFAULT_LINKEDIN_API_VERSION = '202604';
const PURGE_PAGE_SIZE = 100;
const PURGE_MAX_PAGES = 1000;

const tokenResponseSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() }).passthrough();

/** A LinkedIn call that failed; `retryable` says whether trying again later may help. */
export class LinkedInError extends Error {
  constructor(message: string, readonly retryable: boolean, readonly status?: number, readonly retryAfterMs?: number) {
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

export interface ExportedCandidatesApi {
  exportedCandidates(credentials: LinkedInCredentials, requestId: string): Promise<ExportedCandidate[]>;
}

export interface PurgedCandidatesApi {
  /** Member URNs LinkedIn lists for purging for this organization (all pages). */
  purgedExportedCandidates(credentials: LinkedInCredentials, organizationId: string): Promise<string[]>;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are cached per client id until a minute before they expire; concurrent callers share one token request. */
export class LinkedInClient implements ExportedCandidatesApi, PurgedCandidatesApi {
  private readonly tokens = new Map<string, { token: Promise<CachedToken>; expiresAt: number }>();
  private readonly now: () => number;

  constructor(private readonly options: LinkedInClientOptions) {
    this.now = options.now ?? Date.now;
  }

  async exportedCandidates(credentials: LinkedInCredentials, requestId: string): Promise<ExportedCandidate[]> {
    const token = await this.token(credentials);
    const url = new URL('/v2/exportedCandidates', this.options.apiBaseUrl);
    url.searchParams.set('q', 'request');
    url.searchParams.set('requestId', requestId);
    const response = await this.call(url, { headers: { authorization: `Bearer ${token}`, 'x-restli-protocol-version': '2.0.0', accept: 'application/json' } });
    if (response.status === 401) this.tokens.delete(credentials.clientId); // revoked or expired early: fetch a new one next time
    const body = await this.json(response, 'exportedCandidates');
    const parsed = exportedCandidatesResponseSchema.safeParse(body);
    if (!parsed.success) throw new LinkedInError(`exportedCandidates: unexpected answer (${describe(parsed.error)})`, false);
    return parsed.data.elements;
  }

  /**
   * LinkedIn's purge duty (RSC release notes, July 2023): poll `GET rest/atsPurgedExportedCandidates` at least every
   * 30 days and delete the members it lists. Paged with start/count; entries of another organization are ignored.
   */
  async purgedExportedCandidates(credentials: LinkedInCredentials, organizationId: string): Promise<string[]> {
    const token = await this.token(credentials);
    const context = organizationUrn(organizationId);
    const members = new Set<string>();
    for (let page = 0, start = 0; page < PURGE_MAX_PAGES; page++) {
      const url = new URL('/rest/atsPurgedExportedCandidates', this.options.apiBaseUrl);
      url.searchParams.set('q', 'integrationContext');
      url.searchParams.set('integrationContext', context);
      url.searchParams.set('start', String(start));
      url.searchParams.set('count', String(PURGE_PAGE_SIZE));
      const response = await this.call(url, { headers: this.restHeaders(token) });
      if (response.status === 401) this.tokens.delete(credentials.clientId);
      const parsed = purgedCandidatesResponseSchema.safeParse(await this.json(response, 'atsPurgedExportedCandidates'));
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

  /** Headers of LinkedIn's versioned `rest/` API. */
  private restHeaders(token: string): Record<string, string> {
    return {
      authorization: `Bearer ${token}`,
      'linkedin-version': this.options.apiVersion ?? DEFAULT_LINKEDIN_API_VERSION,
      'x-restli-protocol-version': '2.0.0',
      accept: 'application/json'
    };
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

  /** 2xx → parsed JSON; 429, 5xx, 401 and 408 are worth retrying; other 4xx are not. */
  private async json(response: Response, what: string): Promise<unknown> {
    if (response.ok) {
      try {
        return await response.json();
      } catch {
        throw new LinkedInError(`${what}: answer is not JSON`, false, response.status);
      }
    }
    await response.body?.cancel().catch(() => undefined);
    const status = response.status;
    const retryable = status === 429 || status >= 500 || status === 401 || status === 408;
    throw new LinkedInError(`${what}: HTTP ${status}`, retryable, status, retryAfterMs(response.headers.get('retry-after')));
  }
}

/** Retry-After as seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describe(error: z.ZodError): string {
  return error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ');
}

export function organizationUrn(organizationId: string): string {
  return `urn:li:organization:${organizationId}`;
}
