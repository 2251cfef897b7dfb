/**
 * What the Agents Playground e2e tests that talk to LinkedIn share: a fake LinkedIn started before the Playground stack
 * (so the bot starts with its address), the Playground's tenant with stored settings, and jobs seeded into its storage.
 */
import assert from 'node:assert/strict';
import type { TenantSettings } from '../../src/domain/settings';
import { createJob, validateJobInput, type Job } from '../../src/domain/job';
import { secretBoxFrom } from '../../src/storage/secretBox';
import { JOBS_TABLE, TableJobStore } from '../../src/storage/tableJobStore';
import { SETTINGS_TABLE, TableSettingsStore } from '../../src/storage/tableSettingsStore';
import { ensureTable, tableClient, type TableConnection } from '../../src/storage/tables';
import { usePlaygroundStack, type PlaygroundStack } from './e2eStack';
import { tenantSettings } from './exportsRig';
import { FakeLinkedIn } from './fakeLinkedIn';
import { validForm } from './samples';

/** The Agents Playground's default tenant (its built-in config). */
export const PLAYGROUND_TENANT = '00000000-0000-0000-0000-0000000000001';

export interface LinkedInApp {
  clientId: string;
  clientSecret: string;
  organizationId: string;
}

export interface PlaygroundWithLinkedIn {
  readonly stack: PlaygroundStack;
  readonly linkedIn: FakeLinkedIn;
}

/**
 * The Playground stack with a fake LinkedIn: the bot reaches LinkedIn (OAuth and API) on the fake's address as the
 * Playground tenant's LinkedIn application; `botEnv` adds the suite's own variables, and may set up more fakes on it.
 */
export function usePlaygroundWithLinkedIn(options: {
  name: string;
  app: LinkedInApp;
  botEnv?: (linkedIn: FakeLinkedIn) => Record<string, string>;
}): PlaygroundWithLinkedIn {
  const botEnv: Record<string, string> = {};
  let linkedIn: FakeLinkedIn | undefined;
  // Registered before the stack's hooks, so the bot starts with the fake LinkedIn's address.
  before(async () => {
    linkedIn = await new FakeLinkedIn(options.app).start();
    Object.assign(botEnv, {
      LINKEDIN_TENANT_ID: PLAYGROUND_TENANT,
      LINKEDIN_CLIENT_ID: options.app.clientId,
      LINKEDIN_CLIENT_SECRET: options.app.clientSecret,
      LINKEDIN_OAUTH_BASE_URL: linkedIn.url,
      LINKEDIN_API_BASE_URL: linkedIn.url,
      ...options.botEnv?.(linkedIn)
    });
  });
  const stack = usePlaygroundStack({ name: options.name, botEnv });
  after(() => linkedIn?.stop());
  return {
    stack,
    get linkedIn() {
      if (!linkedIn) throw new Error('the fake LinkedIn did not start');
      return linkedIn;
    }
  };
}

/** Stores the Playground tenant's settings as an admin saved them; the tenant's job store, its table made. */
export async function seedPlaygroundTenant(
  connection: TableConnection,
  overrides: Partial<TenantSettings>,
  by: { aadObjectId: string; name: string }
): Promise<TableJobStore> {
  const settingsTable = tableClient(connection, SETTINGS_TABLE);
  const jobsTable = tableClient(connection, JOBS_TABLE);
  await Promise.all([ensureTable(settingsTable), ensureTable(jobsTable)]);
  const settings = new TableSettingsStore(settingsTable, { buildTime: '02:00', timeZone: 'UTC', bootstrapAdmins: [] }, secretBoxFrom(undefined));
  const { tenantId: _t, etag: _e, updatedAt: _u, ...stored } = tenantSettings(overrides);
  await settings.save({ tenantId: PLAYGROUND_TENANT, settings: stored, changes: [], by, at: new Date() });
  return new TableJobStore(jobsTable);
}

/** A valid job of the Playground tenant with `title`, written by `author`. */
export async function seedPlaygroundJob(jobs: TableJobStore, title: string, author: { aadObjectId: string; name: string }): Promise<Job> {
  const input = validateJobInput(validForm({ title }));
  assert.ok(input.ok);
  return jobs.create(createJob(input.value, { tenantId: PLAYGROUND_TENANT, ...author }));
}
