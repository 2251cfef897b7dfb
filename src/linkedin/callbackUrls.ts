/**
 * A tenant's LinkedIn callback URL, `<public base>/api/linkedin/push/<key>` (LinkedIn wants one per customer). Each
 * tenant gets its own random key, stored only as a hash (storage/pushKeyStore.ts): the full URL exists only in the
 * reply that made it. A single-tenant deployment may instead set LINKEDIN_PUSH_KEY for its own tenant.
 */
import { randomBytes } from 'node:crypto';
import type { PushKeyInfo, PushKeyStore } from '../storage/pushKeyStore';

export interface CallbackUrlView {
  /** The whole URL: only right after it was made. */
  url?: string;
  /** `https://bot.contoso.com/api/linkedin/push/…abcd` */
  masked?: string;
  /** Which key: the tenant's own, or LINKEDIN_PUSH_KEY from the environment. */
  source?: 'tenant' | 'environment';
  createdAt?: string;
}

export interface CallbackUrlOptions {
  keys: PushKeyStore;
  publicBaseUrl: () => string;
  /** LINKEDIN_PUSH_KEY and the tenant it belongs to. */
  envKey?: string;
  envTenantId?: string;
  now?: () => Date;
}

export class CallbackUrls {
  constructor(private readonly options: CallbackUrlOptions) {}

  /** 256 random bits, URL-safe (43 characters). */
  newKey(): string {
    return randomBytes(32).toString('base64url');
  }

  urlFor(key: string): string {
    return `${this.base()}/api/linkedin/push/${key}`;
  }

  /** What the settings card shows: never the whole URL again. */
  async current(tenantId: string): Promise<CallbackUrlView> {
    const own = await this.options.keys.describe(tenantId);
    if (own) return { masked: this.masked(own.last4), source: 'tenant', createdAt: own.createdAt };
    if (this.options.envKey && this.options.envTenantId === tenantId) return { masked: this.masked(this.options.envKey.slice(-4)), source: 'environment' };
    return {};
  }

  async hasOwnKey(tenantId: string): Promise<boolean> {
    return (await this.options.keys.describe(tenantId)) !== undefined;
  }

  /** Stores `key` as the tenant's (the previous one stops working) and returns the whole URL, this once. */
  async adopt(tenantId: string, key: string): Promise<CallbackUrlView> {
    const info: PushKeyInfo = await this.options.keys.replace(tenantId, key, (this.options.now ?? (() => new Date()))());
    return { url: this.urlFor(key), masked: this.masked(info.last4), source: 'tenant', createdAt: info.createdAt };
  }

  private masked(last4: string): string {
    return `${this.base()}/api/linkedin/push/…${last4}`;
  }

  private base(): string {
    return this.options.publicBaseUrl().replace(/\/+$/, '');
  }
}
