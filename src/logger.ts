/**
 * Structured logs: one JSON line per event (pino), with `time`, `level`, `message`, the fields given, and whatever a
 * child logger carries (the tenant and the unit of work's correlation id: `activityId`, `pushId`, `noticeId` or
 * `buildId`), so every line of one turn, push, notice or feed build can be found together.
 *
 * Secrets and personal data never reach a line. By key: pino's `redact` removes the values of `REDACTED_KEYS` at any
 * of the first three levels. In text: every string (message and field) has the secret segments of our URLs (the feed
 * token, the push key, one-time download tokens), e-mail addresses and LinkedIn profile URLs replaced, since an error
 * message or a request path can carry them.
 */
import pino, { type DestinationStream } from 'pino';

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `fields` (tenant, correlation id). */
  child(fields: Record<string, unknown>): Logger;
}

/** Keys whose values are secret or personal, wherever they appear in a line's fields. */
export const REDACTED_KEYS = [
  // secrets
  'authorization', 'clientSecret', 'client_secret', 'secret', 'password', 'token', 'accessToken', 'access_token',
  'pushKey', 'feedToken', 'connectionString', 'cookie', 'signature',
  // personal data (GDPR: names, e-mail addresses, profile links)
  'name', 'names', 'firstName', 'lastName', 'fullName', 'displayName', 'email', 'emails', 'emailAddress',
  'emailAddresses', 'posterEmail', 'profileUrl', 'headline', 'phone'
];

const REDACT_PATHS = REDACTED_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);
const CENSOR = '[redacted]';

/** URL path segments that are secrets: the feed token, the push key, one-time download tokens. */
const SECRET_SEGMENTS: RegExp[] = [
  /(\/feeds\/linkedin\/)[^/?#\s"'<>]+?(?=\.xml\b|[/?#\s"'<>]|$)/gi,
  /(\/api\/linkedin\/push\/)[^/?#\s"'<>]+/gi,
  /(\/api\/privacy\/download\/)[^/?#\s"'<>]+/gi,
  /(\/downloads?\/)[^/?#\s"'<>]+/gi
];
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const PROFILE_URL = /(?:https?:\/\/)?(?:[a-z]{2,3}\.)?linkedin\.com\/(?:in|pub|talent\/profile)\/[^\s"'<>)]+/gi;

/**
 * A text with the secret URL segments, e-mail addresses and LinkedIn profile URLs taken out, and any of the known
 * `secrets` (the configured keys and tokens) wherever they appear.
 */
export function scrubText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(CENSOR);
  for (const pattern of SECRET_SEGMENTS) out = out.replace(pattern, `$1${CENSOR}`);
  return out.replace(PROFILE_URL, '[profile url]').replace(EMAIL, '[email]');
}

function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { type: value.name, message: scrubText(value.message, secrets) };
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrub(item, secrets, depth + 1);
  return out;
}

/** The pino logger behind `createLogger` (exported for tests and tools that need pino itself). */
export function pinoLogger(stream: DestinationStream | NodeJS.WritableStream = process.stdout, level = process.env.LOG_LEVEL || 'info'): pino.Logger {
  return pino(
    {
      level,
      messageKey: 'message',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: CENSOR }
    },
    stream
  );
}

function wrap(logger: pino.Logger, secrets: readonly string[]): Logger {
  const write = (level: 'info' | 'warn' | 'error') => (message: string, fields: Record<string, unknown> = {}) =>
    logger[level](scrub(fields, secrets) as Record<string, unknown>, scrubText(message, secrets));
  return {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (fields) => wrap(logger.child(scrub(fields, secrets) as Record<string, unknown>), secrets)
  };
}

export interface LoggerOptions {
  /** Secret values known at start (keys, tokens, passwords from the configuration): never written, wherever they appear. */
  secrets?: ReadonlyArray<string | undefined>;
}

export function createLogger(stream: DestinationStream | NodeJS.WritableStream = process.stdout, options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((secret): secret is string => typeof secret === 'string' && secret.length >= 8);
  return wrap(pinoLogger(stream), secrets);
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {}, child: () => silentLogger };
