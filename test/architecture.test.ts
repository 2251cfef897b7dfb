import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports, static or dynamic, as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)];
  return found.map((match) => match[1]);
}

const inSrc = (file: string) => relative(SRC, file).split('\\').join('/');

describe('architecture: imports run one way', () => {
  it('storage/ and notifications/ import nothing from bot/ or feed/ (shared types live in shared/types.ts)', () => {
    const offenders = ['storage', 'notifications'].flatMap((folder) =>
      sourceFiles(join(SRC, folder)).flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^\.\.\/(bot|feed)(\/|$)/.test(spec) || /\/(bot|feed)\//.test(spec))
          .map((spec) => `${inSrc(file)} imports ${spec}`)
      )
    );
    assert.deepEqual(offenders, []);
  });

  it('only src/teams/ imports the Teams SDK (botbuilder, @microsoft/teams-ai)', () => {
    const offenders = sourceFiles(SRC)
      .filter((file) => !inSrc(file).startsWith('teams/'))
      .flatMap((file) =>
        importsOf(file)
          .filter((spec) => /^(botbuilder|@microsoft\/teams-ai)(\/|$)|^botbuilder-/.test(spec))
          .map((spec) => `${inSrc(file)} imports ${spec}`)
      );
    assert.deepEqual(offenders, []);
  });

  it('the checks see the imports they are meant to catch', () => {
    const teamsImports = sourceFiles(join(SRC, 'teams')).flatMap(importsOf);
    assert.ok(teamsImports.includes('botbuilder') && teamsImports.includes('@microsoft/teams-ai'));
    assert.ok(sourceFiles(join(SRC, 'notifications')).flatMap(importsOf).includes('../shared/types'));
  });
});
