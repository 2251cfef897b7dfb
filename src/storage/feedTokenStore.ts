import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { encodeKey, isStatus } from './tables';

export const FEED_TOKENS_TABLE = 'feedtokens';

/** The secret in each tenant's feed URL: the URL is given to LinkedIn only, so whoever knows it may read the feed. */
export interface FeedTokenStore {
  /** The tenant's token, created at first use. */
  tokenFor(tenantId: string): Promise<string>;
  /** The tenant a token belongs to, or undefined for an unknown token. */
  tenantFor(token: string): Promise<string | undefined>;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newToken = () => randomBytes(24).toString('base64url');

/**
 * Two rows per tenant: `tenant/<tenant>` holds the token (to show the URL), `hash/<sha256(token)>` points back to the
 * tenant. Looking up by hash keeps the token out of key comparisons; the final check is constant-time.
 */
export class TableFeedTokenStore implements FeedTokenStore {
  constructor(private readonly table: TableClient, private readonly configuredToken?: string) {}

  async tokenFor(tenantId: string): Promise<string> {
    const existing = await this.storedToken(tenantId);
    if (existing) return existing;
    const token = (await this.claim(this.configuredToken, tenantId)) ?? (await this.claim(newToken(), tenantId))!;
    try {
      await this.table.createEntity({ partitionKey: 'tenant', rowKey: encodeKey(tenantId), token });
      return token;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      return (await this.storedToken(tenantId))!; // another instance created it first: use theirs
    }
  }

  async tenantFor(token: string): Promise<string | undefined> {
    const hash = sha256(token);
    try {
      const row = await this.table.getEntity<{ tenantId: string; tokenHash: string }>('hash', hash);
      return timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash)) ? row.tenantId : undefined;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async storedToken(tenantId: string): Promise<string | undefined> {
    try {
      return (await this.table.getEntity<{ token: string }>('tenant', encodeKey(tenantId))).token;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  /** Reserves a token for a tenant; undefined if none given or another tenant holds it (a configured token serves one tenant). */
  private async claim(token: string | undefined, tenantId: string): Promise<string | undefined> {
    if (!token) return undefined;
    const hash = sha256(token);
    try {
      await this.table.createEntity({ partitionKey: 'hash', rowKey: hash, tenantId, tokenHash: hash });
      return token;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      return (await this.tenantFor(token)) === tenantId ? token : undefined;
    }
  }
}
