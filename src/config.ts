import { z } from 'zod';
import type { SettingsDefaults } from './domain/settings';
import { envSettingsApplyTo, type TenancyPolicy } from './domain/tenancy';
import { isValidTimeZone } from './feed/schedule';

const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const idList = z.preprocess((v) => (v === undefined ? '' : v), z.string()).transform((v) => v.split(',').map((id) => id.trim()).filter(Boolean));
const encryptionKey = optional.pipe(
  z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes, base64-encoded (openssl rand -base64 32)').optional()
);
const flag = z.preprocess((v) => (v === '' || v === undefined ? 'false' : v), z.enum(['true', 'false'])).transform((v) => v === 'true');

/** Every setting the process reads, from the environment (see env/.env.local and README). */
export const configSchema = z
  .object({
    /** `production`: refuse to start unless the deployment is safe (see productionProblems); env/ files are not read. */
    NODE_ENV: optional,
    PORT: z.coerce.number().int().min(0).max(65535).default(3978),
    BOT_ID: optional.pipe(z.string().uuid('must be the Azure Bot app id (a GUID)').optional()),
    BOT_PASSWORD: optional,
    BOT_TYPE: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant')),
    BOT_TENANT_ID: optional.pipe(z.string().uuid('must be the Entra tenant id (a GUID)').optional()),
    AZURE_STORAGE_CONNECTION_STRING: optional.pipe(
      z.string().regex(/(AccountName=|UseDevelopmentStorage=true|TableEndpoint=)/, 'must be an Azure Storage connection string').optional()
    ),
    /** The account's Table endpoint (https://<account>.table.core.windows.net), reached with Entra ID tokens: no key. */
    AZURE_STORAGE_ACCOUNT_URL: optional.pipe(
      z.string().url('must be the Table endpoint, e.g. https://<account>.table.core.windows.net').startsWith('https://', 'must be an https URL (tokens are never sent over plain http)').optional()
    ),
    DATA_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('.data')),
    AZURITE_IN_MEMORY: flag,
    /** First admins of the deployment's own tenant: comma-separated Entra (AAD) object ids; later admins are added on the settings card. */
    ADMIN_AAD_IDS: idList,
    /** Entra tenants that may use the bot; empty: any. Others get a polite refusal and nothing is stored. */
    ALLOWED_TENANT_IDS: idList,
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024),
    /** On SIGTERM: how long requests in flight and notices being sent may take to finish before the process exits. */
    SHUTDOWN_GRACE_MS: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(300_000).default(10_000)),
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
    SETTINGS_ENCRYPTION_KEY: encryptionKey,
    /** The key before the last rotation: secrets it still opens are re-encrypted with SETTINGS_ENCRYPTION_KEY. */
    SETTINGS_ENCRYPTION_KEY_PREVIOUS: encryptionKey,
    FEED_TIME_ZONE: z.preprocess((v) => (v === '' ? undefined : v), z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Oslo').default('UTC')),
    // Recruiter System Connect one-click export, for a deployment configured by environment (one tenant).
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
    /** `LinkedIn-Version` header of the versioned REST API (YYYYMM). */
    LINKEDIN_API_VERSION: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^\d{6}(\.\d{2})?$/, 'must be a LinkedIn API version such as 202604').default('202604')),
    /** A feed download counts as LinkedIn's only when its User-Agent matches (case-insensitive regular expression). */
    LINKEDIN_FEED_USER_AGENT: z.preprocess(
      (v) => (v === '' ? undefined : v),
      z.string().max(500).refine(isRegExp, 'must be a regular expression such as linkedin').default('linkedin')
    ),
    /** Per LinkedIn call. */
    LINKEDIN_TIMEOUT_MS: z.coerce.number().int().positive().default(10000),
    /** Tries per export event before it is parked as failed (shown by `export status`). */
    EXPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    /** First retry delay; doubles each try (with jitter), capped at 15 minutes. */
    EXPORT_RETRY_BASE_MS: z.coerce.number().int().positive().default(5000),
    /** How long a worker's claim on an export event keeps other processes off it (after a crash: the wait before another takes over). */
    EXPORT_LEASE_MS: z.coerce.number().int().min(1000).default(60000),
    /** How often idle workers look for due export events (a push wakes its own process at once). */
    EXPORT_POLL_MS: z.coerce.number().int().positive().default(2000),
    /** Job Posting API: how often an idle engine looks for queued jobs (a queued job wakes its own process at once). */
    LINKEDIN_API_POLL_MS: z.coerce.number().int().positive().default(30000),
    /** Job Posting API: first look at a task after sending (LinkedIn: about five minutes); also the wait before an in-doubt send is settled. */
    LINKEDIN_API_FOLLOW_UP_MS: z.coerce.number().int().positive().default(300000),
    /** Job Posting API: a task still IN_PROGRESS is looked at again after this long. */
    LINKEDIN_API_RECHECK_MS: z.coerce.number().int().positive().default(60000),
    /** Job Posting API: open API jobs' status is polled this often (at most daily). */
    LINKEDIN_API_STATUS_POLL_MS: z.coerce.number().int().positive().max(86_400_000, 'must be at most a day (LinkedIn asks for at least a daily check)').default(21_600_000),
    /** How long an outbox claim keeps other processes off a notice (after a crash: the wait before another takes it). */
    OUTBOX_CLAIM_LEASE_MS: z.coerce.number().int().min(1000).default(120000),
    /** How long one send may take before a notice still "sending" (its process died) is parked as unconfirmed. */
    OUTBOX_SEND_LEASE_MS: z.coerce.number().int().min(1000).default(300000),
    /** How often the morning pass (approval reminders, digests) looks whose 08:00 has come. */
    MORNING_POLL_MS: z.coerce.number().int().min(100).default(60000),
    /** Tests only (refused in production): a file holding the ISO instant the morning pass takes as "now". */
    MORNING_TEST_CLOCK_FILE: optional
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
    if (config.AZURE_STORAGE_ACCOUNT_URL && config.AZURE_STORAGE_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['AZURE_STORAGE_ACCOUNT_URL'], message: 'and AZURE_STORAGE_CONNECTION_STRING are both set: set one of them' });
    }
    if (config.LINKEDIN_PUSH_KEY && !config.LINKEDIN_TENANT_ID && !config.BOT_TENANT_ID) {
      ctx.addIssue({ code: 'custom', path: ['LINKEDIN_TENANT_ID'], message: 'is required with LINKEDIN_PUSH_KEY (or set BOT_TENANT_ID)' });
    }
    if (config.SETTINGS_ENCRYPTION_KEY_PREVIOUS && !config.SETTINGS_ENCRYPTION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SETTINGS_ENCRYPTION_KEY'], message: 'is required with SETTINGS_ENCRYPTION_KEY_PREVIOUS (the new key to re-encrypt with)' });
    }
    if (Boolean(config.LINKEDIN_CLIENT_ID) !== Boolean(config.LINKEDIN_CLIENT_SECRET)) {
      ctx.addIssue({ code: 'custom', path: [config.LINKEDIN_CLIENT_ID ? 'LINKEDIN_CLIENT_SECRET' : 'LINKEDIN_CLIENT_ID'], message: 'is required with the other LinkedIn client credential' });
    }
  });

