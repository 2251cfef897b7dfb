import assert from 'node:assert/strict';
import { AppError } from '../../src/domain/errors';
import { closeJob, createJob, newJobId, validateJobInput, type Author, type Job } from '../../src/domain/job';
import { TableJobStore } from '../../src/storage/tableJobStore';
import { freshTables, useAzurite } from '../support/azurite';
import { ALEX, MEGAN, OTHER_TENANT_USER, validForm } from '../support/samples';

function sampleJob(author: Author, at: Date, overrides: Record<string, unknown> = {}): Job {
  const result = validateJobInput(validForm(overrides), new Date('2026-01-01'));
  assert.ok(result.ok);
  return createJob(result.value, author, at, newJobId(at));
}

describe('TableJobStore against Azurite', function () {
  const azurite = useAzurite();
  let store: TableJobStore;

  beforeEach(async () => {
    const [table] = await freshTables(azurite().connection, 'jobs');
    store = new TableJobStore(table);
  });

  it('stores a job and reads it back whole', async () => {
    const job = sampleJob(ALEX, new Date('2026-11-25T10:00:00Z'));
    const stored = await store.create(job);
    assert.ok(stored.etag);
    const read = await store.get(ALEX.tenantId, job.id);
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    assert.deepEqual(plain({ ...read, etag: undefined }), plain(job));
  });

  it('refuses a second job with the same id', async () => {
    const job = sampleJob(ALEX, new Date());
    await store.create(job);
    await assert.rejects(store.create(job));
  });

  it('lists newest first, by author or for everyone, in pages', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 5; i++) await store.create(sampleJob(ALEX, new Date(base + i * 60_000), { title: `Alex ${i}` }));
    for (let i = 0; i < 2; i++) await store.create(sampleJob(MEGAN, new Date(base + i * 90_000), { title: `Megan ${i}` }));

    const first = await store.list({ tenantId: ALEX.tenantId, authorAadObjectId: ALEX.aadObjectId, pageSize: 3 });
    assert.deepEqual(first.jobs.map((j) => j.title), ['Alex 4', 'Alex 3', 'Alex 2']);
    assert.ok(first.next);
    const second = await store.list({ tenantId: ALEX.tenantId, authorAadObjectId: ALEX.aadObjectId, pageSize: 3, page: first.next });
    assert.deepEqual(second.jobs.map((j) => j.title), ['Alex 1', 'Alex 0']);

    const everyone = await store.list({ tenantId: ALEX.tenantId, pageSize: 50 });
    assert.equal(everyone.jobs.length, 7);
  });

  it('keeps tenants apart: no read or list crosses tenants', async () => {
    const job = await store.create(sampleJob(ALEX, new Date()));
    await store.create(sampleJob(OTHER_TENANT_USER, new Date()));
    assert.equal(await store.get(OTHER_TENANT_USER.tenantId, job.id), undefined);
    const other = await store.list({ tenantId: OTHER_TENANT_USER.tenantId, pageSize: 50 });
    assert.deepEqual(other.jobs.map((j) => j.author.name), ['Zoe']);
  });

  it('handles tenant ids with characters Table keys forbid', async () => {
    const odd = { ...ALEX, tenantId: "a/b\\c#d?e'f" };
    const job = await store.create(sampleJob(odd, new Date()));
    assert.equal((await store.get(odd.tenantId, job.id))?.tenantId, odd.tenantId);
    assert.equal((await store.list({ tenantId: odd.tenantId, pageSize: 5 })).jobs.length, 1);
  });

  it('detects concurrent edits: the second writer with a stale etag gets a conflict', async () => {
    const created = await store.create(sampleJob(ALEX, new Date()));
    const readByA = (await store.get(ALEX.tenantId, created.id))!;
    const readByB = (await store.get(ALEX.tenantId, created.id))!;
    await store.update({ ...readByA, city: 'Bergen' });
    await assert.rejects(store.update(closeJob(readByB)), (error: unknown) => error instanceof AppError && error.code === 'JOB_CONFLICT');
    const final = await store.get(ALEX.tenantId, created.id);
    assert.equal(final?.city, 'Bergen');
    assert.equal(final?.state, 'queued');
  });

  it('exactly one of two simultaneous updates wins', async () => {
    const created = await store.create(sampleJob(ALEX, new Date()));
    const results = await Promise.allSettled([
      store.update({ ...created, city: 'Bergen' }),
      store.update({ ...created, city: 'Trondheim' })
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });
});
