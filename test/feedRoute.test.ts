import assert from 'node:assert/strict';
import { acceptsGzip } from '../src/http/feedRoute';

describe('feed route: Accept-Encoding', () => {
  it('sends gzip only to clients that accept it', () => {
    for (const header of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.8', 'x-gzip', '*', 'identity, *;q=0.5']) assert.equal(acceptsGzip(header), true, header);
    for (const header of [undefined, '', 'identity', 'br', 'gzip;q=0', 'gzip;q=0.0, br', '*;q=0', 'gzip;q=0, *']) assert.equal(acceptsGzip(header), false, String(header));
  });
});
