import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Transform } from 'node:stream';
import type { IncomingMessage } from 'node:http';

/** A request body that cannot be read: the status and error code to answer with. */
export class BodyError extends Error {
  constructor(readonly status: 413 | 415 | 400, readonly code: string, message: string) {
    super(message);
  }
}

const DECODERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress
};

/**
 * Reads a request body of at most `maxBytes`, both as sent and after `Content-Encoding` is undone: a decoder stops
 * at the limit, so a small compressed body never inflates into memory. Past the limit the rest of the request is
 * drained unread and the answer is 413.
 */
export function readLimitedBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const makeDecoder = encoding === 'identity' || encoding === '' ? undefined : DECODERS[encoding];
    if (encoding !== 'identity' && encoding !== '' && !makeDecoder) {
      req.resume();
      return reject(new BodyError(415, 'unsupported_media_type', 'Content-Encoding must be gzip, deflate, br or identity.'));
    }
    const tooLarge = () => new BodyError(413, 'payload_too_large', `Request body size exceeds ${maxBytes} bytes.`);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      return reject(tooLarge());
    }

    const chunks: Buffer[] = [];
    let decodedBytes = 0;
    let wireBytes = 0;
    let failed: BodyError | undefined;
    const fail = (error: BodyError) => {
      if (failed) return;
      failed = error;
      decoder?.destroy();
      chunks.length = 0;
    };
    const keep = (chunk: Buffer) => {
      if (failed) return;
      decodedBytes += chunk.length;
      if (decodedBytes > maxBytes) return fail(tooLarge());
      chunks.push(chunk);
    };

    const decoder = makeDecoder?.();
    let decoded = !decoder;
    let received = false;
    const finish = () => {
      if (!decoded || !received) return;
      if (failed) reject(failed);
      else resolve(Buffer.concat(chunks));
    };
    if (decoder) {
      decoder.on('data', keep);
      decoder.once('error', () => fail(new BodyError(400, 'bad_request', `The body is not valid ${encoding} data.`)));
      decoder.once('close', () => {
        decoded = true;
        finish();
      });
    }

    req.on('data', (chunk: Buffer) => {
      wireBytes += chunk.length;
      if (wireBytes > maxBytes) fail(tooLarge());
      if (failed) return;
      if (decoder) decoder.write(chunk);
      else keep(chunk);
    });
    req.once('end', () => {
      received = true;
      if (decoder && !failed) decoder.end();
      else {
        decoded = true;
        finish();
      }
    });
    req.once('error', (error) => {
      decoder?.destroy();
      reject(error);
    });
  });
}
