import { defaultSettings, type SettingsDefaults, type TenantSettings } from '../domain/settings';
import type { SettingsChange, StoredSettings } from '../domain/settingsForm';

export interface LinkedInCredentials {
  clientId: string;
  clientSecret: string;
}

/** A tenant's settings as everyone else reads them; the settings card's store adds saving, audit and secrets. */
export interface SettingsReader {
  /** Effective settings: what admins stored, over the environment's defaults. */
  get(tenantId: string): Promise<TenantSettings>;
  /** Recruiter System Connect client credentials; never shown to users, never logged. */
  linkedInCredentials(tenantId: string): Promise<LinkedInCredentials | undefined>;
}

/** Settings from the environment only (a deployment configured by environment, before anything is stored). */
export class EnvSettingsReader implements SettingsReader {
  constructor(private readonly defaults: SettingsDefaults, private readonly credentials?: LinkedInCredentials) {}

  get(tenantId: string): Promise<TenantSettings> {
    return Promise.resolve(defaultSettings(tenantId, this.defaults));
  }

  linkedInCredentials(): Promise<LinkedInCredentials | undefined> {
    return Promise.resolve(this.credentials);
  }
}

/** Who made a change, as the audit log shows it. */
export interface Actor {
  aadObjectId: string;
  name: string;
}

/** One line of the settings audit log: who, when, field, old → new (secrets: only that they changed). */
export interface SettingsAuditEntry {
  at: string;
  by: Actor;
  field: string;
  old: string;
  new: string;
  secret?: boolean;
}

export interface SettingsSave {
  tenantId: string;
  /** The etag of the settings the admin edited; undefined when nothing was stored yet. */
  etag?: string;
  settings: StoredSettings;
  /** A new LinkedIn client secret; undefined keeps the stored one. */
  clientSecret?: string;
  changes: readonly SettingsChange[];
  by: Actor;
  at: Date;
}

/** The settings card's store: reading as everyone does, plus saving with its audit log, and secrets kept apart. */
export interface SettingsStore extends SettingsReader {
  /**
   * Stores settings, secret and audit lines in one atomic write, only if the settings are still those the admin
   * edited; otherwise throws AppError SETTINGS_CONFLICT and changes nothing.
   */
  save(save: SettingsSave): Promise<TenantSettings>;
  /** The latest changes first. */
  history(tenantId: string, limit: number): Promise<SettingsAuditEntry[]>;
  /** Whether the stored client secret can still be read ('unreadable' after SETTINGS_ENCRYPTION_KEY changed). */
  clientSecretState?(tenantId: string): Promise<'none' | 'readable' | 'unreadable'>;
}

/** A deployment may run with a read-only reader (environment only); the settings card needs a store. */
export function isSettingsStore(reader: SettingsReader): reader is SettingsStore {
  return typeof (reader as Partial<SettingsStore>).save === 'function' && typeof (reader as Partial<SettingsStore>).history === 'function';
}
