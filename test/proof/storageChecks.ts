/** Reads of the bot's own tables that the proof suites share: what is still in flight, what is stuck. */
import { tableClient, type TableConnection } from '../../src/storage/tables';

const IN_FLIGHT = new Set(['pending', 'claimed', 'sending', 'updating']);

export async function allRows(connection: TableConnection, table: string): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  try {
    for await (const entity of tableClient(connection, table).listEntities()) rows.push(entity);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
  return rows;
}

/** Outbox rows still on their way (pending, claimed, sending, updating). */
export async function outboxInFlight(connection: TableConnection): Promise<Array<Record<string, unknown>>> {
  return (await allRows(connection, 'outbox')).filter((row) => IN_FLIGHT.has(String(row.state)) || (row.state === 'sent' && row.updatePending === true));
}

export async function outboxSettled(connection: TableConnection): Promise<boolean> {
  return (await outboxInFlight(connection)).length === 0;
}

/** Export pushes not settled yet (their `due` rows). */
export async function exportsDue(connection: TableConnection): Promise<Array<Record<string, unknown>>> {
  return (await allRows(connection, 'exports')).filter((row) => row.partitionKey === 'due');
}
