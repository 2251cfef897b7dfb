import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import AdmZip from 'adm-zip';
import { fillPlaceholders, parseEnv, loadEnvFiles } from '../src/tools/envFiles';
import { buildAppPackage, fillManifest, PackageError, parseArgs, readPngInfo, validateManifest } from '../src/tools/package-app';
import { SHARE_JOB_COMMAND } from '../src/bot/handlers/shareJob';

// Compiled to dist/test, so the project root is two levels up.
const APP_DIR = path.resolve(__dirname, '..', '..', 'appPackage');
const SAMPLE = {
  TEAMS_APP_ID: '3f2c6a8e-1b4d-4c9a-9e7f-0a1b2c3d4e5f',
  BOT_ID: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  APP_NAME_SUFFIX: ' (test)',
  BOT_DOMAIN: 'bot.example.com',
};
const template = () => fs.readFileSync(path.join(APP_DIR, 'manifest.json'), 'utf8');

/** Decodes an 8-bit PNG with an alpha channel (colour type 4 or 6) into its alpha values. */
function alphaValues(buf: Buffer): number[] {
  const { width, height, colorType } = readPngInfo(buf);
  assert.equal(buf[24], 8, 'bit depth 8');
  const channels = colorType === 6 ? 4 : 2;
  const idat: Buffer[] = [];
  for (let off = 8; off < buf.length; off += 12 + buf.readUInt32BE(off)) {
    if (buf.toString('latin1', off + 4, off + 8) === 'IDAT') idat.push(buf.subarray(off + 8, off + 8 + buf.readUInt32BE(off)));
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  let prev = Buffer.alloc(stride);
  const alphas: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      line[i] += [0, a, b, (a + b) >> 1, paeth][filter];
    }
    for (let x = 0; x < width; x++) alphas.push(line[x * channels + channels - 1]);
    prev = line;
  }
  return alphas;
}

describe('Teams app manifest', () => {
  it('fills and validates against the bundled schema', async () => {
    const manifest = fillManifest(template(), SAMPLE);
    assert.equal(manifest.id, SAMPLE.TEAMS_APP_ID);
    assert.equal(manifest.bots?.[0].botId, SAMPLE.BOT_ID);
    assert.equal(manifest.name.short, 'LinkedIn Jobs (test)');
    assert.deepEqual(manifest.validDomains, ['bot.example.com']);
    assert.deepEqual(await validateManifest(manifest), []);
  });

  it('declares the bot scopes and commands', () => {
    type Bot = { scopes: string[]; supportsFiles?: boolean; isNotificationOnly?: boolean; commandLists?: { commands: { title: string }[] }[] };
    const bot = fillManifest(template(), SAMPLE).bots![0] as Bot;
    assert.deepEqual([...bot.scopes].sort(), ['groupChat', 'personal', 'team']);
    assert.equal(bot.supportsFiles, false);
    assert.equal(bot.isNotificationOnly, false);
    const titles = bot.commandLists!.flatMap((l) => l.commands.map((c) => c.title));
    for (const t of ['post job to LinkedIn', 'my jobs', 'help', 'settings']) assert.ok(titles.includes(t), t);
  });

  it('declares the "Share a job" search message extension on the bot, with one text parameter', () => {
    type Command = { id: string; type: string; initialRun?: boolean; parameters: { name: string; inputType?: string }[] };
    const filled = fillManifest(template(), SAMPLE) as { composeExtensions?: { botId: string; commands: Command[] }[]; bots?: { botId: string }[] };
    const extension = filled.composeExtensions?.[0];
    assert.ok(extension, 'composeExtensions is declared');
    assert.equal(extension.botId, filled.bots![0].botId);
    const command = extension.commands.find((c) => c.id === SHARE_JOB_COMMAND);
    assert.ok(command, `the ${SHARE_JOB_COMMAND} command the bot handles`);
    assert.equal(command.type, 'query');
    assert.equal(command.initialRun, true);
    assert.deepEqual(command.parameters.map((p) => [p.name, p.inputType]), [['query', 'text']]);
  });

  it('reports schema violations', async () => {
    const manifest = fillManifest(template(), { ...SAMPLE, APP_NAME_SUFFIX: ' with a name far too long for Teams' });
    const errors = await validateManifest(manifest);
    assert.ok(errors.some((e) => /short/.test(e)), errors.join('\n'));
  });

  it('drops an empty BOT_DOMAIN from validDomains', () => {
    assert.deepEqual(fillManifest(template(), { ...SAMPLE, BOT_DOMAIN: '' }).validDomains, []);
  });

  it('names every missing placeholder', () => {
    assert.throws(() => fillPlaceholders('${{A}} ${{ B }} ${{A}} ${{C}}', { C: '' }), /placeholder\(s\): A, B$/);
    const { TEAMS_APP_ID: _omit, ...rest } = SAMPLE;
    assert.throws(() => fillManifest(template(), rest), /TEAMS_APP_ID/);
  });

  it('has icons of the right size, with a transparent outline', () => {
    const color = readPngInfo(fs.readFileSync(path.join(APP_DIR, 'color.png')));
    assert.deepEqual([color.width, color.height], [192, 192]);
    const outlineBuf = fs.readFileSync(path.join(APP_DIR, 'outline.png'));
    const outline = readPngInfo(outlineBuf);
    assert.deepEqual([outline.width, outline.height], [32, 32]);
    assert.ok([4, 6].includes(outline.colorType), 'outline has an alpha channel');
    const alphas = alphaValues(outlineBuf);
    assert.ok(alphas.includes(0), 'outline has fully transparent pixels');
    assert.ok(alphas.includes(255), 'outline has an opaque glyph');
  });
});

