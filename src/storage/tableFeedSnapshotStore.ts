/**
 * Feed snapshots in Table Storage. Table rather than Blob storage keeps the bot on one storage service: the jobs,
 * the leases and the snapshots live in the same account and API, and the embedded Azurite runs only its table
 * service. The price is chunking: a Binary property holds at most 64 KiB and an entity at most 1 MiB
 * (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model).
 *
 * Rows, all in the tenant's partition:
 *   `current`                     the pointer: which snapshot is served, and its facts
 *   `chunk|<snapshotId>|000000`   the head chunk, written last: its presence means the snapshot is complete
 *   `chunk|<snapshotId>|000001…`  body chunks, each up to `partsPerChunk` Binary properties of `partBytes`
 * Snapshot ids start with a generation number (the pointer's, plus one), so cleanup can tell old from new.
 */
import { randomBytes } from 'node:crypto';
import type { TableClient, TableEntityResult, TransactionAction } from '@azure/data-tables';
import {
  STORED_HELD_BACK_MAX, SnapshotMissingError,
  type FeedSnapshotStore, type HeldBackJob, type SnapshotDraft, type SnapshotFacts, type SnapshotMeta
} from './feedSnapshotStore';
import { encodeKey, isStatus, odataString } from './tables';

export const FEED_SNAPSHOTS_TABLE = 'feedsnapshots';

export interface ChunkLayout {
  /** Bytes per Binary property; Table Storage allows 64 KiB. */
  partBytes: number;
  /** Binary properties per entity; 15 × 64 KiB stays under the 1 MiB entity limit with room for keys. */
  partsPerChunk: number;
}

const DEFAULT_LAYOUT: ChunkLayout = { partBytes: 64 * 1024, partsPerChunk: 15 };
/** A String property holds 64 KiB of UTF-16, 32,768 characters; the held-back JSON is split below that. */
const TEXT_PART_CHARS = 30_000;
const POINTER_ROW = 'current';
const CHUNK_PREFIX = 'chunk|';
const TRANSACTION_MAX = 100;

type Row = Record<string, unknown>;

const chunkKey = (snapshotId: string, seq: number) => `${CHUNK_PREFIX}${snapshotId}|${String(seq).padStart(6, '0')}`;
const snapshotOfChunkKey = (rowKey: string) => rowKey.slice(CHUNK_PREFIX.length, rowKey.lastIndexOf('|'));
const generationOf = (snapshotId: string) => Number.parseInt(snapshotId.slice(0, 10), 10);
const newSnapshotId = (generation: number) => `${String(generation).padStart(10, '0')}-${randomBytes(4).toString('hex')}`;
const etagOf = (sha256: string) => `"${sha256}"`;

function chunkRange(partitionKey: string, prefix: string): string {
  // '}' follows '|' in code-point order, so [prefix, prefix-with-'}'-for-'|') is exactly the rows starting with prefix.
  const upper = prefix.slice(0, -1) + '}';
  return `PartitionKey eq ${odataString(partitionKey)} and RowKey ge ${odataString(prefix)} and RowKey lt ${odataString(upper)}`;
}

function splitText(name: string, text: string): Row {
  const row: Row = {};
  let count = 0;
  for (let at = 0; at < text.length; at += TEXT_PART_CHARS) row[`${name}${count++}`] = text.slice(at, at + TEXT_PART_CHARS);
  row[`${name}Parts`] = count;
  return row;
}

function joinText(name: string, row: Row): string {
  let text = '';
  for (let i = 0; i < Number(row[`${name}Parts`] ?? 0); i++) text += String(row[`${name}${i}`]);
  return text;
}

function partsOf(row: Row): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < Number(row.parts); i++) {
    const part = row[`p${i}`] as Uint8Array;
    parts.push(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
  }
  return parts;
}

function partsRow(parts: readonly Uint8Array[]): Row {
  const row: Row = { parts: parts.length };
  parts.forEach((part, i) => (row[`p${i}`] = part));
  return row;
}

function pointerRow(partitionKey: string, meta: SnapshotMeta, generation: number): Row & { partitionKey: string; rowKey: string } {
  const { heldBack, etag: _etag, ...scalars } = meta;
  return {
    partitionKey, rowKey: POINTER_ROW, ...scalars, slot: meta.slot ?? '', generation,
    ...splitText('heldBack', JSON.stringify(heldBack.slice(0, STORED_HELD_BACK_MAX)))
  };
}

