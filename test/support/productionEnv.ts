import { parseConfig } from '../../src/config';

/**
 * What production mode (NODE_ENV=production) requires of the environment, as the deployment tests check it.
 * This is the one place to point at src/config.ts's own production check once it exports one
 * (for example `return productionProblems(parseConfig(env))`).
 */
export function productionEnvProblems(env: Record<string, string | undefined>): string[] {
  const config = parseConfig(env);
  const problems: string[] = [];
  if (env.NODE_ENV !== 'production') problems.push('NODE_ENV must be production');
  if (!config.BOT_ID) problems.push('BOT_ID is required');
  if (config.BOT_TYPE !== 'UserAssignedMSI' && !config.BOT_PASSWORD) problems.push('BOT_PASSWORD is required unless BOT_TYPE is UserAssignedMSI');
  if (!config.AZURE_STORAGE_ACCOUNT_URL && !config.AZURE_STORAGE_CONNECTION_STRING) {
    problems.push('AZURE_STORAGE_ACCOUNT_URL or AZURE_STORAGE_CONNECTION_STRING is required');
  }
  if (!config.PUBLIC_BASE_URL?.startsWith('https://')) problems.push('PUBLIC_BASE_URL must be an https URL');
  return problems;
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