export type Config = z.infer<typeof configSchema>;

function isRegExp(source: string): boolean {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}

/** Who the bot serves, and which tenant the environment's settings belong to (see src/domain/tenancy.ts). */
export function tenancyOf(config: Config): TenancyPolicy {
  return { teamsOnly: Boolean(config.BOT_ID), allowedTenantIds: config.ALLOWED_TENANT_IDS, deploymentTenantId: deploymentTenant(config) };
}

/**
 * The environment's LinkedIn settings, for the tenant asking: the deployment's own tenant gets them all (identity,
 * ADMIN_AAD_IDS); any other tenant only the schedule's defaults, and configures itself on the settings card.
 */
export function settingsDefaults(config: Config): (tenantId: string) => SettingsDefaults {
  const tenancy = tenancyOf(config);
  const schedule = { buildTime: config.FEED_BUILD_TIME, timeZone: config.FEED_TIME_ZONE };
  const own: SettingsDefaults = {
    companyName: config.LINKEDIN_COMPANY_NAME,
    companyId: config.LINKEDIN_COMPANY_ID,
    publisher: config.LINKEDIN_PUBLISHER,
    publisherUrl: config.LINKEDIN_PUBLISHER_URL,
    posterEmail: config.LINKEDIN_POSTER_EMAIL,
    ...schedule,
    bootstrapAdmins: config.ADMIN_AAD_IDS
  };
  const others: SettingsDefaults = { ...schedule, bootstrapAdmins: [] };
  return (tenantId) => (envSettingsApplyTo(tenancy, tenantId) ? own : others);
}

/** ADMIN_AAD_IDS, for the tenant asking: admins of the deployment's own tenant only. */
export function bootstrapAdminsFor(config: Config): (tenantId: string) => readonly string[] {
  const tenancy = tenancyOf(config);
  return (tenantId) => (envSettingsApplyTo(tenancy, tenantId) ? config.ADMIN_AAD_IDS : []);
}

/** LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET, when both are set, for the deployment's own tenant only. */
export function envLinkedInCredentials(config: Config): (tenantId: string) => { clientId: string; clientSecret: string } | undefined {
  const tenancy = tenancyOf(config);
  const credentials =
    config.LINKEDIN_CLIENT_ID && config.LINKEDIN_CLIENT_SECRET ? { clientId: config.LINKEDIN_CLIENT_ID, clientSecret: config.LINKEDIN_CLIENT_SECRET } : undefined;
  return (tenantId) => (envSettingsApplyTo(tenancy, tenantId) ? credentials : undefined);
}

