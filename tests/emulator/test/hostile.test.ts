// Hostile-server faults: crafted text, crafted error bodies, redirects, identities lost mid-run,
// lying answers and slow answers. Each test checks what goes over the wire.
import * as assert from 'node:assert/strict';
import { CRAFTED, CRAFTED_VERSIONS, Emulator, hostileFixture } from '../index';
import { call, promote } from './helpers';

describe('emulator hostile server', () => {
  let em: Emulator;
  const feeds = () => `${em.urls.feeds}/Fabrikam/_apis/packaging/Feeds`;
  const list = (feed = 'internal', extra = '') => `${feeds()}/${encodeURIComponent(feed)}/packages?api-version=7.1${extra}`;
  const nuget = (feed = 'internal') => `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/${encodeURIComponent(feed)}/nuget`;
  const V = (name = 'Contoso.Core', version = '1.1.0') => `${nuget()}/packages/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}?api-version=7.1`;
  const batchUrl = () => `${nuget()}/packagesbatch?api-version=7.1-preview.1`;
  const rbBatchUrl = () => `${nuget()}/RecycleBin/packagesBatch?api-version=7.1-preview.1`;
  const promoteBatch = (versions: [string, string][]) => ({ operation: 'promote', data: { viewId: 'Release' }, packages: versions.map(([id, version]) => ({ id, version })) });
  const views = (name: string, version: string) => em.versions('Fabrikam/internal', 'nuget', name).find((v) => v.version === version)!.views;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  describe('crafted text', () => {
    beforeEach(() => em.seed(hostileFixture()));

    it('serves crafted view names, package names, versions and deprecation messages as they are', async () => {
      const vs = await call('GET', `${feeds()}/hostile/views?api-version=7.1`);
      assert.equal(vs.status, 200);
      for (const v of [CRAFTED.setvariable, CRAFTED.errorCommand, CRAFTED.pipe, CRAFTED.lf, CRAFTED.markdown]) assert.ok(vs.json.value.some((x: { name: string }) => x.name === v), JSON.stringify(v));

      const all = await call('GET', list('hostile', '&includeAllVersions=true&$top=1000'));
      assert.equal(all.status, 200);
      const names: string[] = all.json.value.map((p: { name: string }) => p.name);
      for (const s of Object.values(CRAFTED)) assert.ok(names.includes(s), `listing holds ${JSON.stringify(s.slice(0, 40))}`);
      assert.ok(names.includes('a/b/../../c'), 'a name with / is served by the listing');
      const versions = all.json.value.find((p: { name: string }) => p.name === 'Hostile.Versions').versions.map((v: { version: string }) => v.version);
      assert.deepEqual([...versions].sort(), [...CRAFTED_VERSIONS].sort());
      const tagged = all.json.value.find((p: { name: string }) => p.name === 'Hostile.pipe').versions.find((v: { version: string }) => v.version === '1.0.0');
      assert.ok(tagged.views.some((v: { name: string }) => v.name === CRAFTED.setvariable));

      for (const [k, s] of Object.entries(CRAFTED)) {
        const npm = await call('GET', `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/hostile/npm/hostile-${k.toLowerCase()}/versions/1.0.0?api-version=7.1`);
        assert.equal(npm.status, 200, k);
        assert.equal(npm.json.deprecateMessage, s, k);
      }
    });

    it('routes crafted names that fit in a URL path, and changes them', async () => {
      for (const [k, s] of Object.entries(CRAFTED)) {
        const url = `${nuget('hostile')}/packages/${encodeURIComponent(s)}/versions/1.0.0?api-version=7.1`;
        const got = await call('GET', url);
        assert.equal(got.status, 200, k);
        assert.equal(got.json.name, s, k);
        assert.equal((await call('PATCH', url, { body: promote(CRAFTED.pipe) })).status, 202, k);
        assert.ok(em.versions('Fabrikam/hostile', 'nuget', s)[0].views.includes(CRAFTED.pipe), k);
      }
      const batch = { operation: 'promote', data: { viewId: CRAFTED.lf }, packages: CRAFTED_VERSIONS.map((version) => ({ id: 'Hostile.Versions', version })) };
      assert.equal((await call('POST', `${nuget('hostile')}/packagesbatch?api-version=7.1-preview.1`, { body: batch })).status, 202);
      assert.ok(em.versions('Fabrikam/hostile', 'nuget', 'Hostile.Versions').every((v) => v.views.includes(CRAFTED.lf)));
    });

    it('downloads a package whose name is crafted (the blob answer stays a valid HTTP answer)', async () => {
      for (const s of [CRAFTED.crlf, CRAFTED.unicode, CRAFTED.dotdot, CRAFTED.drive, CRAFTED.long]) {
        const r = await call('GET', `${nuget('hostile')}/packages/${encodeURIComponent(s)}/versions/1.0.0/content?api-version=7.1-preview.1`);
        assert.equal(r.status, 303);
        const blob = await call('GET', r.headers.location!, { token: null });
        assert.equal(blob.status, 200);
        assert.match(blob.headers['content-disposition']!, /^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''/);
      }
    });

    it('holds feeds whose names are crafted, by name in the store and by id on the wire', async () => {
      for (const s of [CRAFTED.setvariable, CRAFTED.lf, CRAFTED.pipe, 'with/slash', CRAFTED.long]) em.seed(hostileFixture({ feed: s }));
      const fl = await call('GET', `${em.urls.feeds}/_apis/packaging/feeds?api-version=7.1`);
      for (const s of [CRAFTED.setvariable, CRAFTED.lf, CRAFTED.pipe, 'with/slash', CRAFTED.long]) {
        const f = fl.json.value.find((x: { name: string }) => x.name === s);
        assert.ok(f, JSON.stringify(s.slice(0, 30)));
        assert.equal((await call('GET', `${feeds()}/${f.id}/packages?api-version=7.1&$top=1`)).status, 200);
        assert.ok(em.versions(`Fabrikam/${s}`, 'nuget', 'Hostile.pipe').length === 2);
      }
    });
  });

  describe('crafted error bodies', () => {
    it('answers a status with a message that echoes the Authorization header', async () => {
      em.fault({ status: 404, echoAuthorization: true });
      const r = await call('GET', list());
      assert.equal(r.status, 404);
      assert.match(r.json.message, /Bearer owner-token/);
      em.fault({ status: 409, message: 'conflict for {{authorization}}\n##vso[task.setvariable variable=changedCount]999', match: { method: 'POST' } });
      const b = await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', '1.1.0']]), basic: true });
      assert.equal(b.status, 409);
      assert.equal(b.json.message, `conflict for Basic ${Buffer.from('any:owner-token').toString('base64')}\n##vso[task.setvariable variable=changedCount]999`);
      assert.deepEqual(views('Contoso.Core', '1.1.0'), ['Local', 'Prerelease'], 'nothing applied');
    });

    it('answers any body with any content type', async () => {
      em.fault({ status: 500, body: '<html>##[error]fake\r\n{{authorization}}</html>', contentType: 'text/html' });
      const r = await call('GET', list());
      assert.equal(r.status, 500);
      assert.equal(r.headers['content-type'], 'text/html');
      assert.equal(r.text, '<html>##[error]fake\r\nBearer owner-token</html>');
      em.fault({ status: 400, body: { message: '\n##vso[task.complete result=Succeeded;]', typeKey: 'X' } });
      const j = await call('GET', list());
      assert.equal(j.status, 400);
      assert.equal(j.json.message, '\n##vso[task.complete result=Succeeded;]');
      em.fault({ status: 200, body: 'not json at all', contentType: 'application/json' });
      const nj = await call('GET', list());
      assert.equal(nj.status, 200);
      assert.equal(nj.text, 'not json at all');
    });
  });

  describe('redirects', () => {
    for (const status of [301, 302, 307, 308]) {
      it(`${status} to the attacker listener, which records whether a token came`, async () => {
        em.fault({ status, redirect: 'attacker' });
        const r = await call('GET', list());
        assert.equal(r.status, status);
        const loc = new URL(r.headers.location!);
        assert.equal(loc.origin, em.urls.attacker);
        assert.equal(loc.pathname + loc.search, new URL(list()).pathname + new URL(list()).search);
        await call('GET', loc.href, { token: null });
        await call('GET', loc.href);
        assert.deepEqual(em.attackerLog.map((a) => a.auth?.token ?? null), [null, 'owner-token']);
        assert.equal(em.log.length, 1, 'the attacker is not Azure DevOps: its requests are not in the log');
      });
    }

    it('redirects to the blob host or another loopback origin, never elsewhere', async () => {
      em.fault({ redirect: 'blob', match: { route: 'nuget.version.get' } });
      const r = await call('GET', V());
      assert.equal(r.status, 302);
      assert.ok(r.headers.location!.startsWith(em.urls.blob + '/'));
      assert.throws(() => em.fault({ redirect: 'http://192.0.2.1/' }), /loopback/);
      assert.throws(() => em.fault({ redirect: 'attacker', status: 200 }), /redirect status/);
    });
  });

  describe('identity lost mid-run', () => {
    it('revokes the token on the 2nd of three batches: 202, then 401 for good', async () => {
      em.fault({ match: { route: 'nuget.batch' }, skip: 1, identity: 'revoked' });
      const answers = [];
      for (const v of ['1.0.0', '1.1.0', '2.0.0']) answers.push((await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', v]]) })).status);
      assert.deepEqual(answers, [202, 401, 401]);
      assert.equal((await call('GET', list(), { suppress: false })).status, 203, 'without Suppress: the sign-in page');
      assert.deepEqual(em.log.map((r) => r.fault), [undefined, 'revoke', undefined, undefined]);
      assert.ok(views('Contoso.Core', '2.0.0').every((v) => v !== 'Release'));
    });

    it('drops a role: 403 naming the identity as the service does', async () => {
      em.fault({ match: { method: 'PATCH' }, skip: 1, identity: 'reader' });
      assert.equal((await call('PATCH', V('Contoso.Core', '1.0.0'), { token: 'contributor-token', body: { listed: false } })).status, 202);
      const r = await call('PATCH', V(), { token: 'contributor-token', body: promote('Release') });
      assert.equal(r.status, 403);
      assert.equal(r.json.typeKey, 'FeedNeedsPermissionsException');
      assert.equal(r.json.message, "User 'Fabrikam Build Service (fabrikam)' lacks permission to complete this action. You need to have 'PromotePackage'.");
      assert.equal((await call('GET', list(), { token: 'contributor-token' })).status, 200, 'still reads');
    });

    it('revoke() and setRole() do the same at any moment, and reset() brings the identities back', async () => {
      em.setRole('owner-token', 'reader');
      assert.equal((await call('DELETE', V())).status, 403);
      em.revoke('owner-token');
      assert.equal((await call('GET', list())).status, 401);
      assert.throws(() => em.revoke('no-such-token'), /no token/);
      em.reset();
      assert.equal((await call('GET', list())).status, 200);
    });
  });

  describe('lying answers', () => {
    it('answers a change 202 without applying it', async () => {
      em.fault({ lie: true, match: { method: 'PATCH' } });
      assert.equal((await call('GET', list())).status, 200, 'a GET is not a change');
      assert.equal((await call('PATCH', V(), { body: promote('Release') })).status, 202);
      assert.deepEqual(views('Contoso.Core', '1.1.0'), ['Local', 'Prerelease']);
      assert.equal(em.log[1].fault, 'lie 202');
    });

    it('applies only the first items of a lying batch', async () => {
      em.fault({ lie: { applyFirst: 1 }, status: 200, match: { route: 'nuget.batch' } });
      const r = await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', '1.1.0'], ['Contoso.Core', '2.0.0']]) });
      assert.equal(r.status, 200);
      assert.ok(views('Contoso.Core', '1.1.0').includes('Release'));
      assert.ok(!views('Contoso.Core', '2.0.0').includes('Release'));
    });

    it('leaves a version out of listings for the next N of them', async () => {
      em.fault({ omit: [{ package: 'Contoso.Core', version: '2.0.0' }], count: 2, match: { method: 'GET' } });
      const names = (r: { json: { value: { name: string; versions: { version: string }[] }[] } }) => r.json.value.find((p) => p.name === 'Contoso.Core')!.versions.map((v) => v.version);
      const first = await call('GET', list('internal', '&includeAllVersions=true'));
      assert.ok(!names(first).includes('2.0.0'));
      assert.ok(names(first).includes('1.1.0'));
      const pkgId = first.json.value.find((p: { name: string }) => p.name === 'Contoso.Core').id;
      const vl = await call('GET', `${feeds()}/internal/Packages/${pkgId}/versions?api-version=7.1`);
      assert.ok(!vl.json.value.some((v: { version: string }) => v.version === '2.0.0'));
      assert.equal(vl.json.count, vl.json.value.length);
      assert.ok(names(await call('GET', list('internal', '&includeAllVersions=true'))).includes('2.0.0'), 'then it is back');
    });

    it('another actor restores a version first: the batch gets the honest 409 and changes nothing else', async () => {
      em.fault({ preempt: true, match: { route: 'nuget.recycleBin.batch' } });
      const body = { operation: 'restoreToFeed', packages: [{ id: 'Contoso.Core', version: '0.9.0' }, { id: 'Contoso.Legacy', version: '0.1.0' }] };
      const r = await call('POST', rbBatchUrl(), { body });
      assert.equal(r.status, 409);
      assert.equal(r.json.typeKey, 'PackageVersionNotDeletedException');
      assert.equal(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Core').find((v) => v.version === '0.9.0')!.deleted, false, 'restored by the other actor');
      assert.equal(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Legacy')[0].deleted, true, 'the rest of the batch did not happen');
      assert.equal(em.log.length, 1);
      assert.equal(em.log[0].status, 409);
    });

    it('another actor deletes the version first: the DELETE gets the honest 404', async () => {
      em.fault({ preempt: { versions: ['1.1.0'] }, match: { method: 'DELETE' } });
      const r = await call('DELETE', V());
      assert.equal(r.status, 404);
      assert.equal(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Core').find((v) => v.version === '1.1.0')!.deleted, true);
    });
  });

  describe('count, skip and matching', () => {
    it('fails only the 2nd batch', async () => {
      em.fault({ match: { route: 'nuget.batch' }, skip: 1, count: 1, status: 500 });
      const answers = [];
      for (const v of ['1.0.0', '1.1.0', '2.0.0']) answers.push((await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', v]]) })).status);
      assert.deepEqual(answers, [202, 500, 202]);
      assert.ok(!views('Contoso.Core', '1.1.0').includes('Release'));
    });

    it('matches on query parameters, the body and the token', async () => {
      em.fault({ status: 503, match: { query: { includeAllVersions: 'true' } }, count: 10 });
      em.fault({ status: 502, match: { bodyIncludes: '"2.0.0"' }, count: 10 });
      em.fault({ status: 504, match: { token: 'reader-token' }, count: 10 });
      assert.equal((await call('GET', list())).status, 200);
      assert.equal((await call('GET', list('internal', '&includeAllVersions=true'))).status, 503);
      assert.equal((await call('GET', list('internal', '&IncludeAllVersions=true'))).status, 503, 'names are case-insensitive');
      assert.equal((await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', '1.1.0']]) })).status, 202);
      assert.equal((await call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', '2.0.0']]) })).status, 502);
      assert.equal((await call('GET', list(), { token: 'reader-token' })).status, 504);
    });
  });

  describe('slow answers', () => {
    it('latency faults stack with answer-shaping faults, and latencyMs applies to every request', async () => {
      em.fault({ latencyMs: 80, count: 5 });
      em.fault({ status: 503 });
      let t0 = Date.now();
      assert.equal((await call('GET', list())).status, 503);
      assert.ok(Date.now() - t0 >= 75);
      em.clearFaults();
      em.latencyMs = 60;
      t0 = Date.now();
      await call('GET', list());
      await call('GET', V());
      assert.ok(Date.now() - t0 >= 115);
    });

    it('a service time answers each request no sooner than that long after it arrives; reset clears it', async () => {
      em.serviceTimeMs = 60;
      const t0 = Date.now();
      const answers = await Promise.all([call('GET', list()), call('GET', V()), call('POST', batchUrl(), { body: promoteBatch([['Contoso.Core', '1.1.0']]) })]);
      assert.deepEqual(answers.map((a) => a.status), [200, 200, 202]);
      assert.ok(Date.now() - t0 >= 55, 'not before the service time');
      assert.ok(em.versions('internal', 'nuget', 'Contoso.Core').find((v) => v.version === '1.1.0')!.views.includes('Release'));
      em.reset();
      assert.equal(em.serviceTimeMs, 0);
    });

    it('a latency beyond the client timeout', async () => {
      em.fault({ latencyMs: 400 });
      await assert.rejects(call('GET', list(), { timeoutMs: 100 }), /timed out/);
    });

    it('sends the headers, then stalls the body', async () => {
      em.fault({ stallBodyMs: 300 });
      let headersAt = 0;
      const t0 = Date.now();
      const r = await call('GET', list(), { onHeaders: () => { headersAt = Date.now(); } });
      assert.equal(r.status, 200);
      assert.ok(headersAt - t0 < 200, 'headers came at once');
      assert.ok(Date.now() - t0 >= 290, 'the body came late');
      assert.ok(r.json.count > 0);
      em.fault({ stallBodyMs: 5000 });
      await assert.rejects(call('GET', list(), { timeoutMs: 150 }), /timed out/);
    });
  });

  it('is driven over HTTP too: faults, revoke, role, latency and the attacker log', async () => {
    const ctl = `${new URL(em.urls.org).origin}/_emulator`;
    assert.equal((await call('POST', `${ctl}/faults`, { body: { redirect: 'attacker', status: 307 } })).status, 200);
    const r = await call('GET', list());
    assert.equal(r.status, 307);
    await call('GET', r.headers.location!);
    assert.equal((await call('GET', `${ctl}/attacker`)).json.count, 1);
    await call('POST', `${ctl}/role`, { body: { token: 'owner-token', role: 'reader' } });
    assert.equal((await call('DELETE', V())).status, 403);
    await call('POST', `${ctl}/revoke`, { body: { token: 'owner-token' } });
    assert.equal((await call('GET', list())).status, 401);
    await call('POST', `${ctl}/latency`, { body: { ms: 5 } });
    assert.equal(em.latencyMs, 5);
    assert.equal((await call('GET', `${ctl}/wif?id=b8a5f0c2-3e4d-4a6b-9c7d-1e2f3a4b5c6d`)).json.clientId, '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d');
  });
});
