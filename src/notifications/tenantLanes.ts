/**
 * One sender per tenant across all bot processes. Teams counts its limits per app and tenant (50 requests a second)
 * and per conversation, whichever instance sends; each process's limiter (rateLimiter.ts) only sees its own sends. So a
 * tenant's notices are sent by the one process that holds the tenant's lane: a lease in Table Storage (`leases`,
 * `outbox-lane:<tenant>`), renewed while held. When the holder dies its lease runs out and another process takes the
 * lane at its next look; a process that stops releases its lanes at once.
 *
 * A holder that could not renew in time (storage down, event loop stalled) stops sending before its lease can have
 * expired by its own clock, so two processes never send for one tenant at the same moment.
 */
import type { LeaseStore } from '../storage/leaseStore';

export interface TenantLanesOptions {
  leases: LeaseStore;
  /** This process, as written in the lease (unique per process). */
  holder: string;
  /** Lease length; a dead holder's tenants are taken over within this time (plus one poll). */
  ttlMs?: number;
  clock?: () => number;
}

interface HeldLane {
  /** Our own deadline: the lease's expiry minus a safety margin, by this process's clock before the write. */
  validUntil: number;
  renewAt: number;
  lastWanted: number;
}

export const DEFAULT_LANE_TTL_MS = 15_000;
/** A lane not needed for this long is released, so idle tenants cost no renewals. */
const IDLE_RELEASE_MS = 60_000;

export const laneName = (tenantId: string) => `outbox-lane:${tenantId}`;

export class TenantLanes {
  private readonly held = new Map<string, HeldLane>();
  /** Tenants whose lane another process held at our last try, and when to try again. */
  private readonly busyUntil = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: TenantLanesOptions) {
    this.ttlMs = options.ttlMs ?? DEFAULT_LANE_TTL_MS;
    this.clock = options.clock ?? Date.now;
  }

  /** True while this process may send for the tenant. */
  holds(tenantId: string): boolean {
    const lane = this.held.get(tenantId);
    return !!lane && lane.validUntil > this.clock();
  }

  /**
   * Takes the lanes of tenants with due notices where free, renews held lanes that are due for it, and releases the
   * ones not wanted for a while. Storage errors leave a lane to run out by itself.
   */
  async maintain(wanted: Iterable<string>): Promise<void> {
    const now = this.clock();
    for (const tenantId of wanted) {
      const lane = this.held.get(tenantId);
      if (lane) lane.lastWanted = now;
      else if ((this.busyUntil.get(tenantId) ?? 0) <= now) await this.tryTake(tenantId);
    }
    for (const [tenantId, lane] of this.held) {
      if (now - lane.lastWanted > IDLE_RELEASE_MS) await this.release(tenantId);
      else if (lane.renewAt <= now) await this.renew(tenantId, lane);
    }
  }

  /** Gives every lane up (a clean stop): other processes take over at their next look. */
  async releaseAll(): Promise<void> {
    await Promise.all([...this.held.keys()].map((tenantId) => this.release(tenantId)));
  }

  private async tryTake(tenantId: string): Promise<void> {
    const startedAt = this.clock();
    try {
      if (await this.options.leases.tryAcquire(laneName(tenantId), this.options.holder, this.ttlMs)) {
        this.held.set(tenantId, this.freshLane(startedAt));
        this.busyUntil.delete(tenantId);
        return;
      }
    } catch {
      // Storage trouble: try again at a later look.
    }
    // Held elsewhere: a holder that dies is noticed within a third of the lease time after it runs out.
    this.busyUntil.set(tenantId, startedAt + Math.ceil(this.ttlMs / 3));
  }

  private async renew(tenantId: string, lane: HeldLane): Promise<void> {
    const startedAt = this.clock();
    try {
      if (await this.options.leases.renew(laneName(tenantId), this.options.holder, this.ttlMs)) {
        this.held.set(tenantId, { ...this.freshLane(startedAt), lastWanted: lane.lastWanted });
      } else {
        this.held.delete(tenantId);
      }
    } catch {
      // Keep the lane until its own deadline; the next look tries again.
    }
  }

  private async release(tenantId: string): Promise<void> {
    this.held.delete(tenantId);
    await this.options.leases.release(laneName(tenantId), this.options.holder).catch(() => undefined);
  }

  private freshLane(startedAt: number): HeldLane {
    // The lease runs from the write, which happened after `startedAt`: counting from before it keeps us inside.
    return { validUntil: startedAt + this.ttlMs - Math.min(2_000, this.ttlMs / 5), renewAt: startedAt + this.ttlMs / 3, lastWanted: startedAt };
  }
}
