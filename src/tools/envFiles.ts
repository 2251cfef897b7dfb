import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseEnv as parseDotenv } from 'node:util';

/**
 * Dotenv text as the Agents Toolkit reads it (it uses the dotenv package): KEY=VALUE lines, `#` comments, optional
 * `export `, single, double or backtick quotes (double quotes may span lines). Node's own parser follows the same rules.
 */
export function parseEnv(text: string): Record<string, string> {
  return { ...parseDotenv(text) } as Record<string, string>;
}

/** Reads `<dir>/.env.<envName>` (required) then `<dir>/.env.<envName>.user` (optional); later files win. */
export function loadEnvFiles(envName: string, dir = 'env'): Record<string, string> {
  const base = path.join(dir, `.env.${envName}`);
  if (!fs.existsSync(base)) throw new Error(`Environment file ${base} not found`);
  const vars = parseEnv(fs.readFileSync(base, 'utf8'));
  const user = `${base}.user`;
  if (fs.existsSync(user)) Object.assign(vars, parseEnv(fs.readFileSync(user, 'utf8')));
  return vars;
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces every `${{NAME}}` with vars[NAME]; an empty string is a valid value, an absent key is not. */
export function fillPlaceholders(text: string, vars: Record<string, string>): string {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(vars, name) ? vars[name] : undefined;
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  if (missing.size) throw new Error(`Missing value for placeholder(s): ${[...missing].join(', ')}`);
  return out;
}
