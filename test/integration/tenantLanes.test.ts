import assert from 'node:assert/strict';
import { TenantLanes, laneName } from '../../src/notifications/tenantLanes';
import { LEASES_TABLE, TableLeaseStore } from '../../src/storage/leaseStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { useAzurite, uniqueTableName } from '../support/azurite';
import { startConnectorStub, type ConnectorStub } from '../support/connectorStub';
import { notifyStack, personalReference, waitFor, type NotifyStack } from '../support/notifyStack';
import type { Notice } from '../../src/shared/types';

const TENANT = 'tenant-a';
const TTL_MS = 2_000;

const notice = (key: string, aadObjectId: string): Notice => ({ tenantId: TENANT, key, to: { kind: 'user', aadObjectId }, message: { kind: 'test.card', data: { name: key } } });

describe('notifications: one sending process per tenant (tenant lanes on Azurite)', function () {
  this.timeout(120_000);
  const azurite = useAzurite();
  let stub: ConnectorStub;
  let leases: TableLeaseStore;
  const stacks: NotifyStack[] = [];

  /** A bot process's outbox worker, with its own lanes and a count of the cards it sent. */
  async function process(holder: string, tables: { outbox: string; conversations: string }) {
    const lanes = new TenantLanes({ leases, holder, ttlMs: TTL_MS });
    const stack = await notifyStack({ connection: azurite().connection, outboxTable: tables.outbox, conversationsTable: tables.conversations, lanes });
    stacks.push(stack);
    return { stack, lanes };
  }

  beforeEach(async () => {
    stub = await startConnectorStub({ enforceTeamsLimits: true });
    const table = tableClient(azurite().connection, uniqueTableName(LEASES_TABLE));
    await ensureTable(table);
    leases = new TableLeaseStore(table);
  });

  afterEach(async () => {
    await Promise.all(stacks.splice(0).map((s) => s.worker.stop(1_000)));
    await stub.stop();
  });

  it('only the lane holder sends; when it dies another process takes the lane within the lease time; a clean stop lets go at once', async () => {
    const tables = { outbox: uniqueTableName('outbox'), conversations: uniqueTableName('conversations') };
    const a = await process('process-a', tables);
    const b = await process('process-b', tables);
    const users = Array.from({ length: 10 }, (_, i) => `u${i}`);
    for (const user of users) {
      await a.stack.conversations.save({ tenantId: TENANT, aadObjectId: user, language: 'en', active: true, updatedAt: new Date().toISOString(), reference: personalReference(stub.url, TENANT, user) });
    }

    await a.stack.notifier.enqueue(users.map((user, i) => notice(`first-${i}`, user)));
    a.stack.worker.start();
    await waitFor(() => a.lanes.holds(TENANT), 10_000, 'process a to take the lane');
    b.stack.worker.start();
    await b.stack.notifier.enqueue(users.map((user, i) => notice(`second-${i}`, user)));
    await waitFor(() => stub.sent.length >= 20, 30_000, '20 cards');
    assert.equal(b.lanes.holds(TENANT), false, 'process b never held the lane while a did');
    assert.equal(stub.limitViolations, 0);

    // Process a dies: no clean stop, its lease is left to run out.
    a.lanes.releaseAll = async () => undefined;
    await a.stack.worker.stop(1_000);
    const diedAt = Date.now();
    await b.stack.notifier.enqueue(users.map((user, i) => notice(`third-${i}`, user)));
    await waitFor(() => stub.sent.length >= 30, 30_000, 'the cards queued after the death');
    const takeover = Date.now() - diedAt;
    assert.ok(b.lanes.holds(TENANT), 'process b took the lane over');
    assert.ok(takeover < TTL_MS * 2 + 2_000, `taken over after ${takeover} ms`);
    assert.equal(new Set(stub.sent.map((s) => JSON.stringify(s.activity.attachments))).size, 30, 'every card once');

    await b.stack.worker.stop(1_000);
    assert.equal(await leases.tryAcquire(laneName(TENANT), 'process-c', TTL_MS), true, 'a clean stop released the lane');
  });
});
