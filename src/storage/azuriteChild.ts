/**
 * Runs Azurite's table service inside a child process of the bot. It exits when its parent goes away
 * (the IPC channel closes even when the parent is killed with SIGKILL), so no Azurite outlives the bot.
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';

// Azurite ships no type declarations for its internals: require them, typed as far as this file uses them.
type AzuriteModule<T> = { default: new (...args: unknown[]) => T };
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import of an undeclared module does not compile
const TableConfiguration = (require('azurite/dist/src/table/TableConfiguration') as AzuriteModule<object>).default;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an import of an undeclared module does not compile
const TableServer = (require('azurite/dist/src/table/TableServer') as AzuriteModule<{ start(): Promise<void>; close(): Promise<void> }>).default;

async function main(): Promise<void> {
  const [port, location, inMemory] = [Number(process.argv[2]), process.argv[3], process.argv[4] === 'memory'];
  mkdirSync(location, { recursive: true });
  const config = new TableConfiguration(
    '127.0.0.1', port, undefined, join(location, '__azurite_db_table__.json'),
    false, false, undefined, undefined, false, true, '', '', '', undefined, false, inMemory
  );
  const server = new TableServer(config);
  await server.start();
  process.send?.({ ready: true, port });
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    // Closing waits for open connections; a client still sending (a parent killed mid-request) must not keep it alive.
    setTimeout(() => process.exit(0), 5_000).unref();
    void server.close().finally(() => process.exit(0));
  };
  process.on('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: Error) => {
  console.error(`azurite: ${error.message}`);
  process.exit(1);
});
