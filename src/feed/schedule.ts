/**
 * When the daily feed is built: a local time of day in an IANA time zone. Pure (Intl only, no I/O).
 * A "slot" is the local date of a scheduled build; the slot due at an instant is the most recent scheduled build ≤ it.
 */

export interface BuildSchedule {
  /** Local time of day, "HH:MM" (24-hour). */
  time: string;
  /** IANA time zone, e.g. "Europe/Oslo". */
  timeZone: string;
}

export const DEFAULT_BUILD_SCHEDULE: BuildSchedule = { time: '02:00', timeZone: 'UTC' };

export interface ScheduleState {
  /** Local date (YYYY-MM-DD) of the most recent scheduled build at or before `now`. */
  slot: string;
  /** When that slot's build was due. */
  slotDueAt: Date;
  /** The first scheduled build after `now`. */
  nextBuildAt: Date;
}

export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleError';
  }
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

export function parseTimeOfDay(time: string): { hour: number; minute: number } {
  const match = TIME_OF_DAY.exec(time.trim());
  if (!match) throw new ScheduleError(`Build time must be HH:MM (24-hour), got "${time}"`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/**
 * Zones found valid: every turn checks the one Teams reports for the client, and the check makes a formatter. Bounded,
 * since Intl also accepts any mix of cases of a name.
 */
const validTimeZones = new Set<string>();
const VALID_ZONES_KEPT = 1_000;

export function isValidTimeZone(timeZone: string): boolean {
  if (validTimeZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  if (validTimeZones.size < VALID_ZONES_KEPT) validTimeZones.add(timeZone);
  return true;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    if (!isValidTimeZone(timeZone)) throw new ScheduleError(`Unknown time zone "${timeZone}"`);
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric'
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** The wall-clock reading in `timeZone` at `instant`, as if that reading were UTC (milliseconds). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant - (instant % 1000), timeZone) - (instant - (instant % 1000));
}

/**
 * The instant a local wall-clock reading happens. Like Temporal's "compatible" disambiguation: a reading that occurs
 * twice (clocks going back) takes the earlier instant, and one skipped by clocks going forward moves later by the gap,
 * so a build is never skipped nor run twice on a DST day.
 */
export function zonedInstant(wall: number, timeZone: string): number {
  const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
  const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [wall - offsetBefore, wall - offsetAfter].filter((instant) => wallClock(instant, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - offsetBefore; // in the gap: the pre-transition offset lands after the jump, shifted by its length
}

function localDate(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10);
}

function buildInstantOn(localDay: number, schedule: BuildSchedule): number {
  const { hour, minute } = parseTimeOfDay(schedule.time);
  return zonedInstant(localDay + hour * 3_600_000 + minute * 60_000, schedule.timeZone);
}

/**
 * Each schedule's last answer: it holds for every instant from its slot's build up to the next one, and turns ask
 * often (every job list shows the next build), while working it out formats a dozen dates in the zone.
 */
const lastStates = new Map<string, ScheduleState>();
const STATES_KEPT = 1_000;

/** The slot due at `now`, when it was due, and when the next one is. */
export function scheduleAt(now: Date, schedule: BuildSchedule = DEFAULT_BUILD_SCHEDULE): ScheduleState {
  const key = `${schedule.time} ${schedule.timeZone}`;
  const last = lastStates.get(key);
  if (last && last.slotDueAt.getTime() <= now.getTime() && now.getTime() < last.nextBuildAt.getTime()) return copyOf(last);
  const state = computeScheduleAt(now, schedule);
  if (lastStates.size >= STATES_KEPT) lastStates.clear();
  lastStates.set(key, state);
  return copyOf(state);
}

const copyOf = (state: ScheduleState): ScheduleState => ({ ...state, slotDueAt: new Date(state.slotDueAt), nextBuildAt: new Date(state.nextBuildAt) });

function computeScheduleAt(now: Date, schedule: BuildSchedule): ScheduleState {
  const wallNow = wallClock(now.getTime(), schedule.timeZone);
  const today = wallNow - (((wallNow % DAY_MS) + DAY_MS) % DAY_MS);
  const todaysBuild = buildInstantOn(today, schedule);
  if (todaysBuild <= now.getTime()) {
    return { slot: localDate(today), slotDueAt: new Date(todaysBuild), nextBuildAt: new Date(buildInstantOn(today + DAY_MS, schedule)) };
  }
  const yesterday = today - DAY_MS;
  return { slot: localDate(yesterday), slotDueAt: new Date(buildInstantOn(yesterday, schedule)), nextBuildAt: new Date(todaysBuild) };
}

