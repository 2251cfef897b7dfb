import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, parseConfig } from '../src/config';

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

  it('SHUTDOWN_GRACE_MS: 10 s unless set; a number of milliseconds up to 5 minutes', () => {
    assert.equal(parseConfig({}).SHUTDOWN_GRACE_MS, 10_000);
    assert.equal(parseConfig({ SHUTDOWN_GRACE_MS: '' }).SHUTDOWN_GRACE_MS, 10_000);
    assert.equal(parseConfig({ SHUTDOWN_GRACE_MS: '2500' }).SHUTDOWN_GRACE_MS, 2500);
    assert.match(problem({ SHUTDOWN_GRACE_MS: 'soon' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
    assert.match(problem({ SHUTDOWN_GRACE_MS: '-1' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
    assert.match(problem({ SHUTDOWN_GRACE_MS: '600000' }), /^Configuration error: SHUTDOWN_GRACE_MS /);
  });
});