describe('buildAppPackage', () => {
  let outDir: string;
  beforeEach(() => (outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'apppkg-'))));
  afterEach(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('writes a zip with manifest.json and both icons at the root', async () => {
    const { zipPath, manifest } = await buildAppPackage('test', { vars: SAMPLE, outDir });
    assert.equal(zipPath, path.join(outDir, 'appPackage.test.zip'));
    const zip = new AdmZip(zipPath);
    assert.deepEqual(zip.getEntries().map((e) => e.entryName).sort(), ['color.png', 'manifest.json', 'outline.png']);
    assert.deepEqual(JSON.parse(zip.readAsText('manifest.json')), manifest);
    assert.ok(!zip.readAsText('manifest.json').includes('${{'));
  });

  it('refuses to package without a BOT_ID', async () => {
    await assert.rejects(buildAppPackage('test', { vars: { ...SAMPLE, BOT_ID: '' }, outDir }), (e: Error) => {
      assert.ok(e instanceof PackageError);
      assert.match(e.message, /needs a BOT_ID.*Azure Bot/);
      return true;
    });
    assert.deepEqual(fs.readdirSync(outDir), []);
  });

  it('reports each validation error', async () => {
    await assert.rejects(buildAppPackage('test', { vars: { ...SAMPLE, TEAMS_APP_ID: 'not-a-guid' }, outDir }), (e: Error) => {
      assert.ok(e instanceof PackageError && e.details.length > 0, String(e));
      return true;
    });
  });
});

describe('env files', () => {
  it('parses dotenv syntax', () => {
    const text = '# comment\nA=1\nexport B = "two # not a comment"\nC=\'3\'\nD=4 # trailing\nE=\n\nnot a line\n';
    assert.deepEqual(parseEnv(text), { A: '1', B: 'two # not a comment', C: '3', D: '4', E: '' });
  });

  it('lets .env.<name>.user override .env.<name>', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envfiles-'));
    try {
      fs.writeFileSync(path.join(dir, '.env.dev'), 'A=base\nB=base\n');
      fs.writeFileSync(path.join(dir, '.env.dev.user'), 'B=user\n');
      assert.deepEqual(loadEnvFiles('dev', dir), { A: 'base', B: 'user' });
      assert.throws(() => loadEnvFiles('missing', dir), /\.env\.missing not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('picks the env from --env, then TEAMSFX_ENV, then "local"', () => {
    assert.equal(parseArgs([], {}), 'local');
    assert.equal(parseArgs([], { TEAMSFX_ENV: 'dev' }), 'dev');
    assert.equal(parseArgs(['--env', 'prod'], { TEAMSFX_ENV: 'dev' }), 'prod');
    assert.equal(parseArgs(['--env=prod'], {}), 'prod');
    assert.throws(() => parseArgs(['--bogus'], {}), PackageError);
  });
});
