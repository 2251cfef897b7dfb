/**
 * Teams' limits for bots, kept in front of every proactive send, update and conversation creation.
 * Learn, "Optimize your bot with rate limiting in Teams"
 * (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 *   per bot per thread (conversation): 7 operations / 1 s, 8 / 2 s, 60 / 30 s, 1800 / 3600 s;
 *   per app per tenant (global): 50 requests per second.
 * Over a limit Teams answers 429; the page asks for back-off with jitter and retries of 412, 502 and 504 too.
 *
 * The limiter is per process. Bot processes sharing a storage account still keep within the limits because only one
 * of them at a time sends a tenant's notices (tenantLanes.ts); a 429 that happens anyway is waited out (Retry-After).
 */

export interface RateWindow {
  limit: number;
  ms: number;
}

export const TEAMS_CONVERSATION_WINDOWS: readonly RateWindow[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1_800, ms: 3_600_000 }
];
export const TEAMS_TENANT_WINDOWS: readonly RateWindow[] = [{ limit: 50, ms: 1_000 }];

export interface RateLimiterOptions {
  conversationWindows?: readonly RateWindow[];
  tenantWindows?: readonly RateWindow[];
  /** Added to every window: a little room for clocks and rounding (a send counts from its answer, see `acquire`). */
  marginMs?: number;
  clock?: () => number;
}

/**
 * Sliding-window log per key: the times of the operations of the last (longest window) milliseconds, and how many are
 * still open (started, not answered). An open operation is in every window until it ends, whenever it started: Teams
 * may receive it at any moment before its answer, so it may not age out of a window while it is still on its way.
 */
class SlidingWindows {
  private readonly hits = new Map<string, number[]>();
  private readonly open = new Map<string, number>();
  private readonly pausedUntil = new Map<string, number>();
  private readonly longest: number;
  private recordsSinceSweep = 0;

  constructor(private readonly windows: readonly RateWindow[], private readonly marginMs: number) {
    this.longest = Math.max(...windows.map((w) => w.ms)) + marginMs;
  }

  /**
   * Milliseconds until one more operation for `key` fits every window (0: now). While open operations alone fill a
   * window the time is not known (it depends on their answers): a short wait to look again.
   */
  waitFor(key: string, now: number): number {
    let wait = Math.max(0, (this.pausedUntil.get(key) ?? 0) - now);
    const open = this.open.get(key) ?? 0;
    const times = this.hits.get(key) ?? [];
    for (const window of this.windows) {
      const span = window.ms + this.marginMs;
      if (countAfter(times, now - span) + open < window.limit) continue;
      if (open >= window.limit) {
        wait = Math.max(wait, OPEN_RECHECK_MS);
        continue;
      }
      // The oldest ended operation that must leave the window before one more fits.
      const leaving = times[times.length - (window.limit - open)];
      wait = Math.max(wait, leaving + span - now + 1);
    }
    return wait;
  }

  /** How many operations for `key` would fit right now. */
  capacity(key: string, now: number): number {
    if ((this.pausedUntil.get(key) ?? 0) > now) return 0;
    const times = this.hits.get(key) ?? [];
    const open = this.open.get(key) ?? 0;
    return Math.min(...this.windows.map((w) => Math.max(0, w.limit - open - countAfter(times, now - w.ms - this.marginMs))));
  }

  /** An operation starts: it counts in every window until `end`. */
  start(key: string): void {
    this.open.set(key, (this.open.get(key) ?? 0) + 1);
  }

  /** The operation was answered (or failed) at `now`: it counts from then on, like one made at that moment. */
  end(key: string, now: number): void {
    const open = (this.open.get(key) ?? 0) - 1;
    if (open > 0) this.open.set(key, open);
    else this.open.delete(key);
    const times = this.hits.get(key) ?? [];
    times.splice(times.length - countAfter(times, now), 0, now);
    this.hits.set(key, times);
    if (++this.recordsSinceSweep >= 1000) this.sweep(now);
  }

