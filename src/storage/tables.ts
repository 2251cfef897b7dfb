import { TableClient, TableServiceClient, RestError } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

export interface TableConnection {
  connectionString: string;
  /** Azurite speaks plain HTTP. */
  allowInsecure: boolean;
}

/** Extra pipeline policies for every table client made after this is set (bench/turn.ts counts requests with one). */
export const tablePolicies: PipelinePolicy[] = [];

export function tableClient(connection: TableConnection, tableName: string): TableClient {
  return TableClient.fromConnectionString(connection.connectionString, tableName, {
    allowInsecureConnection: connection.allowInsecure,
    additionalPolicies: tablePolicies.map((policy) => ({ policy, position: 'perCall' as const }))
  });
}

export function serviceClient(connection: TableConnection): TableServiceClient {
  return TableServiceClient.fromConnectionString(connection.connectionString, {
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
  return value.replace(/[%/\\#?\u0000-\u001f\u007f-\u009f]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase());
}

export function decodeKey(value: string): string {
  return value.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
