import { TableClient, RestError, type TableServiceClientOptions } from '@azure/data-tables';
import type { TokenCredential } from '@azure/identity';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** An account reached with its connection string (shared key, or Azurite's well-known key). */
export interface ConnectionStringConnection {
  connectionString: string;
  /** Azurite speaks plain HTTP. */
  allowInsecure: boolean;
}

/** An account reached with Entra ID tokens (a managed identity in Azure): no key anywhere. */
export interface TokenConnection {
  /** The Table endpoint, e.g. https://<account>.table.core.windows.net */
  accountUrl: string;
  credential: TokenCredential;
}

export type TableConnection = ConnectionStringConnection | TokenConnection;

/** Extra pipeline policies for every table client made after this is set (bench/turn.ts counts requests with one). */
export const tablePolicies: PipelinePolicy[] = [];

/**
 * The one retry policy for storage calls: the SDK's exponential retry (@azure/core-rest-pipeline), which retries
 * ECONNREFUSED, ECONNRESET, ETIMEDOUT, 408, 429 (after Retry-After) and 5xx other than 501/505. Connection refused is
 * what an embedded Azurite restarting looks like; its supervisor starts it again within a second or two, well inside
 * these retries (about 1 + 2 + 4 s, with jitter). Code above storage does not add retries of its own.
 */
const STORAGE_RETRY_OPTIONS = { maxRetries: 3, retryDelayInMs: 1_000, maxRetryDelayInMs: 64_000 } as const;

export function tableClient(connection: TableConnection, tableName: string, options: TableServiceClientOptions = {}): TableClient {
  const withPolicies = { retryOptions: STORAGE_RETRY_OPTIONS, ...options, additionalPolicies: tablePolicies.map((policy) => ({ policy, position: 'perCall' as const })) };
  if ('accountUrl' in connection) return new TableClient(connection.accountUrl, tableName, connection.credential, withPolicies);
  return TableClient.fromConnectionString(connection.connectionString, tableName, {
    ...withPolicies,
    allowInsecureConnection: connection.allowInsecure
  });
}

export async function ensureTable(client: TableClient): Promise<void> {
  try {
    await client.createTable();
  } catch (error) {
    if (!isStatus(error, 409)) throw error;
  }
}

export function isStatus(error: unknown, status: number): boolean {
  return error instanceof RestError ? error.statusCode === status : (error as { statusCode?: number })?.statusCode === status;
}

/**
 * Table keys forbid `/ \ # ?` and control characters; Teams ids carry `:` `;` `@` and teams-ai keys carry `/`.
 * Percent-encoding the forbidden set (and `%` itself) keeps keys readable and reversible.
 */
export function encodeKey(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return value.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase());
}

export function decodeKey(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
