import * as assert from 'node:assert/strict';
import { Connection, ConnectionSettings } from '../../../src/azure/connection';
import { FailureError } from '../../../src/engine/failures';
import { Emulator, RESOURCE_AREAS } from '../../emulator';
import { drop, empty, fakeTime, hang, json, page, Script, serve } from './loopback';

const packaging = '7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5';
const nuget = 'b3be7473-68ea-4a81-bfc7-9530baaa19ad';
const token = 'location-token-abcdef';

const routes = json(200, {
  count: 1,
  value: [{ id: 'E81700F7-3BE2-46DE-8624-2EB35882FCAA', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '3.2', maxVersion: '7.2', releasedVersion: '0.0' }],
});
const area = (url: string): Script => json(200, { id: packaging, name: 'Packaging', locationUrl: url });
/** The list of every area, as `GET _apis/ResourceAreas` answers it. */
const areas = (url: string): Script => json(200, { count: 2, value: [{ id: packaging, name: 'Packaging', locationUrl: url }, { id: nuget, name: 'nuget', locationUrl: url }] });

function connect(collectionUrl: string, overrides: Partial<ConnectionSettings> = {}) {
  const time = fakeTime();
  const debug: string[] = [];
  const c = new Connection({
    collectionUrl,
    credential: { kind: 'bearer', token },
    server: 'services',
    timeoutMs: 300,
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    debug: (l) => debug.push(l),
    ...overrides,
  });
  return { c, pauses: time.pauses, debug };
}

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (e) {
    assert.ok(e instanceof FailureError, String(e));
    return e.failure.kind;
  }
}

