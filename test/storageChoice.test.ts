import type { Logger } from '../src/logger';
import assert from 'node:assert/strict';
import type { TokenCredential } from '@azure/identity';
import { parseConfig } from '../src/config';
import { chooseStorage, connectionStringTarget, openStorage } from '../src/storage/openStorage';
import { tableClient } from '../src/storage/tables';

const KEY = 'c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZQ==';

function recordingLogger() {
  const lines: string[] = [];
  const write = (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ message, ...fields }));
  const logger: Logger = { info: write, warn: write, error: write, child: () => logger };
  return { lines, logger };
}

describe('storage choice', () => {
  it('an account URL wins over nothing, a connection string otherwise, else embedded Azurite', () => {
    assert.deepEqual(chooseStorage({ AZURE_STORAGE_ACCOUNT_URL: 'https://contoso.table.core.windows.net' }), {
      kind: 'account-url',
      accountUrl: 'https://contoso.table.core.windows.net'
    });
    assert.equal(chooseStorage({ AZURE_STORAGE_CONNECTION_STRING: `AccountName=contoso;AccountKey=${KEY}` }).kind, 'connection-string');
    assert.equal(chooseStorage({}).kind, 'embedded');
  });

  it('configuration: the URL must be https, and only one of the two may be set', () => {
    assert.equal(parseConfig({ AZURE_STORAGE_ACCOUNT_URL: 'https://contoso.table.core.windows.net/' }).AZURE_STORAGE_ACCOUNT_URL, 'https://contoso.table.core.windows.net/');
    assert.throws(() => parseConfig({ AZURE_STORAGE_ACCOUNT_URL: 'http://contoso.table.core.windows.net' }), /AZURE_STORAGE_ACCOUNT_URL must be an https URL/);
    assert.throws(() => parseConfig({ AZURE_STORAGE_ACCOUNT_URL: 'contoso' }), /AZURE_STORAGE_ACCOUNT_URL must be the Table endpoint/);
    assert.throws(
      () => parseConfig({ AZURE_STORAGE_ACCOUNT_URL: 'https://contoso.table.core.windows.net', AZURE_STORAGE_CONNECTION_STRING: `AccountName=contoso;AccountKey=${KEY}` }),
      /AZURE_STORAGE_ACCOUNT_URL and AZURE_STORAGE_CONNECTION_STRING are both set/
    );
  });

  it('the first log line names the choice, never the key', async () => {
    const connectionString = `DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=${KEY};EndpointSuffix=core.windows.net`;
    const { lines, logger } = recordingLogger();
    const opened = await openStorage({ AZURE_STORAGE_CONNECTION_STRING: connectionString, DATA_DIR: '.data', AZURITE_IN_MEMORY: true }, logger);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /AZURE_STORAGE_CONNECTION_STRING \(account contoso\)/);
    assert.doesNotMatch(lines[0], new RegExp(KEY.slice(0, 12)));
    assert.ok('connectionString' in opened.connection && !opened.connection.allowInsecure);
    assert.equal(connectionStringTarget(`AccountName=x;SharedAccessSignature=sv=2020&sig=abc;TableEndpoint=https://x.table.core.windows.net`), 'account x, endpoint https://x.table.core.windows.net');
  });

  it('with an account URL the tables are reached with the token credential, and the log says so', async () => {
    const credential: TokenCredential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60000 }) };
    const { lines, logger } = recordingLogger();
    const opened = await openStorage(
      { AZURE_STORAGE_ACCOUNT_URL: 'https://contoso.table.core.windows.net', DATA_DIR: '.data', AZURITE_IN_MEMORY: true },
      logger,
      () => credential
    );
    assert.match(lines[0], /storage: Azure Table Storage at https:\/\/contoso\.table\.core\.windows\.net with Entra ID tokens/);
    assert.ok('accountUrl' in opened.connection && opened.connection.credential === credential);
    const jobs = tableClient(opened.connection, 'jobs');
    assert.equal(jobs.url, 'https://contoso.table.core.windows.net');
    assert.equal(jobs.tableName, 'jobs');
  });
});
