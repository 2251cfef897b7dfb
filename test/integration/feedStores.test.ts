import assert from 'node:assert/strict';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SnapshotMissingError, type SnapshotFacts } from '../../src/storage/feedSnapshotStore';
import { TableFeedTokenStore } from '../../src/storage/feedTokenStore';
import { TableLeaseStore } from '../../src/storage/leaseStore';
import { TableFeedSnapshotStore } from '../../src/storage/tableFeedSnapshotStore';
import { ensureTable, tableClient } from '../../src/storage/tables';
import { useAzurite, uniqueTableName } from '../support/azurite';

const TENANT = 'tenant-a';

function facts(text: string): SnapshotFacts {
  return { builtAt: new Date().toISOString(), jobCount: 1, bytes: text.length, sha256: 'ab'.repeat(32), heldBack: [], heldBackTotal: 0 };
}

async function read(store: TableFeedSnapshotStore, snapshotId: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.open(TENANT, snapshotId)) chunks.push(chunk);
  return gunzipSync(Buffer.concat(chunks)).toString();
}

/** Writes `body` in pieces and `head` last, the way a build does; head and body are separate gzip members. */
async function write(store: TableFeedSnapshotStore, head: string, body: string) {
  const draft = await store.begin(TENANT);
  const gzipped = gzipSync(body);
  for (let at = 0; at < gzipped.length; at += 700) await draft.append(gzipped.subarray(at, at + 700));
  await draft.finish(gzipSync(head));
  return draft;
}

describe('feed stores against Azurite', function () {
  this.timeout(60_000);
  const azurite = useAzurite();

  async function table(prefix: string) {
    const client = tableClient(azurite().connection, uniqueTableName(prefix));
    await ensureTable(client);
    return client;
  }

  describe('snapshot store', () => {
    it('serves nothing until a draft is published, then head + body across many chunks', async () => {
      const store = new TableFeedSnapshotStore(await table('snap'), { partBytes: 256, partsPerChunk: 2 });
      const body = Array.from({ length: 2000 }, (_, i) => `<job>${i}</job>`).join('');
      const draft = await write(store, '<source>', body);
      assert.equal(await store.current(TENANT), undefined, 'a finished but unpublished draft is invisible');
      const meta = await store.publish(draft, { ...facts(body), heldBack: [{ jobId: 'J1', reasons: ['expired'] }], heldBackTotal: 1 });
      assert.ok(meta);
      assert.deepEqual(await store.current(TENANT), { ...meta, slot: undefined });
      assert.deepEqual(meta.heldBack, [{ jobId: 'J1', reasons: ['expired'] }]);
      assert.equal(await read(store, meta.snapshotId), `<source>${body}`);
    });

    it('a draft begun before another publish cannot replace it', async () => {
      const store = new TableFeedSnapshotStore(await table('snap'));
      const slow = await write(store, 'h', 'slow');
      const fast = await write(store, 'h', 'fast');
      assert.ok(await store.publish(fast, facts('fast')));
      assert.equal(await store.publish(slow, facts('slow')), undefined);
      assert.equal(await read(store, (await store.current(TENANT))!.snapshotId), 'hfast');
      await assert.rejects(read(store, slow.snapshotId), SnapshotMissingError, 'the losing draft is discarded');
    });

    it('keeps the snapshot it replaced (downloads under way finish) and deletes older ones', async () => {
      const store = new TableFeedSnapshotStore(await table('snap'));
      const ids: string[] = [];
      for (const text of ['one', 'two', 'three']) {
        const draft = await write(store, 'h', text);
        ids.push((await store.publish(draft, facts(text)))!.snapshotId);
      }
      assert.equal(await read(store, ids[2]), 'hthree');
      assert.equal(await read(store, ids[1]), 'htwo');
      await assert.rejects(read(store, ids[0]), SnapshotMissingError);
    });

    it('keeps tenants apart', async () => {
      const store = new TableFeedSnapshotStore(await table('snap'));
      await store.publish(await write(store, 'h', 'a'), facts('a'));
      assert.equal(await store.current('tenant-b'), undefined);
    });
  });

  describe('lease store', () => {
    it('one holder at a time; renew and release; an expired lease is taken over', async () => {
      let now = 1_000_000;
      const leases = new TableLeaseStore(await table('lease'), () => now);
      assert.equal(await leases.tryAcquire('feed', 'a', 1000), true);
      assert.equal(await leases.tryAcquire('feed', 'b', 1000), false);
      assert.equal(await leases.tryAcquire('feed', 'a', 1000), true, 'the holder may re-acquire');
      now += 900;
      assert.equal(await leases.renew('feed', 'a', 1000), true);
      now += 900;
      assert.equal(await leases.tryAcquire('feed', 'b', 1000), false, 'renewed, so still held');
      now += 1100;
      assert.equal(await leases.tryAcquire('feed', 'b', 1000), true, 'expired: taken over');
      assert.equal(await leases.renew('feed', 'a', 1000), false, 'the old holder learns it lost the lease');
      await leases.release('feed', 'a');
      assert.equal(await leases.tryAcquire('feed', 'c', 1000), false, 'a non-holder cannot release');
      await leases.release('feed', 'b');
      assert.equal(await leases.tryAcquire('feed', 'c', 1000), true);
    });

    it('of many racing for a free lease exactly one wins', async () => {
      const leases = new TableLeaseStore(await table('lease'));
      const wins = await Promise.all(Array.from({ length: 8 }, (_, i) => leases.tryAcquire('race', `h${i}`, 60_000)));
      assert.equal(wins.filter(Boolean).length, 1);
    });

    it('slot marks: the first mark wins, per tenant', async () => {
      const leases = new TableLeaseStore(await table('lease'));
      assert.equal(await leases.isSlotDone(TENANT, '2026-11-27'), false);
      await leases.markSlotDone(TENANT, { slot: '2026-11-27', doneAt: 'x', outcome: 'built' });
      await leases.markSlotDone(TENANT, { slot: '2026-11-27', doneAt: 'y', outcome: 'too_large' });
      assert.equal(await leases.isSlotDone(TENANT, '2026-11-27'), true);
      assert.equal(await leases.isSlotDone('tenant-b', '2026-11-27'), false);
    });
  });

  describe('feed token store', () => {
    it('one stable token per tenant, resolving back only to its tenant', async () => {
      const tokens = new TableFeedTokenStore(await table('tok'));
      const a = await tokens.tokenFor('tenant-a');
      const b = await tokens.tokenFor('tenant-b');
      assert.notEqual(a, b);
      assert.equal(await tokens.tokenFor('tenant-a'), a);
      assert.equal(await tokens.tenantFor(a), 'tenant-a');
      assert.equal(await tokens.tenantFor(b), 'tenant-b');
      assert.equal(await tokens.tenantFor(a.slice(0, -1) + (a.endsWith('A') ? 'B' : 'A')), undefined);
    });

    it('LINKEDIN_FEED_TOKEN serves the first tenant that asks, and only that one', async () => {
      const configured = 'configured-token-0123456789abcdef';
      const tokens = new TableFeedTokenStore(await table('tok'), configured);
      assert.equal(await tokens.tokenFor('tenant-a'), configured);
      assert.notEqual(await tokens.tokenFor('tenant-b'), configured);
      assert.equal(await tokens.tenantFor(configured), 'tenant-a');
    });
  });
});
