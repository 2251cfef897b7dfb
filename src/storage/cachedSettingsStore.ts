import type { TenantSettings } from '../domain/settings';
import type { LinkedInCredentials, SettingsSave, SettingsStore, SettingsAuditEntry } from './settingsStore';

interface Copy {
  /** When the read that made it started: the copy is at least this fresh. */
  at: number;
  settings: Promise<TenantSettings>;
  refreshing?: boolean;
}

/**
 * Every turn reads the tenant's settings (roles are decided on the server each time): keep them briefly. A save
 * through this process drops its copy at once; other processes see a change within `ttlMs`. A copy used in the last
 * quarter of its life is read again in the background, so a busy tenant's turns do not wait for it.
 */
export class CachedSettingsStore implements SettingsStore {
  private readonly cache = new Map<string, Copy>();

  constructor(
    private readonly inner: SettingsStore,
    private readonly ttlMs = 5_000,
    private readonly clock: () => number = Date.now
  ) {}

  get(tenantId: string): Promise<TenantSettings> {
    const cached = this.cache.get(tenantId);
    const age = cached ? this.clock() - cached.at : Infinity;
    if (cached && age < this.ttlMs) {
      if (age >= this.ttlMs * 0.75 && !cached.refreshing) this.refresh(tenantId, cached);
      return cached.settings;
    }
    const settings = this.inner.get(tenantId);
    this.cache.set(tenantId, { at: this.clock(), settings });
    settings.catch(() => this.cache.delete(tenantId));
    return settings;
  }

  /** Replaces `copy` once read again, unless a save (or another read) replaced or dropped it meanwhile. */
  private refresh(tenantId: string, copy: Copy): void {
    copy.refreshing = true;
    const at = this.clock();
    this.inner.get(tenantId).then(
      (settings) => {
        if (this.cache.get(tenantId) === copy) this.cache.set(tenantId, { at, settings: Promise.resolve(settings) });
      },
      // The copy stays until it expires; the next turn after that reads (and reports) for itself.
      () => (copy.refreshing = false)
    );
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

