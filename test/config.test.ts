import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, PRODUCTION_REQUIRED, STORAGE_VARIABLES, parseConfig, productionProblems } from '../src/config';

const INDEX = join(__dirname, '..', 'src', 'index.js');

function problem(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a configuration error');
}

describe('configuration', () => {
  it('runs locally with nothing set', () => {
    const config = parseConfig({});
    assert.equal(config.PORT, 3978);
    assert.equal(config.BOT_ID, undefined);
    assert.equal(config.BOT_TYPE, 'MultiTenant');
    assert.equal(config.DATA_DIR, '.data');
  });

  it('names the variable and what is wrong', () => {
    assert.equal(problem({ BOT_ID: 'my-bot' }), 'Configuration error: BOT_ID must be the Azure Bot app id (a GUID)');
    assert.match(problem({ PORT: 'eighty' }), /^Configuration error: PORT /);
    assert.equal(
      problem({ BOT_ID: '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21', BOT_PASSWORD: 'x', BOT_TYPE: 'SingleTenant' }),
      'Configuration error: BOT_TENANT_ID is required when BOT_TYPE is SingleTenant'
    );
    assert.equal(problem({ BOT_ID: '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21' }), 'Configuration error: BOT_PASSWORD is required when BOT_ID is set');
    assert.match(problem({ AZURE_STORAGE_CONNECTION_STRING: 'hello' }), /AZURE_STORAGE_CONNECTION_STRING must be an Azure Storage connection string/);
  });

  it('a bad value stops the process at start with one clear line, no stack trace', () => {
    const run = spawnSync(process.execPath, ['--disable-warning=DEP0111', INDEX], { env: { ...process.env, BOT_ID: 'not-a-guid' }, encoding: 'utf8', timeout: 20000 });
    assert.equal(run.status, 1);
    assert.equal(run.stderr.trim(), 'Configuration error: BOT_ID must be the Azure Bot app id (a GUID)');
  });

  describe('NODE_ENV=production fails closed', () => {
    const BOT = '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21';
    const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    const SAFE = {
      NODE_ENV: 'production',
      BOT_ID: BOT,
      BOT_PASSWORD: 'client-secret',
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: TENANT,
      AZURE_STORAGE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      PUBLIC_BASE_URL: 'https://bot.contoso.com'
    };
    const without = (...names: string[]) => Object.fromEntries(Object.entries(SAFE).filter(([name]) => !names.includes(name)));

    it('starts with a safe configuration, and the same settings pass the exported check', () => {
      const config = parseConfig(SAFE);
      assert.deepEqual(productionProblems(config), []);
      assert.deepEqual([...PRODUCTION_REQUIRED], ['BOT_ID', 'BOT_PASSWORD', 'PUBLIC_BASE_URL']);
      assert.ok(STORAGE_VARIABLES.includes('AZURE_STORAGE_CONNECTION_STRING'));
    });

    it('names every missing variable in one line', () => {
      const line = problem({ NODE_ENV: 'production' });
      assert.equal(line.split('\n').length, 1);
      assert.match(line, /^Configuration error: NODE_ENV=production refuses to start: /);
      for (const name of ['BOT_ID', 'BOT_PASSWORD', 'AZURE_STORAGE_CONNECTION_STRING', 'PUBLIC_BASE_URL']) assert.match(line, new RegExp(name), `${name}: ${line}`);
    });

    it('names unsafe values next to the schema problems, each once', () => {
      const line = problem({ ...without('BOT_PASSWORD', 'AZURE_STORAGE_CONNECTION_STRING'), PUBLIC_BASE_URL: 'http://bot.contoso.com' });
      assert.match(line, /BOT_PASSWORD is required when BOT_ID is set/);
      assert.equal(line.match(/BOT_PASSWORD/g)?.length, 1, line);
      assert.match(line, /AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL is required/);
      assert.match(line, /PUBLIC_BASE_URL must be https/);
    });

    it('a managed identity needs no password; settings of the deployment tenant need that tenant', () => {
      assert.deepEqual(productionProblems(parseConfig({ ...without('BOT_PASSWORD', 'BOT_TENANT_ID'), BOT_TYPE: 'UserAssignedMSI' })), []);
      const line = problem({ ...without('BOT_TENANT_ID'), BOT_TYPE: 'MultiTenant', ADMIN_AAD_IDS: 'aad-1' });
      assert.match(line, /BOT_TENANT_ID or LINKEDIN_TENANT_ID is required with ADMIN_AAD_IDS/);
    });

    it('without NODE_ENV the local defaults stay friendly', () => {
      assert.doesNotThrow(() => parseConfig({}));
      assert.doesNotThrow(() => parseConfig({ NODE_ENV: 'development' }));
    });

    it('the process refuses to start with one line, and reads no env/ files in production', () => {
      const dir = mkdtempSync(join(tmpdir(), 'prod-config-'));
      try {
        mkdirSync(join(dir, 'env'));
        // A stray env file would have completed the configuration; production must not read it.
        writeFileSync(join(dir, 'env', '.env.local'), 'PUBLIC_BASE_URL=https://from-a-file.example.com\nNODE_ENV=development\n');
        const env: Record<string, string> = { PATH: process.env.PATH ?? '', ...without('PUBLIC_BASE_URL'), DATA_DIR: join(dir, 'data') };
        const run = spawnSync(process.execPath, ['--disable-warning=DEP0111', INDEX], { cwd: dir, env, encoding: 'utf8', timeout: 20000 });
        assert.equal(run.status, 1, run.stderr);
        assert.equal(run.stderr.trim(), 'Configuration error: NODE_ENV=production refuses to start: PUBLIC_BASE_URL is required (https)');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
    });

  it('SHUTDOWN_GRACE_MS: 10 s unless set; a number of milliseconds up to 5 minutes', () => {
    assert.equal(parseConfig({}).SHUTDOWN_GRACE_MS, 10_000);
    assert.equal(parseConfig({ SHUTDOWN_GRACE_MS: '' }).SHUTDOWN_GRACE_MS, 10_000);
    assert.equal(parseConfig({ SHUTDOWN_GRACE_MS: '2500' }).SHUTDOWN_GRACE_MS, 2500);
    assert.match(problem({ SHUTDOWN_GRACE_MS: 'soon' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
    assert.match(problem({ SHUTDOWN_GRACE_MS: '-1' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
    assert.match(problem({ SHUTDOWN_GRACE_MS: '600000' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
  });
});