describe('azure connection: the location service through our own client', () => {
  it('asks each area on its own where the server has no list', async () => {
    const org = await serve('127.0.0.1', [json(404, { message: 'no such route' }), routes, area('https://feeds.example.invalid/'), area('https://feeds.example.invalid/')]);
    try {
      const { c } = connect(org.url);
      assert.equal(await c.areaUrl(packaging), 'https://feeds.example.invalid/');
      await c.areaUrl(nuget);
      assert.deepEqual(org.seen.map((s) => `${s.method} ${s.url}`), [
        'GET /_apis/ResourceAreas?api-version=7.2-preview.1',
        'OPTIONS /_apis/Location',
        `GET /_apis/ResourceAreas/${packaging}?api-version=7.2-preview.1`,
        `GET /_apis/ResourceAreas/${nuget}?api-version=7.2-preview.1`,
      ]);
    } finally {
      await org.close();
    }
  });

  it('asks every area in one GET, with the token and FedAuthRedirect suppressed, and nothing else', async () => {
    const feeds = await serve('127.0.0.2', [json(200, {})]);
    const org = await serve('127.0.0.1', [areas(`${feeds.url}/fabrikam`)]);
    try {
      const { c } = connect(`${org.url}/fabrikam`);
      assert.equal(await c.areaUrl(packaging), `${feeds.url}/fabrikam/`);
      assert.equal(await c.areaUrl(packaging), `${feeds.url}/fabrikam/`, 'cached');
      await c.areaUrl(nuget);
      assert.deepEqual(org.seen.map((s) => `${s.method} ${s.url}`), ['GET /fabrikam/_apis/ResourceAreas?api-version=7.2-preview.1']);
      for (const s of org.seen) {
        assert.equal(s.auth, `Bearer ${token}`);
        assert.equal(s.headers['x-tfs-fedauthredirect'], 'Suppress');
      }
      assert.ok(c.http.isTrusted(`${feeds.url}/x`), 'the area host the service named is trusted');
      assert.equal(c.onPremises, false);
    } finally {
      await org.close();
      await feeds.close();
    }
  });

  for (const [what, first] of [['a dropped connection', drop], ['a 429', json(429, {}, { 'Retry-After': '2' })], ['a timeout', hang], ['a 503', empty(503)]] as const) {
    it(`retries the area list after ${what}`, async () => {
      const org = await serve('127.0.0.1', [first, areas('https://feeds.example.invalid/fabrikam/')]);
      try {
        const { c, pauses } = connect(`${org.url}/fabrikam/`);
        assert.equal(await c.areaUrl(packaging), 'https://feeds.example.invalid/fabrikam/');
        assert.deepEqual(org.seen.map((s) => s.method), ['GET', 'GET']);
        assert.equal(pauses.length, 1);
        if (what === 'a 429') assert.equal(pauses[0], 2000);
      } finally {
        await org.close();
      }
    });
  }

  /** A server older than the api-version asked for. */
  const refused = json(400, { message: 'The requested REST API version of 7.2 is out of range for this server.', typeKey: 'VssVersionOutOfRangeException' });

  it('a server that refuses the api-version: the route table, then the list at the version it names, each retried', async () => {
    const older = json(200, { count: 1, value: [{ id: 'e81700f7-3be2-46de-8624-2eb35882fcaa', area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}', resourceVersion: 1, minVersion: '3.2', maxVersion: '7.0', releasedVersion: '0.0' }] });
    const org = await serve('127.0.0.1', [refused, drop, older, empty(502), areas('https://feeds.example.invalid/')]);
    try {
      const { c } = connect(org.url);
      assert.equal(await c.areaUrl(packaging), 'https://feeds.example.invalid/');
      assert.deepEqual(org.seen.map((s) => `${s.method} ${s.url}`), [
        'GET /_apis/ResourceAreas?api-version=7.2-preview.1',
        'OPTIONS /_apis/Location',
        'OPTIONS /_apis/Location',
        'GET /_apis/ResourceAreas?api-version=7.0-preview.1',
        'GET /_apis/ResourceAreas?api-version=7.0-preview.1',
      ]);
    } finally {
      await org.close();
    }
  });

  for (const [what, steps] of [
    ['the area list', [page(203)]],
    ['the route table of a server that refused the list', [refused, page(203)]],
    ['the list at the negotiated version', [refused, routes, page(203)]],
    ['the area list answering a page with 200', [page(200)]],
  ] as const) {
    it(`a sign-in page from ${what} is an authentication failure`, async () => {
      const org = await serve('127.0.0.1', [...steps]);
      try {
        const { c } = connect(org.url);
        assert.equal(await kindOf(c.areaUrl(packaging)), 'authentication');
      } finally {
        await org.close();
      }
    });
  }

  it('on Services an area the service does not know is a location failure; with detect, an on-premises server', async () => {
    const none = json(200, { count: 0, value: [] });
    const org = await serve('127.0.0.1', [none]);
    const other = await serve('127.0.0.1', [none]);
    try {
      const { c } = connect(org.url);
      assert.equal(await kindOf(c.areaUrl(packaging)), 'location');
      const d = connect(other.url, { server: 'detect' }).c;
      assert.equal(await d.areaUrl(packaging), `${other.url}/`);
      assert.equal(await d.areaUrl(nuget), `${other.url}/`);
      assert.equal(d.onPremises, true);
      assert.equal(other.seen.length, 1, 'other areas are not asked once the server is known to be on premises');
    } finally {
      await org.close();
      await other.close();
    }
  });

  it('any refusal of the list leads to the route table, and a list refused again to asking area by area', async () => {
    const org = await serve('127.0.0.1', [json(405, { message: 'method not allowed here' }), routes, json(501, { message: 'not implemented' }), area('https://feeds.example.invalid/')]);
    try {
      const { c } = connect(org.url);
      assert.equal(await c.areaUrl(packaging), 'https://feeds.example.invalid/');
      assert.deepEqual(org.seen.map((s) => `${s.method} ${s.url}`), [
        'GET /_apis/ResourceAreas?api-version=7.2-preview.1',
        'OPTIONS /_apis/Location',
        'GET /_apis/ResourceAreas?api-version=7.2-preview.1',
        `GET /_apis/ResourceAreas/${packaging}?api-version=7.2-preview.1`,
      ]);
    } finally {
      await org.close();
    }
  });

  it('a route table without the ResourceAreas route is a location failure', async () => {
    const org = await serve('127.0.0.1', [refused, json(200, { count: 0, value: [] })]);
    try {
      assert.equal(await kindOf(connect(org.url).c.areaUrl(packaging)), 'location');
    } finally {
      await org.close();
    }
  });

  describe('against the emulator', () => {
    let em: Emulator;
    before(async () => { em = await Emulator.start(); });
    after(async () => { await em.stop(); });

    it('sends conforming requests and finds every packaging area', async () => {
      const c = new Connection({ collectionUrl: em.urls.org, credential: { kind: 'bearer', token: em.tokens.reader }, server: 'services' });
      for (const a of RESOURCE_AREAS) {
        const expected = a.host === 'feeds' ? em.urls.feeds : a.host === 'pkgs' ? em.urls.pkgs : em.urls.org;
        assert.equal(await c.areaUrl(a.id), `${expected}/`, a.name);
      }
      assert.equal(em.log.filter((r) => r.method === 'OPTIONS').length, 0, 'Services answer the list at the version asked: no route table');
      assert.deepEqual(em.log.map((r) => r.route), ['location.resourceAreas']);
      assert.deepEqual(em.nonconforming(), []);
    });

    it('on premises: no area named, everything on the collection', async () => {
      const op = await Emulator.start({ mode: 'onprem' });
      try {
        const c = new Connection({ collectionUrl: op.urls.collection, credential: { kind: 'bearer', token: op.tokens.reader }, server: 'detect' });
        assert.equal(await c.areaUrl(packaging), `${op.urls.collection}/`);
        assert.equal(c.onPremises, true);
        assert.deepEqual(op.nonconforming(), []);
      } finally {
        await op.stop();
      }
    });
  });
});
