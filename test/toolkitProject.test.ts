import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { parseEnv } from '../src/tools/envFiles';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const schema = JSON.parse(read('test/schemas/m365agents.yaml.schema.v1.8.json')) as object;
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

interface Step {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface Project {
  version: string;
  provision?: Step[];
  deploy?: Step[];
  publish?: Step[];
}

function project(file: string): Project {
  return parse(read(file)) as Project;
}

function schemaErrors(document: unknown): string[] {
  return validate(document) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]);
}

/** Outputs of infra/azure.bicep, which arm/deploy writes to the environment file. */
function bicepOutputs(): string[] {
  return [...read('infra/azure.bicep').matchAll(/^output (\w+) /gm)].map((m) => m[1]);
}

describe('Agents Toolkit project', () => {
  for (const file of ['m365agents.yml', 'm365agents.local.yml']) {
    it(`${file} is valid against the Toolkit's stored v1.8 schema`, () => {
      const document = project(file);
      assert.equal(document.version, 'v1.8');
      assert.deepEqual(schemaErrors(document), []);
      assert.match(read(file), /^# yaml-language-server: \$schema=https:\/\/aka\.ms\/teams-toolkit\/v1\.8\/yaml\.schema\.json/);
    });
  }

  it('the stored schema really rejects a broken project (a misspelled action, a missing parameter)', () => {
    assert.notDeepEqual(schemaErrors({ version: 'v1.8', provision: [{ uses: 'teamsApp/creat', with: { name: 'x' } }] }), []);
    assert.notDeepEqual(schemaErrors({ version: 'v1.8', deploy: [{ uses: 'azureAppService/zipDeploy', with: { artifactFolder: '.' } }] }), []);
    assert.notDeepEqual(schemaErrors({ version: 'v1.7' }), []);
  });

  it('provision: Teams app, Azure resources (with the bot identity), manifest validated and packaged, Teams app updated', () => {
    const steps = project('m365agents.yml').provision ?? [];
    assert.deepEqual(
      steps.map((s) => s.uses),
      ['teamsApp/create', 'arm/deploy', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/validateAppPackage', 'teamsApp/update']
    );
    const templates = (steps[1].with as { templates: { path: string; parameters: string }[] }).templates;
    assert.deepEqual(templates.map((t) => [t.path, t.parameters]), [['./infra/azure.bicep', './infra/azure.parameters.json']]);
    for (const t of templates) {
      assert.ok(existsSync(join(ROOT, t.path)), t.path);
      assert.ok(existsSync(join(ROOT, t.parameters)), t.parameters);
    }
    assert.ok(existsSync(join(ROOT, String(steps[2].with?.manifestPath))));
    // The zip that is validated and applied is the one just built.
    const zip = steps[3].with?.outputZipPath;
    assert.equal(steps[4].with?.appPackagePath, zip);
    assert.equal(steps[5].with?.appPackagePath, zip);
  });

  it('every value the manifest and the project read is in env/.env.dev.sample or written by an earlier step', () => {
    const envFile = Object.keys(parseEnv(read('env/.env.dev.sample')));
    const toolkitBuiltIns = ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX', 'TEAMSFX_ENV'];
    const written = [
      ...(project('m365agents.yml').provision ?? []).flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {})),
      ...bicepOutputs()
    ];
    const secrets = Object.keys(parseEnv(read('env/.env.dev.user.sample')));
    const known = new Set([...envFile, ...toolkitBuiltIns, ...written, ...secrets]);
    const wanted = [...placeholders(read('m365agents.yml')), ...placeholders(read('appPackage/manifest.json')), ...placeholders(read('infra/azure.parameters.json'))];
    assert.deepEqual([...new Set(wanted.filter((name) => !known.has(name)))], []);
    for (const name of ['BOT_ID', 'BOT_DOMAIN', 'AZURE_APP_SERVICE_RESOURCE_ID']) assert.ok(bicepOutputs().includes(name), name);
    for (const name of secrets) assert.match(name, /^SECRET_/, 'the Toolkit keeps SECRET_ values out of logs');
  });

  it('deploy: build, stage the production files, zip-deploy that folder to the App Service', () => {
    const steps = project('m365agents.yml').deploy ?? [];
    assert.deepEqual(
      steps.map((s) => `${s.uses} ${String(s.with?.args ?? '')}`.trim()),
      ['cli/runNpmCommand ci --no-audit --no-fund', 'cli/runNpmCommand run build', 'cli/runNpmCommand run stage -- .deploy', 'azureAppService/zipDeploy']
    );
    assert.equal(steps[3].with?.artifactFolder, '.deploy');
    assert.equal(steps[3].with?.resourceId, '${{AZURE_APP_SERVICE_RESOURCE_ID}}');
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    assert.ok(scripts.stage, 'npm run stage exists');
    assert.match(read('.gitignore'), /^\.deploy\/$/m);
  });

  it('local: the Playground flow provisions nothing and builds the bot', () => {
    const local = project('m365agents.local.yml');
    assert.equal(local.provision, undefined);
    assert.deepEqual((local.deploy ?? []).map((s) => s.with?.args), ['install --no-audit --no-fund', 'run build']);
  });

  it('F5 starts the bot (no inbound auth) and the Agents Playground pointed at it', () => {
    const launch = JSON.parse(read('.vscode/launch.json')) as {
      configurations: { name: string; program: string; args?: string[]; env?: Record<string, string> }[];
      compounds: { name: string; configurations: string[]; preLaunchTask: string }[];
    };
    const tasks = JSON.parse(read('.vscode/tasks.json').replace(/^\s*\/\/.*$/gm, '')) as { tasks: { label: string; command?: string; args?: { env?: string } }[] };
    const labels = new Set(tasks.tasks.map((t) => t.label));
    const names = new Set(launch.configurations.map((c) => c.name));
    const compound = launch.compounds.find((c) => c.name === 'Debug in Microsoft 365 Agents Playground');
    assert.ok(compound);
    for (const c of launch.compounds) {
      for (const name of c.configurations) assert.ok(names.has(name), name);
      assert.ok(labels.has(c.preLaunchTask) || c.preLaunchTask === 'npm: build', c.preLaunchTask);
    }
    const [bot, playground] = compound.configurations.map((name) => launch.configurations.find((c) => c.name === name)!);
    assert.equal(bot.program, '${workspaceFolder}/dist/src/index.js');
    assert.equal(bot.env?.BOT_ID, '');
    assert.match(playground.program, /@microsoft\/m365agentsplayground\/cli\.js$/);
    assert.deepEqual(playground.args?.slice(0, 2), ['-e', 'http://127.0.0.1:3978/api/messages']);
    assert.ok(tasks.tasks.some((t) => t.command === 'deploy' && t.args?.env === 'local'), 'the Toolkit runs m365agents.local.yml');
  });
});
