import { z } from 'zod';

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
    MAX_BODY_BYTES: z.coerce.number().int().positive().default(256 * 1024)
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
  });

export type Config = z.infer<typeof configSchema>;

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
