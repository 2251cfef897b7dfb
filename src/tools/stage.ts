/**
 * `npm run stage -- <folder>`: a lean copy of the built app for production, the same files the Dockerfile copies
 * into its image, with production dependencies only (`npm ci --omit=dev`). The Agents Toolkit zip-deploys the folder
 * (m365agents.yml); a test starts it. Run `npm run build` first. Environment files (env/) are never copied: production
 * takes its settings from the platform.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** What the runtime needs, relative to the project root (the Dockerfile's runtime stage copies exactly these). */
export const RUNTIME_FILES = ['package.json', 'package-lock.json', 'dist/src', 'cards'];

export const PRODUCTION_INSTALL = ['ci', '--omit=dev', '--no-audit', '--no-fund'];

/** The project root (this file runs from dist/src/tools). */
const ROOT = join(__dirname, '..', '..', '..');

export interface StageOptions {
  root?: string;
  /** Extra npm arguments, e.g. --prefer-offline. */
  npmArgs?: string[];
  /** Where npm's output goes; default inherited. */
  stdio?: 'inherit' | 'pipe';
}

export function stage(target: string, options: StageOptions = {}): void {
  const root = options.root ?? ROOT;
  const folder = resolve(target);
  const project = resolve(root);
  if (folder === project || project.startsWith(folder + sep)) throw new Error('stage: the target must be a folder of its own, not the project or above it');
  if (existsSync(folder) && readdirSync(folder).length > 0 && !existsSync(join(folder, 'package.json'))) {
    throw new Error(`stage: ${folder} holds other files; give an empty folder or a previous stage`);
  }
  for (const file of RUNTIME_FILES) {
    if (!existsSync(join(root, file))) throw new Error(`stage: ${file} is missing (run npm run build first)`);
  }
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const file of RUNTIME_FILES) cpSync(join(root, file), join(folder, file), { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = spawnSync(npm, [...PRODUCTION_INSTALL, ...(options.npmArgs ?? [])], {
    cwd: folder,
    stdio: options.stdio ?? 'inherit',
    encoding: 'utf8',
    shell: process.platform === 'win32',
    env: { ...process.env, NODE_ENV: 'production' }
  });
  if (run.status !== 0) {
    throw new Error(`stage: npm ${PRODUCTION_INSTALL.join(' ')} failed (${run.status ?? run.signal})${run.stderr ? `\n${run.stderr.slice(-2000)}` : ''}`);
  }
}

if (require.main === module) {
  const target = process.argv[2];
  if (!target) {
    console.error('Usage: npm run stage -- <folder>   (e.g. .deploy)');
    process.exit(2);
  }
  try {
    stage(target);
    console.log(`staged ${readdirSync(resolve(target)).join(', ')} in ${resolve(target)}`);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
