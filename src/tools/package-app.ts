import * as fs from 'node:fs';
import * as path from 'node:path';
import AdmZip from 'adm-zip';
import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import { fillPlaceholders, loadEnvFiles } from './envFiles';

// Compiled to dist/src/tools, so the project root is three levels up.
const ROOT = path.resolve(__dirname, '..', '..', '..');
const USAGE = 'Usage: node dist/src/tools/package-app.js [--env <name>]   (default: $TEAMSFX_ENV or "local")';

/** An expected failure: the CLI prints the message and details, without a stack trace. */
export class PackageError extends Error {
  constructor(message: string, readonly details: string[] = []) {
    super(message);
    this.name = 'PackageError';
  }
}

export interface BuildOptions {
  /** Placeholder values; when given, env files and process.env are not read. */
  vars?: Record<string, string>;
  envDir?: string;
  appPackageDir?: string;
  /** Where the zip is written; defaults to appPackage/build. */
  outDir?: string;
}

/** env/.env.<name>, then .env.<name>.user, then process.env (highest precedence). */
export function resolveVars(envName: string, envDir = path.join(ROOT, 'env')): Record<string, string> {
  const vars = loadEnvFiles(envName, envDir);
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) vars[key] = value;
  return vars;
}

/** Fills the manifest template; values are JSON-escaped because they are substituted into JSON text. */
export function fillManifest(template: string, vars: Record<string, string>): TeamsManifest {
  const escaped = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, JSON.stringify(v).slice(1, -1)]));
  const manifest = JSON.parse(fillPlaceholders(template, escaped)) as TeamsManifest;
  // An empty BOT_DOMAIN (e.g. before a tunnel exists) must not leave "" in validDomains.
  if (manifest.validDomains) manifest.validDomains = manifest.validDomains.filter((d) => d.trim() !== '');
  return manifest;
}

/** Validates against the schema bundled with @microsoft/app-manifest; never fetches from the network. */
export async function validateManifest(manifest: TeamsManifest): Promise<string[]> {
  const url = manifest.$schema ?? '';
  const m = /\/json-schemas\/(teams\/v[^/]+\/MicrosoftTeams\.schema\.json)$/.exec(url);
  const schemaFile = m && path.join(path.dirname(require.resolve('@microsoft/app-manifest')), 'json-schemas', m[1]);
  if (!schemaFile || !fs.existsSync(schemaFile)) {
    return [`$schema "${url}" is not a Teams schema bundled with @microsoft/app-manifest`];
  }
  const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as Parameters<typeof AppManifestUtils.validateAgainstSchema>[1];
  return AppManifestUtils.validateAgainstSchema(manifest, schema);
}

export interface PngInfo {
  width: number;
  height: number;
  colorType: number;
  hasAlpha: boolean;
}

export function readPngInfo(buf: Buffer): PngInfo {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (buf.length < 33 || !buf.subarray(0, 8).equals(signature) || buf.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG file');
  }
  const colorType = buf[25];
  let hasTrns = false;
  for (let off = 8; off + 8 <= buf.length; off += 12 + buf.readUInt32BE(off)) {
    if (buf.toString('latin1', off + 4, off + 8) === 'tRNS') hasTrns = true;
  }
  return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20), colorType, hasAlpha: colorType === 4 || colorType === 6 || hasTrns };
}

export function checkIcons(manifest: TeamsManifest, appPackageDir: string): string[] {
  const errors: string[] = [];
  const icons = [
    { file: manifest.icons.color, size: 192, kind: 'color' },
    { file: manifest.icons.outline, size: 32, kind: 'outline' },
  ];
  for (const { file, size, kind } of icons) {
    const full = path.join(appPackageDir, file);
    if (!fs.existsSync(full)) {
      errors.push(`${kind} icon ${file} not found in ${appPackageDir}`);
      continue;
    }
    try {
      const info = readPngInfo(fs.readFileSync(full));
      if (info.width !== size || info.height !== size) {
        errors.push(`${kind} icon ${file} is ${info.width}x${info.height}, expected ${size}x${size}`);
      }
      if (kind === 'outline' && !info.hasAlpha) errors.push(`outline icon ${file} must have a transparent background`);
    } catch (e) {
      errors.push(`${kind} icon ${file}: ${(e as Error).message}`);
    }
  }
  return errors;
}

export async function buildAppPackage(
  envName: string,
  options: BuildOptions = {},
): Promise<{ zipPath: string; manifest: TeamsManifest }> {
  if (!/^[\w.-]+$/.test(envName)) throw new PackageError(`Invalid environment name "${envName}"`);
  const appDir = options.appPackageDir ?? path.join(ROOT, 'appPackage');
  const vars = options.vars ?? resolveVars(envName, options.envDir);
  if (!vars.BOT_ID?.trim()) {
    throw new PackageError(
      `Packaging needs a BOT_ID (the Microsoft App ID of an Azure Bot registration). ` +
        `Set BOT_ID in env/.env.${envName} or in the environment; it may be left empty only for local Playground runs.`,
    );
  }
  let manifest: TeamsManifest;
  try {
    manifest = fillManifest(fs.readFileSync(path.join(appDir, 'manifest.json'), 'utf8'), vars);
  } catch (e) {
    throw new PackageError(`${path.join(appDir, 'manifest.json')}: ${(e as Error).message}`);
  }
  const errors = [...(await validateManifest(manifest)), ...checkIcons(manifest, appDir)];
  if (errors.length) throw new PackageError(`The app package for env "${envName}" is not valid:`, errors);

  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(JSON.stringify(manifest, null, 2) + '\n'));
  for (const icon of [manifest.icons.color, manifest.icons.outline]) {
    zip.addFile(icon, fs.readFileSync(path.join(appDir, icon)));
  }
  const outDir = options.outDir ?? path.join(appDir, 'build');
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, `appPackage.${envName}.zip`);
  zip.writeZip(zipPath);
  return { zipPath, manifest };
}

export function parseArgs(argv: string[], env = process.env): string {
  let envName = env.TEAMSFX_ENV || 'local';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env' && argv[i + 1]) envName = argv[++i];
    else if (arg.startsWith('--env=')) envName = arg.slice('--env='.length);
    else throw new PackageError(`Unexpected argument "${arg}". ${USAGE}`);
  }
  return envName;
}

async function main(): Promise<void> {
  const { zipPath } = await buildAppPackage(parseArgs(process.argv.slice(2)));
  console.log(zipPath);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    console.error(err.message);
    for (const d of err instanceof PackageError ? err.details : []) console.error(`  ${d.replace(/\s*\n\s*/g, ' ')}`);
    process.exitCode = 1;
  });
}
