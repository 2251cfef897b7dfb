import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../src/config';
import { SECRET_SETTINGS, productionEnvProblems } from './support/productionEnv';

// No Bicep compiler runs here: these tests read infra/azure.bicep as text and check what the app will be given.
const ROOT = join(__dirname, '..', '..');
const bicep = readFileSync(join(ROOT, 'infra', 'azure.bicep'), 'utf8');
const parameters = (JSON.parse(readFileSync(join(ROOT, 'infra', 'azure.parameters.json'), 'utf8')) as { parameters: Record<string, { value: string }> }).parameters;

interface Setting {
  name: string;
  raw: string;
  /** The condition of the `cond ? {} : { ... }` part it sits in, if any. */
  when?: string;
}

/** A top-level `resource` block (up to the next top-level declaration). */
function resourceBlock(symbol: string): string {
  const start = bicep.search(new RegExp(`^resource ${symbol} `, 'm'));
  assert.ok(start >= 0, `resource ${symbol}`);
  const rest = bicep.slice(start + 1);
  const end = rest.search(/^(resource|output|var|param|module) /m);
  return bicep.slice(start, end < 0 ? undefined : start + 1 + end);
}

function resourcesOfType(type: string): { symbol: string; block: string }[] {
  return [...bicep.matchAll(new RegExp(`^resource (\\w+) '${type.replace(/\//g, '\\/')}@`, 'gm'))].map((m) => ({ symbol: m[1], block: resourceBlock(m[1]) }));
}

function appSettings(): Setting[] {
  const [config] = resourcesOfType('Microsoft.Web/sites/config');
  assert.ok(config && /name: 'appsettings'/.test(config.block));
  const settings: Setting[] = [];
  let when: string | undefined;
  for (const line of config.block.split('\n')) {
    const conditional = /^\s*(.+?)\s*\?\s*\{\}\s*:\s*\{\s*$/.exec(line);
    if (conditional) when = conditional[1];
    else if (/^\s*\}/.test(line)) when = undefined;
    const setting = /^\s+([A-Z][A-Z0-9_]+):\s*(.+?)\s*$/.exec(line);
    if (setting) settings.push({ name: setting[1], raw: setting[2], when });
  }
  return settings;
}

const KEY_VAULT_REFERENCE = /^'\$\{keyVaultReference\}(?:\$\{(\w+)\.name\}|([a-z0-9-]+))\)'$/;

/** A value of the right shape for each expression the template sets, as Azure would fill it in. */
const SAMPLE_VALUES: Record<string, string> = {
  'identity.properties.clientId': '6f1e3c1a-2b7d-4c55-9a43-2f8f0b1d7e21',
  'identity.properties.tenantId': '72f988bf-86f1-41af-91ab-2d7cd011db47',
  'storage.properties.primaryEndpoints.table': 'https://ljobsabc.table.core.windows.net/',
  "'https://${webApp.properties.defaultHostName}'": 'https://ljobsabc.azurewebsites.net',
  'appInsights.properties.ConnectionString': 'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
  adminAadIds: '',
  linkedInClientId: 'li-client'
};
const SAMPLE_SECRETS: Record<string, string> = {
  SETTINGS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  LINKEDIN_CLIENT_SECRET: 'li-secret',
  LINKEDIN_PUSH_KEY: 'push-key-0123456789abcdefghij'
};

