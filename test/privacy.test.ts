import assert from 'node:assert/strict';
import { addMonths, isExpired, isPurgeCheckStale, matchesPerson, retentionMonthsOf } from '../src/domain/privacy';

describe('privacy rules', () => {
  it('counts calendar months; the 31st of a short month becomes its last day', () => {
    assert.equal(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString(), '2026-02-28T10:00:00.000Z');
    assert.equal(addMonths(new Date('2026-08-15T00:00:00Z'), 6).toISOString(), '2027-02-15T00:00:00.000Z');
  });

  it('a candidate expires N months after the last activity, whatever older rows carry', () => {
    const candidate = { createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', lastActivityAt: '2026-03-01T00:00:00Z' };
    assert.equal(isExpired(candidate, 6, new Date('2026-08-31T23:59:59Z')), false);
    assert.equal(isExpired(candidate, 6, new Date('2026-09-01T00:00:00Z')), true);
    assert.equal(isExpired({ createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-02-01T00:00:00Z' }, 1, new Date('2026-03-01T00:00:00Z')), true);
  });

  it('a retention setting outside 1–36 falls back to 6', () => {
    assert.deepEqual([retentionMonthsOf(12), retentionMonthsOf(0), retentionMonthsOf(37), retentionMonthsOf(undefined), retentionMonthsOf('3')], [12, 6, 6, 6, 3]);
  });

  it('finds people by email (any case) or by every word of their name, accents ignored', () => {
    const person = { firstName: 'Åse', lastName: 'Nordmann', emails: ['Ase.Nordmann@Example.com'] };
    assert.ok(matchesPerson(person, 'ase.nordmann@example.com'));
    assert.ok(matchesPerson(person, 'ase'));
    assert.ok(matchesPerson(person, 'Nordmann  Åse'));
    assert.ok(!matchesPerson(person, 'ase.nordmann@example.org'));
    assert.ok(!matchesPerson(person, 'Kari Nordmann'));
    assert.ok(!matchesPerson(person, 'nord'));
    assert.ok(!matchesPerson(person, ''));
  });

  it('the purge check is overdue 7 days after the last success (or the first attempt when none succeeded)', () => {
    const now = new Date('2026-11-27T00:00:00Z');
    assert.equal(isPurgeCheckStale('2026-11-21T00:00:00Z', '2026-01-01T00:00:00Z', now), false);
    assert.equal(isPurgeCheckStale('2026-11-20T00:00:00Z', '2026-01-01T00:00:00Z', now), true);
    assert.equal(isPurgeCheckStale(undefined, '2026-11-19T00:00:00Z', now), true);
    assert.equal(isPurgeCheckStale(undefined, undefined, now), false);
  });
});
