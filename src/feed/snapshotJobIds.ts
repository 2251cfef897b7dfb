import { createGunzip } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';

/**
 * The partnerJobIds in a stored feed: the snapshot itself is the record of which jobs LinkedIn was given.
 * A plain scan is exact here: every value is CDATA whose `]]>` is always split, so `]]></partnerJobId>` appears only
 * where an element really ends, and our job ids hold no `]`.
 */
const PARTNER_JOB_ID = /<partnerJobId><!\[CDATA\[([^\]<]{1,40})\]\]><\/partnerJobId>/g;
const LONGEST_MATCH = 100;

export async function snapshotJobIds(gzipChunks: AsyncIterable<Buffer>): Promise<Set<string>> {
  const ids = new Set<string>();
  let carry = '';
  const xml = createGunzip();
  pipeline(Readable.from(gzipChunks), xml, () => undefined); // a failing source destroys `xml`, so the loop throws
  xml.setEncoding('utf8');
  for await (const text of xml as AsyncIterable<string>) {
    const window = carry + text;
    let scannedTo = 0;
    for (const match of window.matchAll(PARTNER_JOB_ID)) {
      ids.add(match[1]);
      scannedTo = match.index + match[0].length;
    }
    carry = window.slice(Math.max(scannedTo, window.length - LONGEST_MATCH));
  }
  return ids;
}