/** The environment App Service gives the app, with Key Vault references resolved to sample secrets. */
function environment(settings: Setting[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { name, raw } of settings) {
    if (KEY_VAULT_REFERENCE.test(raw)) env[name] = SAMPLE_SECRETS[name];
    else if (/^'[^']*'$/.test(raw) && !raw.includes('${')) env[name] = raw.slice(1, -1);
    else if (raw in SAMPLE_VALUES) env[name] = SAMPLE_VALUES[raw];
    else assert.fail(`${name}: no sample value for ${raw}; add one to SAMPLE_VALUES`);
  }
  return env;
}

function secureParams(): string[] {
  return [...bicep.matchAll(/^@secure\(\)\n(?:@.*\n)*param (\w+) /gm)].map((m) => m[1]);
}

describe('infra/azure.bicep', () => {
  const settings = appSettings();

  it('sets every variable production mode requires, and the app accepts what it sets (with and without the optional secrets)', () => {
    const everything = environment(settings);
    const required = environment(settings.filter((s) => !s.when));
    for (const env of [everything, required]) {
      assert.deepEqual(productionEnvProblems(env), []);
      assert.doesNotThrow(() => parseConfig(env));
    }
    assert.equal(everything.NODE_ENV, 'production');
    assert.equal(everything.BOT_TYPE, 'UserAssignedMSI');
    assert.ok(everything.AZURE_STORAGE_ACCOUNT_URL && !everything.AZURE_STORAGE_CONNECTION_STRING);
  });

  it('sets no secret in plain text: secrets are Key Vault references to secrets the template stores', () => {
    const vaultSecrets = resourcesOfType('Microsoft.KeyVault/vaults/secrets').map((r) => ({ symbol: r.symbol, name: /name: '([^']+)'/.exec(r.block)?.[1] }));
    for (const setting of settings.filter((s) => SECRET_SETTINGS.includes(s.name))) {
      const reference = KEY_VAULT_REFERENCE.exec(setting.raw);
      assert.ok(reference, `${setting.name} must be a Key Vault reference, not ${setting.raw}`);
      const secret = reference[1] ? vaultSecrets.find((s) => s.symbol === reference[1]) : vaultSecrets.find((s) => s.name === reference[2]);
      assert.ok(secret, `${setting.name} refers to a secret the template creates`);
    }
    assert.deepEqual(
      settings.filter((s) => KEY_VAULT_REFERENCE.test(s.raw)).map((s) => s.name).sort(),
      ['LINKEDIN_CLIENT_SECRET', 'LINKEDIN_PUSH_KEY', 'SETTINGS_ENCRYPTION_KEY']
    );
    assert.match(bicep, /^var keyVaultReference = '@Microsoft\.KeyVault\(VaultName=\$\{vault\.name\};SecretName='$/m);
    assert.match(resourceBlock('webApp'), /keyVaultReferenceIdentity: identity\.id/);
    // No key is ever read or handed out.
    assert.doesNotMatch(bicep, /listKeys|listConnectionStrings|AccountKey|SharedAccessSignature/i);
    assert.ok(!settings.some((s) => s.name === 'BOT_PASSWORD'), 'a managed-identity bot has no password');
  });

  it('secure parameters go only into Key Vault, and the parameters file takes them from SECRET_ variables', () => {
    const secure = secureParams();
    assert.deepEqual(secure.sort(), ['linkedInClientSecret', 'linkedInPushKey', 'settingsEncryptionKey']);
    const vaultBlocks = resourcesOfType('Microsoft.KeyVault/vaults/secrets').map((r) => r.block);
    for (const param of secure) {
      const uses = bicep.split('\n').filter((line) => new RegExp(`\\b${param}\\b`).test(line) && !/^(param |@|\s*\/\/)/.test(line));
      for (const line of uses) {
        const inVault = /^\s+value: \w+$/.test(line) && vaultBlocks.some((block) => block.includes(line));
        assert.ok(inVault || new RegExp(`empty\\(${param}\\)`).test(line), `${param} used outside Key Vault: ${line.trim()}`);
      }
      assert.match(parameters[param]?.value ?? '', /^\$\{\{SECRET_[A-Z0-9_]+\}\}$/, `${param} comes from a SECRET_ variable`);
    }
    for (const [name, { value }] of Object.entries(parameters)) {
      if (!secure.includes(name)) assert.doesNotMatch(value, /SECRET_/, `${name} is not a secure parameter`);
    }
  });

  it('the parameters file and the template agree', () => {
    const declared = [...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => ({ name: m[1], optional: Boolean(m[2]) }));
    for (const name of Object.keys(parameters)) assert.ok(declared.some((p) => p.name === name), `${name} is a template parameter`);
    for (const p of declared.filter((d) => !d.optional)) assert.ok(p.name in parameters, `${p.name} has a value`);
  });

  it('storage: Table access through the app\'s managed identity only', () => {
    const storage = resourceBlock('storage');
    assert.match(storage, /allowSharedKeyAccess: false/);
    assert.match(bicep, /var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'/);
    const access = resourceBlock('storageTableAccess');
    assert.match(access, /scope: storage\n/);
    assert.match(access, /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', storageTableDataContributor\)/);
    assert.match(access, /principalId: identity\.properties\.principalId/);
    assert.match(resourceBlock('vaultSecretsAccess'), /principalId: identity\.properties\.principalId/);
    const byName = Object.fromEntries(settings.map((s) => [s.name, s.raw]));
    assert.equal(byName.AZURE_CLIENT_ID, 'identity.properties.clientId', 'DefaultAzureCredential picks the user-assigned identity');
    assert.equal(byName.AZURE_STORAGE_ACCOUNT_URL, 'storage.properties.primaryEndpoints.table');
  });

  it('App Service: Linux, Node 20, health check on /readyz, runs the staged package', () => {
    const plan = resourceBlock('serverfarm');
    assert.match(plan, /kind: 'linux'/);
    assert.match(plan, /reserved: true/);
    const site = resourceBlock('webApp');
    assert.match(site, /kind: 'app,linux'/);
    assert.match(site, /linuxFxVersion: 'NODE\|20-lts'/);
    assert.match(site, /healthCheckPath: '\/readyz'/);
    assert.match(site, /httpsOnly: true/);
    assert.match(site, /appCommandLine: 'node --disable-warning=DEP0111 dist\/src\/index\.js'/);
    assert.match(site, /'\$\{identity\.id\}': \{\}/);
  });

  it('Azure Bot: the managed identity as its app, messages to the App Service, Teams channel; Application Insights', () => {
    const bot = resourceBlock('bot');
    assert.match(bot, /msaAppType: 'UserAssignedMSI'/);
    assert.match(bot, /msaAppId: identity\.properties\.clientId/);
    assert.match(bot, /msaAppMSIResourceId: identity\.id/);
    assert.match(bot, /endpoint: 'https:\/\/\$\{webApp\.properties\.defaultHostName\}\/api\/messages'/);
    assert.match(resourceBlock('teamsChannel'), /channelName: 'MsTeamsChannel'/);
    assert.match(resourceBlock('appInsights'), /Microsoft\.Insights\/components@/);
    assert.equal(settings.find((s) => s.name === 'APPLICATIONINSIGHTS_CONNECTION_STRING')?.raw, 'appInsights.properties.ConnectionString');
  });
});