function metaOf(row: Row): SnapshotMeta {
  const sha256 = String(row.sha256);
  return {
    snapshotId: String(row.snapshotId),
    builtAt: String(row.builtAt),
    slot: row.slot ? String(row.slot) : undefined,
    jobCount: Number(row.jobCount),
    bytes: Number(row.bytes),
    gzipBytes: Number(row.gzipBytes),
    sha256,
    etag: etagOf(sha256),
    heldBack: JSON.parse(joinText('heldBack', row) || '[]') as HeldBackJob[],
    heldBackTotal: Number(row.heldBackTotal)
  };
}

class TableSnapshotDraft implements SnapshotDraft {
  private part: Buffer;
  private partFill = 0;
  private parts: Buffer[] = [];
  private nextSeq = 1;
  private stored = 0;
  gzipBytes = 0;

  constructor(
    private readonly store: TableFeedSnapshotStore,
    readonly partitionKey: string,
    readonly snapshotId: string,
    readonly generation: number,
    readonly basisEtag: string | undefined,
    readonly previous: SnapshotMeta | undefined,
    private readonly layout: ChunkLayout
  ) {
    this.part = Buffer.allocUnsafe(layout.partBytes);
  }

  async append(bytes: Uint8Array): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      const copied = Buffer.from(bytes.buffer, bytes.byteOffset + at, bytes.length - at).copy(this.part, this.partFill);
      this.partFill += copied;
      at += copied;
      if (this.partFill === this.layout.partBytes) this.closePart();
      if (this.parts.length === this.layout.partsPerChunk) await this.writeBodyChunk();
    }
  }

  async finish(head: Uint8Array): Promise<number> {
    if (this.partFill > 0) this.closePart();
    if (this.parts.length > 0) await this.writeBodyChunk();
    const headParts: Buffer[] = [];
    for (let at = 0; at < head.length; at += this.layout.partBytes) headParts.push(Buffer.from(head.subarray(at, at + this.layout.partBytes)));
    this.gzipBytes = this.stored + head.length;
    await this.store.writeChunk(this.partitionKey, this.snapshotId, 0, headParts, { chunkCount: this.nextSeq, gzipBytes: this.gzipBytes });
    return this.gzipBytes;
  }

  discard(): Promise<void> {
    return this.store.deleteSnapshots(this.partitionKey, new Set([this.snapshotId])).catch(() => undefined);
  }

  private closePart(): void {
    this.parts.push(this.part.subarray(0, this.partFill));
    this.part = Buffer.allocUnsafe(this.layout.partBytes);
    this.partFill = 0;
  }

  private async writeBodyChunk(): Promise<void> {
    const parts = this.parts;
    this.parts = [];
    await this.store.writeChunk(this.partitionKey, this.snapshotId, this.nextSeq++, parts);
    this.stored += parts.reduce((sum, part) => sum + part.length, 0);
  }
}

export class TableFeedSnapshotStore implements FeedSnapshotStore {
  private readonly layout: ChunkLayout;

  constructor(private readonly table: TableClient, layout: Partial<ChunkLayout> = {}) {
    this.layout = { ...DEFAULT_LAYOUT, ...layout };
    if (this.layout.partBytes > DEFAULT_LAYOUT.partBytes || this.layout.partBytes * this.layout.partsPerChunk > 1_000_000) {
      throw new RangeError('A chunk must fit Table Storage: parts of at most 64 KiB, entities under 1 MiB');
    }
  }

  async current(tenantId: string): Promise<SnapshotMeta | undefined> {
    const pointer = await this.readPointer(encodeKey(tenantId));
    return pointer && metaOf(pointer);
  }

  async *open(tenantId: string, snapshotId: string): AsyncIterable<Buffer> {
    const partitionKey = encodeKey(tenantId);
    const head = await this.readChunk(partitionKey, snapshotId, 0);
    if (!head) throw new SnapshotMissingError(tenantId, snapshotId);
    yield* partsOf(head);
    const chunkCount = Number(head.chunkCount);
    let next = this.prefetchChunk(partitionKey, snapshotId, 1, chunkCount);
    for (let seq = 1; seq < chunkCount; seq++) {
      const chunk = await next;
      next = this.prefetchChunk(partitionKey, snapshotId, seq + 1, chunkCount);
      if (!chunk) throw new SnapshotMissingError(tenantId, snapshotId);
      yield* partsOf(chunk);
    }
  }

