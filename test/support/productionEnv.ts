import { ProductionConfigError, parseConfig } from '../../src/config';

/** What production mode (NODE_ENV=production) finds missing or unsafe in an environment: src/config.ts's own check. */
export function productionEnvProblems(env: Record<string, string | undefined>): string[] {
  if (env.NODE_ENV !== 'production') return ['NODE_ENV must be production'];
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ProductionConfigError) return error.problems;
    throw error;
  }
}

/** Settings that are secrets: in a deployment they may only come from Key Vault (or a platform secret store). */
export const SECRET_SETTINGS = [
  'BOT_PASSWORD',
  'SETTINGS_ENCRYPTION_KEY',
  'LINKEDIN_CLIENT_SECRET',
  'LINKEDIN_PUSH_KEY',
  'LINKEDIN_FEED_TOKEN',
  'AZURE_STORAGE_CONNECTION_STRING'
];
