/**
 * Built feeds, kept durably so every download between two builds gets the same document, across restarts and
 * instances. A snapshot is gzip bytes in chunks; a per-tenant "current" pointer names the one being served.
 * Readers only ever follow the pointer, and the pointer moves only to a complete snapshot.
 */
import type { HoldReason } from '../domain/feedRules';

export interface HeldBackJob {
  jobId: string;
  reasons: HoldReason[];
}

/** Held-back jobs stored with a snapshot; the total is kept beside them. */
export const STORED_HELD_BACK_MAX = 1000;

export interface SnapshotMeta {
  snapshotId: string;
  /** ISO time of the build (the feed's lastBuildDate): Last-Modified. */
  builtAt: string;
  /** The schedule slot (local date) the build was for; absent for a build on demand outside the schedule. */
  slot?: string;
  jobCount: number;
  /** Size of the XML document. */
  bytes: number;
  /** Size of the stored gzip document. */
  gzipBytes: number;
  /** Hex SHA-256 identifying the XML content (see buildFeed for how it is formed). */
  sha256: string;
  /** Strong HTTP entity tag, quotes included. */
  etag: string;
  /** The first STORED_HELD_BACK_MAX held-back jobs. */
  heldBack: HeldBackJob[];
  heldBackTotal: number;
}

/** What a build records; the store adds the id, sizes and ETag. */
export type SnapshotFacts = Omit<SnapshotMeta, 'snapshotId' | 'gzipBytes' | 'etag'>;

/** A snapshot being written; invisible to readers until published. */
export interface SnapshotDraft {
  readonly snapshotId: string;
  /** The snapshot the pointer named when the draft began. */
  readonly previous?: SnapshotMeta;
  /** Adds bytes to the body, in order. */
  append(bytes: Uint8Array): Promise<void>;
  /**
   * Stores the head, the bytes that come before the whole body (a feed's header carries the job count, known only
   * once the body is written), and flushes the body. Returns the document's size in bytes.
   */
  finish(head: Uint8Array): Promise<number>;
  /** Deletes whatever this draft stored; best effort. */
  discard(): Promise<void>;
}

export interface FeedSnapshotStore {
  /** The snapshot being served, if any. */
  current(tenantId: string): Promise<SnapshotMeta | undefined>;
  /** The snapshot's gzip bytes, head first, a chunk at a time; throws SnapshotMissingError if it is gone. */
  open(tenantId: string, snapshotId: string): AsyncIterable<Buffer>;
  /** Starts a new snapshot based on the current pointer. */
  begin(tenantId: string): Promise<SnapshotDraft>;
  /**
   * Points `current` at the finished draft if the pointer has not moved since `begin`; false if another build got
   * there first (the draft is then discarded). Afterwards deletes older snapshots' chunks, best effort, keeping the
   * one just replaced so that downloads already under way can finish.
   */
  publish(draft: SnapshotDraft, facts: SnapshotFacts): Promise<SnapshotMeta | undefined>;
}

export class SnapshotMissingError extends Error {
  constructor(readonly tenantId: string, readonly snapshotId: string) {
    super(`Feed snapshot ${snapshotId} is not stored (replaced and cleaned up, or never finished)`);
    this.name = 'SnapshotMissingError';
  }
}
