import * as assert from 'node:assert/strict';
import { Emulator } from '../index';
import { call, promote } from './helpers';

describe('emulator faults', () => {
  let em: Emulator;
  const list = () => `${em.urls.feeds}/Fabrikam/_apis/packaging/Feeds/internal/packages?api-version=7.1`;
  const V = () => `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.1.0?api-version=7.1`;
  const inRelease = () => em.versions('Fabrikam/internal', 'nuget', 'Contoso.Core').find((v) => v.version === '1.1.0')!.views.includes('Release');
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  it('429 with Retry-After and the X-RateLimit headers for the next N requests', async () => {
    em.fault({ status: 429, retryAfterSeconds: 3, count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await call('GET', list());
      assert.equal(r.status, 429);
      assert.equal(r.headers['retry-after'], '3');
      for (const h of ['x-ratelimit-resource', 'x-ratelimit-delay', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) assert.ok(r.headers[h], h);
      assert.equal(r.json.typeKey, 'RequestThrottledException');
    }
    assert.equal((await call('GET', list())).status, 200);
    assert.deepEqual(em.log.map((r) => r.fault), ['429', '429', undefined]);
  });

  it('rate-limit headers on ordinary answers, and when each answer was written', async () => {
    em.fault({ rateLimit: { delaySeconds: 2, remaining: 15, limit: 200 }, count: 1 });
    const r = await call('GET', list());
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-ratelimit-delay'], '2');
    assert.equal(r.headers['x-ratelimit-remaining'], '15');
    assert.equal(r.headers['x-ratelimit-limit'], '200');
    assert.equal((await call('GET', list())).headers['x-ratelimit-delay'], undefined, 'only for `count` answers');
    for (const x of em.log) assert.ok(x.answeredAt !== undefined && x.answeredAt >= x.at);
  });

  for (const status of [500, 502, 503, 504] as const) {
    it(`${status} without applying the change`, async () => {
      em.fault({ status, match: { method: 'PATCH' } });
      assert.equal((await call('GET', list())).status, 200, 'GET does not match');
      assert.equal((await call('PATCH', V(), { body: promote('Release') })).status, status);
      assert.equal(inRelease(), false);
    });
  }

  it('503 after applying the change: the lost response', async () => {
    em.fault({ status: 503, afterApply: true, match: { route: 'nuget.version.patch' } });
    assert.equal((await call('PATCH', V(), { body: promote('Release') })).status, 503);
    assert.equal(inRelease(), true);
    assert.equal(em.log[0].route, 'nuget.version.patch');
    assert.equal(em.log[0].status, 503);
  });

  it('drops the connection, before or after applying the change', async () => {
    em.fault({ drop: true, match: { host: 'pkgs', pathIncludes: '/nuget/' } });
    await assert.rejects(call('PATCH', V(), { body: promote('Release') }));
    assert.equal(inRelease(), false);
    assert.equal(em.log[0].status, 0);
    em.fault({ drop: true, afterApply: true });
    await assert.rejects(call('PATCH', V(), { body: promote('Release') }));
    assert.equal(inRelease(), true);
  });

  it('adds latency', async () => {
    em.fault({ latencyMs: 120 });
    const t0 = Date.now();
    assert.equal((await call('GET', list())).status, 200);
    assert.ok(Date.now() - t0 >= 110);
  });

  it('hides a freshly published version from every route until its lag has passed', async () => {
    em.publish('Fabrikam/internal', 'nuget', 'Contoso.Core', { version: '4.0.0', visibleAfterMs: 200 });
    const v4 = V().replace('1.1.0', '4.0.0');
    assert.equal((await call('GET', v4)).status, 404);
    assert.equal((await call('PATCH', v4, { body: promote('Release') })).status, 404);
    assert.equal(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Core').some((v) => v.version === '4.0.0'), true, 'held, not visible');
    await new Promise((r) => setTimeout(r, 220));
    assert.equal((await call('GET', v4)).status, 200);
  });

  it('is driven over HTTP for the standalone process, and clearFaults removes them', async () => {
    const ctl = `${new URL(em.urls.org).origin}/_emulator`;
    assert.equal((await call('POST', `${ctl}/faults`, { body: { status: 500, count: 5 } })).status, 200);
    assert.equal((await call('GET', list())).status, 500);
    await call('DELETE', `${ctl}/faults`);
    assert.equal((await call('GET', list())).status, 200);
    em.fault({ status: 502, count: 3 });
    em.clearFaults();
    assert.equal((await call('GET', list())).status, 200);
    assert.equal(em.log.length, 3, 'control requests are not logged');
    assert.throws(() => em.fault({}), /needs status, drop, latencyMs or another effect/);
  });
});
