/** A background loop as /readyz sees it: when it last went round, and how often it should. */
export interface WorkerHealth {
  name: string;
  /** Milliseconds since the epoch of its last tick; undefined before the first (or when not started). */
  lastTickAt: number | undefined;
  intervalMs: number;
}

/** A worker counts as stuck when it has not ticked for three of its intervals (and at least a minute: builds take time). */
export function staleAfterMs(intervalMs: number): number {
  return Math.max(3 * intervalMs, 60_000);
}

export function workerFresh(worker: WorkerHealth, now: number): boolean {
  return worker.lastTickAt !== undefined && now - worker.lastTickAt <= staleAfterMs(worker.intervalMs);
}

export interface ReadinessInput {
  storageHealthy(): Promise<boolean>;
  workers: WorkerHealth[];
  stopping: boolean;
  now?: number;
}

/** Ready: not shutting down, storage answers, and every background worker ticked lately. */
export async function readiness(input: ReadinessInput): Promise<{ ready: boolean; body: Record<string, unknown> }> {
  if (input.stopping) return { ready: false, body: { status: 'stopping' } };
  const storage = await input.storageHealthy().catch(() => false);
  const now = input.now ?? Date.now();
  const workers = Object.fromEntries(input.workers.map((worker) => [worker.name, workerFresh(worker, now) ? 'ok' : 'stale']));
  const ready = storage && Object.values(workers).every((state) => state === 'ok');
  return {
    ready,
    body: { status: ready ? 'ok' : 'unavailable', storage: storage ? 'reachable' : 'unreachable', ...(input.workers.length ? { workers } : {}) }
  };
}
