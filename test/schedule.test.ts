import { strict as assert } from 'node:assert';
import { scheduleAt } from '../src/feed/schedule';

const OSLO = { time: '02:00', timeZone: 'Europe/Oslo' };
const at = (iso: string) => new Date(iso);
const brief = (iso: string, schedule = OSLO) => {
  const state = scheduleAt(at(iso), schedule);
  return { slot: state.slot, slotDueAt: state.slotDueAt.toISOString(), nextBuildAt: state.nextBuildAt.toISOString() };
};

describe('the daily build schedule', () => {
  it('moves a build that falls in the hour clocks skip to just after it (Oslo, 29 March 2026)', () => {
    assert.deepEqual(brief('2026-03-28T12:00:00Z'), { slot: '2026-03-28', slotDueAt: '2026-03-28T01:00:00.000Z', nextBuildAt: '2026-03-29T01:00:00.000Z' });
    assert.deepEqual(brief('2026-03-29T00:59:59Z'), { slot: '2026-03-28', slotDueAt: '2026-03-28T01:00:00.000Z', nextBuildAt: '2026-03-29T01:00:00.000Z' });
    assert.deepEqual(brief('2026-03-29T01:00:00Z'), { slot: '2026-03-29', slotDueAt: '2026-03-29T01:00:00.000Z', nextBuildAt: '2026-03-30T00:00:00.000Z' });
  });

  it('answers the same whatever was asked before: other zones, later instants, earlier ones', () => {
    const expected = brief('2026-10-24T12:00:00Z');
    brief('2026-10-24T12:00:00Z', { time: '02:00', timeZone: 'America/New_York' });
    assert.deepEqual(brief('2026-10-26T12:00:00Z'), { slot: '2026-10-26', slotDueAt: '2026-10-26T01:00:00.000Z', nextBuildAt: '2026-10-27T01:00:00.000Z' });
    assert.deepEqual(brief('2026-10-24T12:00:00Z'), expected);
    // The night clocks go back, 02:00 happens once (the first time, CEST).
    assert.deepEqual(brief('2026-10-25T00:30:00Z'), { slot: '2026-10-25', slotDueAt: '2026-10-25T00:00:00.000Z', nextBuildAt: '2026-10-26T01:00:00.000Z' });
  });

  it("a caller changing the dates it was given does not change anyone else's", () => {
    const first = scheduleAt(at('2026-06-01T12:00:00Z'), OSLO);
    first.nextBuildAt.setUTCFullYear(2000);
    first.slotDueAt.setUTCFullYear(2000);
    assert.equal(scheduleAt(at('2026-06-01T12:00:01Z'), OSLO).nextBuildAt.toISOString(), '2026-06-02T00:00:00.000Z');
  });
});