  async begin(tenantId: string): Promise<SnapshotDraft> {
    const partitionKey = encodeKey(tenantId);
    const pointer = await this.readPointer(partitionKey);
    const generation = pointer ? Number(pointer.generation) + 1 : 1;
    const previous = pointer && metaOf(pointer);
    return new TableSnapshotDraft(this, partitionKey, newSnapshotId(generation), generation, pointer?.etag, previous, this.layout);
  }

  async publish(draft: SnapshotDraft, facts: SnapshotFacts): Promise<SnapshotMeta | undefined> {
    if (!(draft instanceof TableSnapshotDraft)) throw new TypeError('publish takes a draft from this store');
    const meta: SnapshotMeta = { ...facts, snapshotId: draft.snapshotId, gzipBytes: draft.gzipBytes, etag: etagOf(facts.sha256) };
    if (!(await this.movePointer(draft, pointerRow(draft.partitionKey, meta, draft.generation)))) {
      await draft.discard();
      return undefined;
    }
    await this.deleteOlderSnapshots(draft).catch(() => undefined);
    return meta;
  }

  /** Used by drafts. */
  async writeChunk(partitionKey: string, snapshotId: string, seq: number, parts: readonly Uint8Array[], extra: Row = {}): Promise<void> {
    await this.table.createEntity({ partitionKey, rowKey: chunkKey(snapshotId, seq), ...partsRow(parts), ...extra });
  }

  /** Deletes every chunk of the given snapshots. */
  async deleteSnapshots(partitionKey: string, snapshotIds: ReadonlySet<string>): Promise<void> {
    await this.deleteChunksWhere(partitionKey, (snapshotId) => snapshotIds.has(snapshotId));
  }

  /** Up to the new generation (later ones belong to builds that started after the flip), minus the new and the replaced. */
  private deleteOlderSnapshots(draft: TableSnapshotDraft): Promise<void> {
    const keep = new Set([draft.snapshotId, draft.previous?.snapshotId]);
    return this.deleteChunksWhere(draft.partitionKey, (id) => !keep.has(id) && generationOf(id) <= draft.generation);
  }

  private async deleteChunksWhere(partitionKey: string, doomed: (snapshotId: string) => boolean): Promise<void> {
    const rows = this.table.listEntities({
      queryOptions: { filter: chunkRange(partitionKey, CHUNK_PREFIX), select: ['RowKey'] }
    });
    const batch: TransactionAction[] = [];
    for await (const row of rows) {
      if (!doomed(snapshotOfChunkKey(row.rowKey!))) continue;
      batch.push(['delete', { partitionKey, rowKey: row.rowKey! }]);
      if (batch.length === TRANSACTION_MAX) await this.table.submitTransaction(batch.splice(0));
    }
    if (batch.length > 0) await this.table.submitTransaction(batch);
  }

  /** The ETag check is what keeps two builds from both publishing: the later flip finds the pointer moved. */
  private async movePointer(draft: TableSnapshotDraft, row: Row & { partitionKey: string; rowKey: string }): Promise<boolean> {
    try {
      if (draft.basisEtag) await this.table.updateEntity(row, 'Replace', { etag: draft.basisEtag });
      else await this.table.createEntity(row);
      return true;
    } catch (error) {
      if (isStatus(error, 412) || isStatus(error, 409) || isStatus(error, 404)) return false;
      throw error;
    }
  }

  private async readPointer(partitionKey: string): Promise<TableEntityResult<Row> | undefined> {
    return this.readRow(partitionKey, POINTER_ROW);
  }

  private readChunk(partitionKey: string, snapshotId: string, seq: number): Promise<TableEntityResult<Row> | undefined> {
    return this.readRow(partitionKey, chunkKey(snapshotId, seq));
  }

  /** Reads the next chunk while the caller sends the current one. */
  private prefetchChunk(partitionKey: string, snapshotId: string, seq: number, chunkCount: number) {
    if (seq >= chunkCount) return Promise.resolve(undefined);
    const pending = this.readChunk(partitionKey, snapshotId, seq);
    pending.catch(() => undefined);
    return pending;
  }

  private async readRow(partitionKey: string, rowKey: string): Promise<TableEntityResult<Row> | undefined> {
    try {
      return await this.table.getEntity<Row>(partitionKey, rowKey);
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }
}
