/**
 * The push LinkedIn sends when a recruiter exports a candidate (Recruiter System Connect one-click export,
 * "Receive push events": https://learn.microsoft.com/linkedin/talent/receive-push-events). The push only notifies:
 * its id is what we de-duplicate on, its request id is what we fetch the candidate with.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { z } from 'zod';

export const EXPORT_EVENT_TYPE = 'EXPORT_CANDIDATE_PROFILE';

/** Ids go into Table keys and card data: printable, bounded. LinkedIn sends them as strings or numbers. */
const id = z.union([z.string(), z.number().int().nonnegative()]).transform(String).pipe(
  z.string().min(1).max(200).regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
);

export const exportPushSchema = z
  .object({
    type: z.literal(EXPORT_EVENT_TYPE),
    notificationId: id,
    requestId: id,
    /** Optional in the push; the authoritative one comes with the exported candidate. */
    integrationContext: z.string().max(200).optional(),
    /** Epoch milliseconds, when present. */
    createdAt: z.number().int().nonnegative().optional()
  })
  .passthrough();

export type ExportPush = z.infer<typeof exportPushSchema>;

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

  async tenantFor(key: string): Promise<string | undefined> {
    if (!this.key || !this.tenantId) return undefined;
    return timingSafeEqual(digest(key), digest(this.key)) ? this.tenantId : undefined;
  }
}