  pause(key: string, until: number): void {
    this.pausedUntil.set(key, Math.max(until, this.pausedUntil.get(key) ?? 0));
  }

  /** Forgets what no window can see any more, so memory stays bounded by recent traffic. */
  private sweep(now: number): void {
    this.recordsSinceSweep = 0;
    for (const [key, times] of this.hits) {
      const keep = times.filter((t) => t > now - this.longest);
      if (keep.length) this.hits.set(key, keep);
      else this.hits.delete(key);
    }
    for (const [key, until] of this.pausedUntil) if (until <= now) this.pausedUntil.delete(key);
  }
}

/** How soon to look again while only open operations fill a window. */
const OPEN_RECHECK_MS = 5;

/** Number of times (sorted ascending) strictly after `since`. */
function countAfter(times: readonly number[], since: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (times[mid] > since) high = mid;
    else low = mid + 1;
  }
  return times.length - low;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Permit {
  /** The request was answered (or failed): count it from now. */
  done(): void;
}

export class TeamsRateLimiter {
  private readonly conversations: SlidingWindows;
  private readonly tenants: SlidingWindows;
  private readonly clock: () => number;

  constructor(options: RateLimiterOptions = {}) {
    const margin = options.marginMs ?? 20;
    this.conversations = new SlidingWindows(options.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS, margin);
    this.tenants = new SlidingWindows(options.tenantWindows ?? TEAMS_TENANT_WINDOWS, margin);
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Waits until one more operation fits both the conversation's and the tenant's windows, and counts it from now.
   * Call the permit's `done()` when the request has been answered. Until then the operation counts in every window
   * (Teams may receive it at any moment before the answer, however long it takes); from then on it counts from the
   * answer, the latest Teams can have received it. So a slow or delayed request can never make two windows' worth
   * arrive within one window at Teams, whatever the latency or the machine's load, and no guessed margin is needed.
   * A permit never done stays open: call `done()` on every path.
   */
  async acquire(tenantId: string, conversation: string): Promise<Permit> {
    for (;;) {
      const now = this.clock();
      const wait = this.waitFor(tenantId, conversation, now);
      if (wait === 0) {
        const key = conversationKey(tenantId, conversation);
        this.conversations.start(key);
        this.tenants.start(tenantId);
        let done = false;
        return {
          done: () => {
            if (done) return;
            done = true;
            const end = Math.max(now, this.clock());
            this.conversations.end(key, end);
            this.tenants.end(tenantId, end);
          }
        };
      }
      // Jitter, so waiters released together do not all retry in the same millisecond.
      await sleep(wait + Math.floor(Math.random() * 20));
    }
  }

  /** How many operations could start now for this conversation (0 when it or its tenant is at a limit). */
  capacity(tenantId: string, conversation: string): number {
    const now = this.clock();
    return Math.min(this.conversations.capacity(conversationKey(tenantId, conversation), now), this.tenants.capacity(tenantId, now));
  }

  /** How many operations could start now in this tenant, whatever the conversation. */
  tenantCapacity(tenantId: string): number {
    return this.tenants.capacity(tenantId, this.clock());
  }

  /** After a 429: nothing more to this conversation for `ms`. */
  pause(tenantId: string, conversation: string, ms: number): void {
    this.conversations.pause(conversationKey(tenantId, conversation), this.clock() + ms);
  }

  /** Milliseconds until one more operation fits this conversation's and tenant's windows (0: now). */
  waitMs(tenantId: string, conversation: string): number {
    return this.waitFor(tenantId, conversation, this.clock());
  }

  private waitFor(tenantId: string, conversation: string, now: number): number {
    return Math.max(this.conversations.waitFor(conversationKey(tenantId, conversation), now), this.tenants.waitFor(tenantId, now));
  }
}

const conversationKey = (tenantId: string, conversation: string) => `${tenantId}\u0000${conversation}`;
