import type { TenantSettings } from '../domain/settings';
import type { LinkedInCredentials, SettingsSave, SettingsStore, SettingsAuditEntry } from './settingsStore';

/**
 * Every turn reads the tenant's settings (roles are decided on the server each time): keep them briefly. A save
 * through this process drops its copy at once; other processes see a change within `ttlMs`.
 */
export class CachedSettingsStore implements SettingsStore {
  private readonly cache = new Map<string, { at: number; settings: Promise<TenantSettings> }>();

  constructor(
    private readonly inner: SettingsStore,
    private readonly ttlMs = 5_000,
    private readonly clock: () => number = Date.now
  ) {}

  get(tenantId: string): Promise<TenantSettings> {
    const cached = this.cache.get(tenantId);
    if (cached && this.clock() - cached.at < this.ttlMs) return cached.settings;
    const settings = this.inner.get(tenantId);
    this.cache.set(tenantId, { at: this.clock(), settings });
    settings.catch(() => this.cache.delete(tenantId));
    return settings;
  }

  linkedInCredentials(tenantId: string): Promise<LinkedInCredentials | undefined> {
    return this.inner.linkedInCredentials(tenantId);
  }

  async save(save: SettingsSave): Promise<TenantSettings> {
    this.cache.delete(save.tenantId);
    try {
      return await this.inner.save(save);
    } finally {
      this.cache.delete(save.tenantId);
    }
  }

  history(tenantId: string, limit: number): Promise<SettingsAuditEntry[]> {
    return this.inner.history(tenantId, limit);
  }

  clientSecretState(tenantId: string): Promise<'none' | 'readable' | 'unreadable'> {
    return this.inner.clientSecretState?.(tenantId) ?? Promise.resolve('none');
  }
}

