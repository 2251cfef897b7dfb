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
  /** A new random token for the tenant; the old URL answers 404 from now on. Undefined when the environment sets it. */
  rotate?(tenantId: string): Promise<string | undefined>;
}

/**
 * LINKEDIN_FEED_TOKEN and the tenant it belongs to (the deployment's own). Without a tenant (local mode) the first
 * tenant that asks takes it.
 */
export interface ConfiguredFeedToken {
  token: string;
  tenantId?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newToken = () => randomBytes(24).toString('base64url');

interface TenantRow {
  token: string;
  /** The token came from LINKEDIN_FEED_TOKEN: a changed variable replaces it. */
  configured?: boolean;
  etag: string;
}

/**
 * Two rows per tenant: `tenant/<tenant>` holds the token (to show the URL), `hash/<sha256(token)>` points back to the
 * tenant. Looking up by hash keeps the token out of key comparisons; the final check is constant-time.
 */
export class TableFeedTokenStore implements FeedTokenStore {
  private readonly configured?: ConfiguredFeedToken;

  constructor(private readonly table: TableClient, configured?: string | ConfiguredFeedToken) {
    this.configured = typeof configured === 'string' ? { token: configured } : configured;
  }

  async tokenFor(tenantId: string): Promise<string> {
    const existing = await this.tenantRow(tenantId);
    if (existing && this.stillValid(existing, tenantId)) return existing.token;
    const configured = this.configuredFor(tenantId);
    const claimed = configured ? await this.claim(configured, tenantId, this.configured?.tenantId === tenantId) : undefined;
    const token = claimed ?? (await this.claim(newToken(), tenantId, false))!;
    return this.store(tenantId, { token, configured: token === configured }, existing);
  }

  async tenantFor(token: string): Promise<string | undefined> {
    if (this.configured?.tenantId && this.sameToken(token, this.configured.token)) return this.configured.tenantId;
    const hash = sha256(token);
    try {
      const row = await this.table.getEntity<{ tenantId: string; tokenHash: string }>('hash', hash);
      if (!timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash))) return undefined;
      // The deployment tenant's only URL is the configured one: a token it had before LINKEDIN_FEED_TOKEN changed is dead.
      if (this.configured?.tenantId && row.tenantId === this.configured.tenantId) return undefined;
      return row.tenantId;
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  async rotate(tenantId: string): Promise<string | undefined> {
    if (this.configuredFor(tenantId) && this.configured?.tenantId === tenantId) return undefined;
    const existing = await this.tenantRow(tenantId);
    if (existing?.configured && !this.configured?.tenantId && existing.token === this.configured?.token) return undefined;
    const token = (await this.claim(newToken(), tenantId, false))!;
    return this.store(tenantId, { token, configured: false }, existing);
  }

  /** The configured token, for the tenant it belongs to (or any tenant, in local mode). */
  private configuredFor(tenantId: string): string | undefined {
    if (!this.configured) return undefined;
    return !this.configured.tenantId || this.configured.tenantId === tenantId ? this.configured.token : undefined;
  }

  /** A stored token stays unless the environment changed it, or it was the configured token of another tenant. */
  private stillValid(row: TenantRow, tenantId: string): boolean {
    const configured = this.configured;
    if (!configured) return true;
    if (configured.tenantId) {
      if (configured.tenantId === tenantId) return row.token === configured.token;
      return row.token !== configured.token;
    }
    return !row.configured || row.token === configured.token;
  }

  /** Writes the tenant's token and retires the old one (its URL answers 404 from now on). */
  private async store(tenantId: string, next: { token: string; configured: boolean }, existing: TenantRow | undefined): Promise<string> {
    const entity = { partitionKey: 'tenant', rowKey: encodeKey(tenantId), token: next.token, configured: next.configured };
    try {
      if (existing) await this.table.updateEntity(entity, 'Replace', { etag: existing.etag });
      else await this.table.createEntity(entity);
    } catch (error) {
      if (!isStatus(error, 409) && !isStatus(error, 412)) throw error;
      return (await this.tenantRow(tenantId))!.token; // another instance wrote it first: use theirs
    }
    if (existing && existing.token !== next.token) await this.release(existing.token, tenantId);
    return next.token;
  }

  private async release(token: string, tenantId: string): Promise<void> {
    const hash = sha256(token);
    try {
      const row = await this.table.getEntity<{ tenantId: string }>('hash', hash);
      if (row.tenantId === tenantId) await this.table.deleteEntity('hash', hash, { etag: row.etag });
    } catch (error) {
      if (!isStatus(error, 404) && !isStatus(error, 412)) throw error;
    }
  }

  private async tenantRow(tenantId: string): Promise<TenantRow | undefined> {
    try {
      return await this.table.getEntity<TenantRow>('tenant', encodeKey(tenantId));
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private sameToken(a: string, b: string): boolean {
    return timingSafeEqual(Buffer.from(sha256(a)), Buffer.from(sha256(b)));
  }

  /**
   * Reserves a token for a tenant; undefined if another tenant holds it. `takeOver`: the configured token of the
   * deployment's tenant, taken back from a tenant that got it before tokens were scoped.
   */
  private async claim(token: string, tenantId: string, takeOver: boolean): Promise<string | undefined> {
    const hash = sha256(token);
    const row = { partitionKey: 'hash', rowKey: hash, tenantId, tokenHash: hash };
    try {
      if (takeOver) await this.table.upsertEntity(row, 'Replace');
      else await this.table.createEntity(row);
      return token;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
      const holder = await this.table.getEntity<{ tenantId: string }>('hash', hash).catch(() => undefined);
      return holder?.tenantId === tenantId ? token : undefined;
    }
  }
}