/**
 * The deployment's own Entra tenant: LINKEDIN_TENANT_ID, else BOT_TENANT_ID. Everything configured by environment
 * (ADMIN_AAD_IDS, LINKEDIN_FEED_TOKEN, the LinkedIn identity and credentials) belongs to it and to no other tenant.
 */
export function deploymentTenant(config: Config): string | undefined {
  return config.LINKEDIN_TENANT_ID ?? config.BOT_TENANT_ID;
}

/** The tenant whose LinkedIn callback URL carries LINKEDIN_PUSH_KEY (single-tenant deployment). */
export function linkedInPushTenant(config: Config): string | undefined {
  return deploymentTenant(config);
}

/**
 * Where the tables live. Exactly one is enough; production needs one of them (never embedded Azurite: two replicas
 * would each get their own, with their own leases and outbox).
 */
export const STORAGE_VARIABLES = ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_STORAGE_ACCOUNT_URL'] as const;

/** Variables NODE_ENV=production always needs (BOT_PASSWORD except with BOT_TYPE=UserAssignedMSI; one of STORAGE_VARIABLES). */
export const PRODUCTION_REQUIRED = ['BOT_ID', 'BOT_PASSWORD', 'PUBLIC_BASE_URL'] as const;

/** Environment settings that belong to the deployment's own tenant only (see deploymentTenant). */
export const DEPLOYMENT_TENANT_VARIABLES = [
  'ADMIN_AAD_IDS', 'LINKEDIN_FEED_TOKEN', 'LINKEDIN_COMPANY_NAME', 'LINKEDIN_COMPANY_ID', 'LINKEDIN_POSTER_EMAIL', 'LINKEDIN_PUBLISHER',
  'LINKEDIN_PUBLISHER_URL', 'LINKEDIN_CLIENT_ID', 'LINKEDIN_ORGANIZATION_ID', 'LINKEDIN_PUSH_KEY'
] as const;

export function isProduction(env: Record<string, string | undefined>): boolean {
  return env.NODE_ENV === 'production';
}

/**
 * What keeps a configuration from running in production, one phrase per variable: empty when it may start.
 * The deployment kit's tests check their templates with this too.
 */
export function productionProblems(config: Partial<Config>): string[] {
  const problems: string[] = [];
  const set = (name: string) => Boolean((config as Record<string, unknown>)[name]);
  if (!config.BOT_ID) problems.push('BOT_ID is required (the Azure Bot app id: without it anyone can post activities)');
  if (!config.BOT_PASSWORD && config.BOT_TYPE !== 'UserAssignedMSI') problems.push('BOT_PASSWORD is required (unless BOT_TYPE=UserAssignedMSI)');
  if (!STORAGE_VARIABLES.some(set)) problems.push(`${STORAGE_VARIABLES.join(' or ')} is required (embedded Azurite is for local runs only)`);
  if (config.MORNING_TEST_CLOCK_FILE) problems.push('MORNING_TEST_CLOCK_FILE must not be set (a test clock for the morning pass)');
  if (!config.PUBLIC_BASE_URL) problems.push('PUBLIC_BASE_URL is required (https)');
  else if (!/^https:\/\/[^/]/i.test(config.PUBLIC_BASE_URL)) problems.push('PUBLIC_BASE_URL must be https');
  const tenantScoped = DEPLOYMENT_TENANT_VARIABLES.filter((name) => {
    const value = (config as Record<string, unknown>)[name];
    return Array.isArray(value) ? value.length > 0 : typeof value === 'string' ? value.trim() !== '' : Boolean(value);
  });
  if (tenantScoped.length > 0 && !(config.LINKEDIN_TENANT_ID || config.BOT_TENANT_ID)) {
    problems.push(`BOT_TENANT_ID or LINKEDIN_TENANT_ID is required with ${tenantScoped.join(', ')} (they belong to the deployment's own tenant)`);
  }
  return problems;
}

export class ConfigError extends Error {
  constructor(readonly variable: string, readonly problem: string) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment; the first problem becomes one readable line naming the variable. With NODE_ENV=production
 * the line names every problem at once, the production requirements included, so one deploy fixes them all.
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const parsed = configSchema.safeParse(env);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? 'environment'), problem: issue.message === 'Required' ? 'is required' : issue.message }));
  if (!isProduction(env)) {
    if (parsed.success) return parsed.data;
    throw new ConfigError(issues[0].variable, issues[0].problem);
  }
  // An invalid configuration is checked as it was written, so that the one line names everything at once.
  const named = new Set(issues.map((issue) => issue.variable));
  const production = productionProblems(parsed.success ? parsed.data : (env as Partial<Config>)).filter((problem) => !named.has(problem.split(' ')[0]));
  const problems = [...issues.map(({ variable, problem }) => `${variable} ${problem}`), ...production];
  if (parsed.success && problems.length === 0) return parsed.data;
  throw new ProductionConfigError(problems);
}

export class ProductionConfigError extends ConfigError {
  constructor(readonly problems: string[]) {
    super('NODE_ENV=production', `refuses to start: ${problems.join('; ')}`);
  }
}
