/**
 * What happened to each feed snapshot after it was built, durably, so that a crash between a state change and the
 * notices about it is finished on the next pass: per snapshot a progress row (jobs moved in feed? first LinkedIn
 * download? jobs moved to posted?), and one row per successful download (time, user agent, bytes): LinkedIn's under
 * `download|`, previews (anyone else: an admin's browser, a monitoring probe) apart under `preview|`.
 */
import { randomBytes } from 'node:crypto';
import type { TableClient } from '@azure/data-tables';
import { encodeKey, isStatus, odataString } from './tables';

export const FEED_EVENTS_TABLE = 'feedevents';

/** One download of a feed: LinkedIn's (which moves jobs to posted) or anyone else's (a preview). */
export interface FeedDownload {
  at: string;
  userAgent: string;
  bytes: number;
}

export interface SnapshotProgress {
  snapshotId: string;
  builtAt: string;
  /** The build's queued → in_feed moves and their notices are done. */
  fedDone: boolean;
  /** LinkedIn's first download of this snapshot; the time stamped on the jobs it moves to posted. */
  firstDownloadAt?: string;
  /** The in_feed → posted moves and their notices are done. */
  postedDone: boolean;
}

export interface FeedEventStore {
  /** Written before the snapshot is published, so a crash after publishing leaves a trace to finish from. */
  beginSnapshot(tenantId: string, snapshotId: string, builtAt: string): Promise<void>;
  progress(tenantId: string, snapshotId: string): Promise<SnapshotProgress | undefined>;
  markFedDone(tenantId: string, snapshotId: string): Promise<void>;
  /** Sets firstDownloadAt unless set (the first caller wins, across instances); returns the progress after. */
  firstDownload(tenantId: string, snapshotId: string, at: Date): Promise<SnapshotProgress | undefined>;
  markPostedDone(tenantId: string, snapshotId: string): Promise<void>;
  recordDownload(tenantId: string, snapshotId: string, download: FeedDownload): Promise<void>;
  /** LinkedIn's latest download (previews never count). */
  lastDownload(tenantId: string): Promise<FeedDownload | undefined>;
  /** A download by anyone but LinkedIn: recorded apart, changes nothing. */
  recordPreview(tenantId: string, snapshotId: string, download: FeedDownload): Promise<void>;
  /** The latest previews, newest first. */
  recentPreviews(tenantId: string, limit: number): Promise<FeedDownload[]>;
}

const progressKey = (snapshotId: string) => `progress|${snapshotId}`;
const DOWNLOAD_PREFIX = 'download|';
const PREVIEW_PREFIX = 'preview|';
/** Newest first in key order: milliseconds counted down from a far date. */
const downloadKey = (at: Date, prefix = DOWNLOAD_PREFIX) => `${prefix}${String(9_999_999_999_999 - at.getTime()).padStart(13, '0')}|${randomBytes(3).toString('hex')}`;

interface ProgressRow {
  snapshotId: string;
  builtAt: string;
  fedDone: boolean;
  firstDownloadAt?: string;
  postedDone: boolean;
}

export class TableFeedEventStore implements FeedEventStore {
  constructor(private readonly table: TableClient) {}

  async beginSnapshot(tenantId: string, snapshotId: string, builtAt: string): Promise<void> {
    await this.table.upsertEntity({
      partitionKey: encodeKey(tenantId), rowKey: progressKey(snapshotId), snapshotId, builtAt, fedDone: false, postedDone: false
    }, 'Replace');
  }

  async progress(tenantId: string, snapshotId: string): Promise<SnapshotProgress | undefined> {
    return (await this.readProgress(tenantId, snapshotId))?.progress;
  }

  async markFedDone(tenantId: string, snapshotId: string): Promise<void> {
    await this.merge(tenantId, snapshotId, { fedDone: true });
  }

  async markPostedDone(tenantId: string, snapshotId: string): Promise<void> {
    await this.merge(tenantId, snapshotId, { postedDone: true });
  }

  async firstDownload(tenantId: string, snapshotId: string, at: Date): Promise<SnapshotProgress | undefined> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const read = await this.readProgress(tenantId, snapshotId);
      if (!read || read.progress.firstDownloadAt) return read?.progress;
      try {
        const firstDownloadAt = at.toISOString();
        await this.table.updateEntity(
          { partitionKey: encodeKey(tenantId), rowKey: progressKey(snapshotId), firstDownloadAt }, 'Merge', { etag: read.etag }
        );
        return { ...read.progress, firstDownloadAt };
      } catch (error) {
        if (!isStatus(error, 412)) throw error; // another download got there first: read theirs
      }
    }
    return this.progress(tenantId, snapshotId);
  }

  async recordDownload(tenantId: string, snapshotId: string, download: FeedDownload): Promise<void> {
    await this.record(tenantId, snapshotId, download, DOWNLOAD_PREFIX);
  }

  async recordPreview(tenantId: string, snapshotId: string, download: FeedDownload): Promise<void> {
    await this.record(tenantId, snapshotId, download, PREVIEW_PREFIX);
  }

  async lastDownload(tenantId: string): Promise<FeedDownload | undefined> {
    return (await this.latest(tenantId, DOWNLOAD_PREFIX, 1))[0];
  }

  recentPreviews(tenantId: string, limit: number): Promise<FeedDownload[]> {
    return this.latest(tenantId, PREVIEW_PREFIX, limit);
  }

  private async record(tenantId: string, snapshotId: string, download: FeedDownload, prefix: string): Promise<void> {
    await this.table.createEntity({
      partitionKey: encodeKey(tenantId), rowKey: downloadKey(new Date(download.at), prefix), snapshotId,
      at: download.at, userAgent: download.userAgent.slice(0, 1000), bytes: download.bytes
    });
  }

  /** Newest first: the row keys count time down. */
  private async latest(tenantId: string, prefix: string, limit: number): Promise<FeedDownload[]> {
    const partitionKey = encodeKey(tenantId);
    const end = prefix.slice(0, -1) + '}';
    const filter = `PartitionKey eq ${odataString(partitionKey)} and RowKey ge ${odataString(prefix)} and RowKey lt ${odataString(end)}`;
    const pages = this.table.listEntities<{ at: string; userAgent: string; bytes: number }>({ queryOptions: { filter } }).byPage({ maxPageSize: limit });
    for await (const page of pages) {
      return page.slice(0, limit).map((row) => ({ at: row.at, userAgent: row.userAgent, bytes: Number(row.bytes) }));
    }
    return [];
  }

  private async readProgress(tenantId: string, snapshotId: string): Promise<{ progress: SnapshotProgress; etag: string } | undefined> {
    try {
      const row = await this.table.getEntity<ProgressRow>(encodeKey(tenantId), progressKey(snapshotId));
      return {
        etag: row.etag,
        progress: {
          snapshotId: row.snapshotId, builtAt: row.builtAt, fedDone: row.fedDone === true,
          firstDownloadAt: row.firstDownloadAt || undefined, postedDone: row.postedDone === true
        }
      };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async merge(tenantId: string, snapshotId: string, values: Record<string, unknown>): Promise<void> {
    await this.table.updateEntity({ partitionKey: encodeKey(tenantId), rowKey: progressKey(snapshotId), ...values }, 'Merge');
  }
}
