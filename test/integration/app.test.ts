/**
 * buildApp in-process on a test's own Azurite and tables: what main() runs, started and stopped by the caller.
 */
import assert from 'node:assert/strict';
import { buildApp, TABLE_NAMES, type TableKey } from '../../src/app';
import { parseConfig } from '../../src/config';
import { silentLogger } from '../../src/logger';
import { tableClient } from '../../src/storage/tables';
import { uniqueTableNames, useAzurite } from '../support/azurite';

describe('buildApp: the whole bot in one call', () => {
  const azurite = useAzurite();

  it('creates its tables, is ready once every watched worker ticked, and stops server and workers but not the storage it was given', async () => {
    const names = uniqueTableNames(Object.keys(TABLE_NAMES) as TableKey[]);
    const app = await buildApp(parseConfig({ BOT_ID: '' }), { connection: azurite().connection, logger: silentLogger, tableNames: names });
    const port = await app.listen(0, '127.0.0.1');
    app.start();
    assert.deepEqual(app.workers.map((worker) => worker.name), ['feedScheduler', 'notifications', 'exports', 'linkedInApi', 'morning', 'privacy', 'channelSwitch', 'actionsPurge']);

    let ready: { status: number; body: { workers?: Record<string, string> } } = { status: 0, body: {} };
    for (const until = Date.now() + 30_000; ready.status !== 200 && Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      ready = { status: response.status, body: (await response.json()) as typeof ready.body };
    }
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.workers, { feedScheduler: 'ok', notifications: 'ok', exports: 'ok', linkedInApi: 'ok', morning: 'ok', privacy: 'ok', channelSwitch: 'ok' });

    assert.equal(await app.stop(5_000), true);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/livez`));
    const jobs = tableClient(azurite().connection, names.jobs);
    for await (const _ of jobs.listEntities()) break;
  });
});
