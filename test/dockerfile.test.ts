import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRODUCTION_INSTALL, RUNTIME_FILES, stage as stageApp } from '../src/tools/stage';

// No image can be built here: these check the Dockerfile's text; test/integration/productionStage.test.ts runs its steps.
const ROOT = join(__dirname, '..', '..');
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');

function stage(name: string): string[] {
  const stages = dockerfile.split(/^(?=FROM )/m).filter((s) => s.startsWith('FROM '));
  const found = stages.find((s) => new RegExp(`^FROM \\S+ AS ${name}\\s*$`, 'm').test(s));
  assert.ok(found, `stage ${name}`);
  return found.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

describe('Dockerfile', () => {
  const runtime = stage('runtime');

  it('is multi-stage: built with the dev dependencies, run on Node 20 with production dependencies only', () => {
    assert.match(stage('build')[0], /^FROM node:20[-\w.]* AS build$/);
    assert.match(runtime[0], /^FROM node:20[-\w.]* AS runtime$/);
    assert.ok(runtime.some((l) => l.startsWith('RUN ') && l.includes(`npm ${PRODUCTION_INSTALL.join(' ')}`)), 'npm ci --omit=dev');
    assert.ok(!runtime.some((l) => /^COPY .*node_modules/.test(l)), 'no node_modules copied from the build');
  });

  it('copies exactly the files npm run stage copies (the staging test runs those)', () => {
    const copied = runtime
      .filter((l) => l.startsWith('COPY '))
      .flatMap((l) => l.replace(/^COPY (--\S+ )*/, '').split(/\s+/).slice(0, -1))
      .map((source) => source.replace(/^\/app\//, ''));
    assert.deepEqual(copied.sort(), [...RUNTIME_FILES].sort());
    assert.ok(!copied.some((f) => f.startsWith('env')), 'no environment files in the image');
  });

  it('runs as a non-root user in production mode, with a health check on /livez', () => {
    assert.ok(runtime.includes('ENV NODE_ENV=production'));
    const user = runtime.filter((l) => l.startsWith('USER ')).pop();
    assert.ok(user && !/^USER (root|0)(:|$)/.test(user), 'last USER is not root');
    assert.ok(runtime.indexOf(user) > runtime.findIndex((l) => l.startsWith('RUN ')), 'USER after the install');
    assert.match(runtime.find((l) => l.startsWith('HEALTHCHECK ')) ?? '', /\/livez/);
    assert.match(runtime[runtime.length - 1], /^CMD \["node", "--disable-warning=DEP0111", "dist\/src\/index\.js"\]$/);
  });

  it('.dockerignore keeps local state and secrets out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', '.data', 'env', '.git']) assert.ok(ignored.includes(entry), entry);
  });

  it('npm run stage never wipes the project, a folder above it, or a folder of other files', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'stage-guard-'));
    try {
      const project = join(scratch, 'project');
      mkdirSync(project);
      writeFileSync(join(scratch, 'notes.txt'), 'keep me');
      assert.throws(() => stageApp(project, { root: project }), /not the project or above it/);
      assert.throws(() => stageApp(scratch, { root: project }), /not the project or above it/);
      const other = join(scratch, 'other');
      mkdirSync(other);
      writeFileSync(join(other, 'photo.jpg'), 'x');
      assert.throws(() => stageApp(other, { root: project }), /holds other files/);
      assert.equal(readFileSync(join(other, 'photo.jpg'), 'utf8'), 'x');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
