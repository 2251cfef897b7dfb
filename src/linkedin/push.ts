/**
 * What LinkedIn posts to a customer's callback URL (Recruiter System Connect, "Receive push events":
 * https://learn.microsoft.com/linkedin/talent/receive-push-events). The push only notifies; LinkedIn has not
 * published its body. The one published receiver schema takes `{ id, type, expiresAt }`, where `id` is the request id
 * to fetch with; earlier readings sent `requestId` and `notificationId`. Both shapes are read, unknown fields ignored.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';

export const EXPORT_EVENT_TYPE = 'EXPORT_CANDIDATE_PROFILE';
export const INTEGRATION_STATUS_EVENT_TYPE = 'INTEGRATION_STATUS_CHANGE';

/** Ids go into Table keys and card data: printable, bounded. LinkedIn sends them as strings or numbers. */
const id = z.union([z.string(), z.number().int().nonnegative()]).transform(String).pipe(
  z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
);

/** Epoch milliseconds, or an ISO date; kept as an ISO date. */
const instant = z.union([z.number().int().nonnegative(), z.string().max(64)]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO date' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const pushBodySchema = z
  .object({
    type: z.string().min(1).max(100).regex(/^[A-Za-z0-9_.:-]+$/, 'must be an event type such as EXPORT_CANDIDATE_PROFILE'),
    /** The request id, as the published receiver schema names it. */
    id: id.optional(),
    requestId: id.optional(),
    notificationId: id.optional(),
    expiresAt: instant.optional()
  })
  .passthrough()
  .superRefine((body, ctx) => {
    if (body.id === undefined && body.requestId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'an id or a requestId is required' });
    }
  });

/** A verified push, reduced to what we use. */
export interface Push {
  type: string;
  /** What LinkedIn's APIs are asked with (`requestId=`). */
  requestId: string;
  /**
   * What a repeated delivery is recognised by, within its type: the notification id when LinkedIn sends one, else the
   * request id. An export keeps it bare (its rows and cards were always keyed so); other types are prefixed by type.
   */
  eventId: string;
  /** ISO time after which LinkedIn no longer serves the request. */
  expiresAt?: string;
}

export type PushParse = { ok: true; push: Push } | { ok: false; reason: string };

export function parsePush(body: unknown): PushParse {
  const parsed = pushBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { type, id: bareId, requestId: namedId, notificationId, expiresAt } = parsed.data;
  const requestId = (namedId ?? bareId)!;
  const key = notificationId ?? requestId;
  return { ok: true, push: { type, requestId, eventId: type === EXPORT_EVENT_TYPE ? key : `${type}:${key}`, ...(expiresAt ? { expiresAt } : {}) } };
}

/** Which tenant a callback URL's key belongs to (LinkedIn wants one unique callback URL per customer). */
export interface PushKeyResolver {
  tenantFor(key: string): Promise<string | undefined>;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A deployment configured by environment: one key (LINKEDIN_PUSH_KEY), one tenant (LINKEDIN_TENANT_ID, default
 * BOT_TENANT_ID). Compared as hashes in constant time, so the key's length and prefix do not leak.
 */
export class EnvPushKeyResolver implements PushKeyResolver {
  constructor(private readonly key: string | undefined, private readonly tenantId: string | undefined) {}

  tenantFor(key: string): Promise<string | undefined> {
    if (!this.key || !this.tenantId) return Promise.resolve(undefined);
    return Promise.resolve(timingSafeEqual(digest(key), digest(this.key)) ? this.tenantId : undefined);
  }
}

/** Tries each resolver in turn: the tenants' own keys, then the environment's. */
export class ChainedPushKeyResolver implements PushKeyResolver {
  private readonly resolvers: PushKeyResolver[];

  constructor(...resolvers: PushKeyResolver[]) {
    this.resolvers = resolvers;
  }

  async tenantFor(key: string): Promise<string | undefined> {
    for (const resolver of this.resolvers) {
      const tenantId = await resolver.tenantFor(key);
      if (tenantId) return tenantId;
    }
    return undefined;
  }
}

/**
 * LinkedIn's endpoint validation sends a UUID as `challengeCode` ("Webhook validation"). Only codes shaped like one are
 * signed: signing anything else (say `hmacsha256={...}`) would hand out the signature of a forged push.
 */
export function isChallengeCode(code: string): boolean {
  return /^[A-Za-z0-9-]{1,64}$/.test(code);
}
