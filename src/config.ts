import { z } from 'zod';
import type { SettingsDefaults } from './domain/settings';
import { isTimeZone } from './domain/settingsForm';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const flag = z.preprocess((v) => (v === '' || v === undefined ? 'false' : v), z.enum(['true', 'false'])).transform((v) => v === 'true');

/** Every setting the process reads, from the environment (see env/.env.local and README). */
export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    BOT_ID: optional.pipe(z.string().uuid('must be the Azure Bot app id (a GUID)').optional()),
    BOT_PASSWORD: optional,
    BOT_TYPE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    BOT_TENANT_ID: optional.pipe(z.string().uuid('must be the Entra tenant id (a GUID)').optional()),
    AZURE_STORAGE_CONNECTION_STRING: optional.pipe(
      z.string().regex(/(AccountName=|UseDevelopmentStorage=true|TableEndpoint=)/, 'must be an Azure Storage connection string').optional()
    ),
    DATA_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('.data')),
    AZURITE_IN_MEMORY: flag,
    /** First admins: comma-separated Entra (AAD) object ids; later admins are added on the settings card. */
    ADMIN_AAD_IDS: z.preprocess((v) => (v === undefined ? '' : v), z.string()).transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean)),
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
    /** Application Insights: OpenTelemetry traces and metrics go there when set (src/telemetry.ts). */
    APPLICATIONINSIGHTS_CONNECTION_STRING: optional.pipe(z.string().regex(/InstrumentationKey=/, 'must be an Application Insights connection string').optional()),
    /** Public https base of this bot, used to show the feed URL to admins. */
    PUBLIC_BASE_URL: optional.pipe(z.string().url('must be an absolute URL such as https://bot.contoso.com').optional()),
    // The LinkedIn identity of a deployment configured by environment (one tenant); the settings card overrides these.
    LINKEDIN_COMPANY_NAME: optional,
    LINKEDIN_COMPANY_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric id from your LinkedIn Page admin URL').optional()),
    LINKEDIN_POSTER_EMAIL: optional.pipe(z.string().email('must be an email address').optional()),
    LINKEDIN_PUBLISHER: optional,
    LINKEDIN_PUBLISHER_URL: optional.pipe(z.string().url('must be an absolute URL').optional()),
    LINKEDIN_FEED_TOKEN: optional.pipe(z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24-128 letters, digits, - or _').optional()),
    FEED_BUILD_TIME: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)').default('02:00')),
    /** 32 random bytes, base64: encrypts tenant secrets (the LinkedIn client secret) at rest; unset, they are stored unencrypted in a row of their own. */
    SETTINGS_ENCRYPTION_KEY: optional.pipe(
      z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)').optional()
    ),
    FEED_TIME_ZONE: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('UTC')),
    // Recruiter System Connect one-click export (issue 4), for a deployment configured by environment (one tenant).
    /** Secret path segment of this tenant's LinkedIn callback URL: /api/linkedin/push/<key>. */
    LINKEDIN_PUSH_KEY: optional.pipe(z.string().regex(/^[A-Za-z0-9_-]{24,128}$/, 'must be 24-128 letters, digits, - or _').optional()),
    /** Entra tenant id the push key belongs to; default BOT_TENANT_ID. */
    LINKEDIN_TENANT_ID: optional.pipe(z.string().min(1).max(100).optional()),
    /** The customer's LinkedIn organization id (numeric); exports must carry urn:li:organization:<id>. */
    LINKEDIN_ORGANIZATION_ID: optional.pipe(z.string().regex(/^\d+$/, 'must be the numeric LinkedIn organization id').optional()),
    /** Recruiter System Connect app credentials (client credentials grant; the secret also signs pushes). */
    LINKEDIN_CLIENT_ID: optional,
    LINKEDIN_CLIENT_SECRET: optional,
    LINKEDIN_OAUTH_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url('must be an absolute URL').default('https://www.linkedin.com')),
    LINKEDIN_API_BASE_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url('must be an absolute URL').default('https://api.linkedin.com')),
    /** Per LinkedIn call. */
    LINKEDIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
    /** Tries per export event before it is parked as failed (shown by `export status`). */
    EXPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** First retry delay; doubles each try (with jitter), capped at 15 minutes. */
    EXPORT_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
    /** How long a worker's claim on an export event keeps other processes off it (after a crash: the wait before another takes over). */
    EXPORT_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
    /** How often idle workers look for due export events (a push wakes its own process at once). */
    EXPORT_POLL_MS: z.coerce.number().int().positive().default(2000)
  })
  .superRefine((config, ctx) => {
    if (config.BOT_TYPE === 'SingleTenant' && !config.BOT_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['BOT_TENANT_ID'], message: 'is required when BOT_TYPE is SingleTenant' });
    }
    if (config.BOT_TYPE !== 'MultiTenant' && !config.BOT_ID) {
      ctx.addIssue({ code: 'custom', path: ['BOT_ID'], message: `is required when BOT_TYPE is ${config.BOT_TYPE}` });
    }
    if (config.BOT_ID && config.BOT_TYPE !== 'UserAssignedMSI' && !config.BOT_PASSWORD) {
      ctx.addIssue({ code: 'custom', path: ['BOT_PASSWORD'], message: 'is required when BOT_ID is set' });
    }
    if (config.LINKEDIN_PUSH_KEY && !config.LINKEDIN_TENANT_ID && !config.BOT_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['LINKEDIN_TENANT_ID'], message: 'is required with LINKEDIN_PUSH_KEY (or set BOT_TENANT_ID)' });
    }
    if (Boolean(config.LINKEDIN_CLIENT_ID) !== Boolean(config.LINKEDIN_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: [config.LINKEDIN_CLIENT_ID ? 'LINKEDIN_CLIENT_SECRET' : 'LINKEDIN_CLIENT_ID'], message: 'is required with the other LinkedIn client credential' });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The environment's LinkedIn settings: defaults for every tenant until admins store their own. */
export function settingsDefaults(config: Config): SettingsDefaults {
  return {
    companyName: config.LINKEDIN_COMPANY_NAME,
    companyId: config.LINKEDIN_COMPANY_ID,
    publisher: config.LINKEDIN_PUBLISHER,
    publisherUrl: config.LINKEDIN_PUBLISHER_URL,
    posterEmail: config.LINKEDIN_POSTER_EMAIL,
    buildTime: config.FEED_BUILD_TIME,
    timeZone: config.FEED_TIME_ZONE,
    bootstrapAdmins: config.ADMIN_AAD_IDS
  };
}

/** LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET, when both are set. */
export function envLinkedInCredentials(config: Config): { clientId: string; clientSecret: string } | undefined {
  return config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET
    ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET }
    : undefined;
}

/** The tenant whose LinkedIn callback URL carries LINKEDIN_PUSH_KEY (single-tenant deployment). */
export function linkedInPushTenant(config: Config): string | undefined {
  return config.LINKEDIN_TENANT_ID ?? config.BOT_TENANT_ID;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; the first problem becomes one readable line naming the variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(String(issue.path[0] ?? 'environment'), issue.message === 'Required' ? 'is required' : issue.message);
}
