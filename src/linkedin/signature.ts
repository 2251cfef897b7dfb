/**
 * LinkedIn webhook security, per "Webhook validation"
 * (https://learn.microsoft.com/linkedin/shared/api-guide/webhook-validation):
 * - endpoint validation: `challengeResponse` = hex HMAC-SHA256 of `challengeCode`, keyed with the app's client secret;
 * - every push: `X-LI-Signature` = hex HMAC-SHA256, same key, of `hmacsha256=` followed by the raw POST body.
 *   Events whose signature does not match are discarded.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const PREFIX = 'hmacsha256=';
const hmacHex = (secret: string, data: Buffer | string) => createHmac('sha256', secret).update(data).digest('hex');

export function challengeResponse(challengeCode: string, clientSecret: string): string {
  return hmacHex(clientSecret, challengeCode);
}

/** The signature LinkedIn sends for `rawBody` (the exact bytes received, never a re-serialised object). */
export function pushSignature(rawBody: Buffer | string, clientSecret: string): string {
  return hmacHex(clientSecret, Buffer.concat([Buffer.from(PREFIX), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody)]));
}

/**
 * Constant-time check of the `X-LI-Signature` header, in any hex case, with or without a leading `hmacsha256=`
 * (LinkedIn's wording leaves open whether the header carries it). A missing or malformed header is simply false.
 */
export function isValidPushSignature(rawBody: Buffer, header: string | undefined, clientSecret: string): boolean {
  if (!header) return false;
  let value = header.trim().toLowerCase();
  if (value.startsWith(PREFIX)) value = value.slice(PREFIX.length);
  const expected = Buffer.from(pushSignature(rawBody, clientSecret), 'utf8');
  const given = Buffer.from(value, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
