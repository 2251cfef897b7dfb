import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedAzurite, type EmbeddedAzurite } from '../../src/storage/azurite';

/** Starts a real Azurite (in memory, free port) for the enclosing `describe`, and stops it after. */
export function useAzurite(): () => EmbeddedAzurite {
  let azurite: EmbeddedAzurite | undefined;
  before(async function () {
    this.timeout(30000);
    azurite = await startEmbeddedAzurite({ location: mkdtempSync(join(tmpdir(), 'azurite-test-')), inMemory: true });
  });
  after(async () => {
    await azurite?.stop();
  });
  return () => {
    if (!azurite) throw new Error('Azurite is not running');
    return azurite;
  };
}

let tableCounter = 0;
/** Table names must be alphanumeric; a fresh one per test keeps tests independent. */
export function uniqueTableName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(tableCounter++).toString(36)}`;
}
