export interface BackoffPolicy {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
}

/**
 * Exponential back-off with "equal jitter": the ceiling doubles per retry (`baseMs`, 2×, 4×, … up to `maxMs`) and the
 * delay is drawn uniformly from its upper half, so retries of many items spread out (Learn, "Rate limiting for bots":
 * back off with random jitter) while none comes back sooner than half the ceiling. `retry` counts from 0.
 */
export function backoffMs(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, retry));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
