import { defaultSettings, type SettingsDefaults, type TenantSettings } from '../domain/settings';

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

  async get(tenantId: string): Promise<TenantSettings> {
    return defaultSettings(tenantId, this.defaults);
  }

  async linkedInCredentials(): Promise<LinkedInCredentials | undefined> {
    return this.credentials;
  }
}
