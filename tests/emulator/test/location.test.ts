import * as assert from 'node:assert/strict';
import { getBearerHandler, WebApi } from 'azure-devops-node-api';
import { Emulator, RESOURCE_AREAS } from '../index';
import { call } from './helpers';

describe('emulator location service', () => {
  let em: Emulator;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  it('answers azure-devops-node-api getResourceArea for every packaging area', async () => {
    const locations = await new WebApi(em.urls.org, getBearerHandler(em.tokens.reader)).getLocationsApi();
    for (const a of RESOURCE_AREAS) {
      const area = await locations.getResourceArea(a.id);
      const expected = a.host === 'feeds' ? em.urls.feeds : a.host === 'pkgs' ? em.urls.pkgs : em.urls.org;
      assert.equal(area.locationUrl, `${expected}/`, a.name);
      assert.equal(area.id, a.id);
    }
    const opts = em.log.filter((r) => r.method === 'OPTIONS');
    assert.equal(opts.length, 1, 'the client caches the location list');
    assert.equal(opts[0].path, '/fabrikam/_apis/Location');
    const get = em.log.find((r) => r.route === 'location.resourceArea')!;
    assert.match(get.headers.accept ?? '', /api-version=7\.2-preview\.1/);
    assert.deepEqual(get.auth, { scheme: 'Bearer', token: em.tokens.reader });
  });

  it('serves the list form, and WebApi finds the feeds host from it', async () => {
    const r = await call('GET', `${em.urls.org}/_apis/ResourceAreas`);
    assert.equal(r.status, 200);
    assert.equal(r.json.count, r.json.value.length);
    const api = new WebApi(em.urls.org, getBearerHandler(em.tokens.reader));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const url = await (api as any)._getResourceAreaUrl(em.urls.org, '7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5');
    assert.equal(url, `${em.urls.feeds}/`);
  });

  it('answers 404 for an unknown area and needs no token', async () => {
    const r = await call('GET', `${em.urls.org}/_apis/ResourceAreas/00000000-0000-0000-0000-000000000000`, { token: null });
    assert.equal(r.status, 404);
    assert.equal(r.json.typeKey, 'ResourceAreaNotFoundException');
  });

  it('is served only by the organization host', async () => {
    const r = await call('GET', `${em.urls.feeds}/_apis/ResourceAreas`);
    assert.equal(r.status, 404);
    assert.equal(em.nonconforming().length, 1);
    assert.match(em.nonconforming()[0].reason!, /org host/);
    em.clearLog();
  });

  it('on premises: one collection URL, an empty area list and 404 per area', async () => {
    const op = await Emulator.start({ mode: 'onprem' });
    try {
      assert.match(op.urls.collection, /^http:\/\/127\.0\.0\.1:\d+\/tfs\/DefaultCollection$/);
      for (const k of ['org', 'feeds', 'pkgs', 'blob'] as const) assert.equal(op.urls[k], op.urls.collection);
      const list = await call('GET', `${op.urls.collection}/_apis/ResourceAreas`);
      assert.deepEqual(list.json, { count: 0, value: [] });
      const one = await call('GET', `${op.urls.collection}/_apis/ResourceAreas/7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5`);
      assert.equal(one.status, 404);
      const api = new WebApi(op.urls.collection, getBearerHandler(op.tokens.reader));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.equal(await (api as any)._getResourceAreaUrl(op.urls.collection, '7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5'), op.urls.collection);
      assert.deepEqual(op.nonconforming(), []);
    } finally {
      await op.stop();
    }
  });
});
