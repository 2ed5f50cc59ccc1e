import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { demoFixture, Emulator, routes } from '../index';
import { call, promote } from './helpers';

describe('emulator programmatic API', () => {
  let em: Emulator;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  it('starts with the demo data in well under a second, on four loopback addresses', async () => {
    assert.ok(em.startupMs < 200, `${em.startupMs} ms`);
    assert.match(em.urls.org, /^http:\/\/127\.0\.0\.1:\d+\/fabrikam$/);
    assert.match(em.urls.feeds, /^http:\/\/127\.0\.0\.2:\d+\/fabrikam$/);
    assert.match(em.urls.pkgs, /^http:\/\/127\.0\.0\.3:\d+\/fabrikam$/);
    assert.match(em.urls.blob, /^http:\/\/127\.0\.0\.4:\d+$/);
    assert.equal(em.urls.collection, em.urls.org);
    assert.equal(em.organization, 'fabrikam');
    assert.equal(em.mode, 'services');
    assert.equal(demoFixture.feeds.filter((f) => f.name === 'dupe').length, 2);
  });

  it('logs every request with host, query, parsed body and credentials', async () => {
    await call('PATCH', `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Web/versions/1.0.0?api-version=7.1`, { body: promote('Release') });
    const r = em.log[0];
    assert.equal(r.seq > 0, true);
    assert.equal(r.host, 'pkgs');
    assert.equal(r.method, 'PATCH');
    assert.equal(r.path, '/fabrikam/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Web/versions/1.0.0');
    assert.deepEqual(r.query, { 'api-version': '7.1' });
    assert.deepEqual(r.body, promote('Release'));
    assert.deepEqual(r.auth, { scheme: 'Bearer', token: 'owner-token' });
    assert.equal(r.status, 202);
    assert.equal(r.conforming, true);
    assert.equal(r.route, 'nuget.version.patch');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(em.counters(), { 'nuget.version.patch': 1 });
    em.clearLog();
    assert.equal(em.log.length, 0);
  });

  it('snapshot is plain JSON of the whole state; reset restores the fixture', async () => {
    const before = JSON.stringify(em.snapshot());
    await call('DELETE', `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Web/versions/1.0.0?api-version=7.1`);
    assert.notEqual(JSON.stringify(em.snapshot()), before);
    em.reset();
    assert.equal(JSON.stringify(em.snapshot()), before);
    const snap = em.snapshot() as any;
    assert.deepEqual(snap.projects.map((p: any) => p.name), ['Fabrikam', 'Contoso']);
    assert.equal(snap.feeds.length, 5);
  });

  it('reset(fixture) replaces the state; seed adds to it; publish and versions', async () => {
    em.reset({ organization: 'fabrikam', feeds: [{ name: 'solo', packages: [{ protocol: 'pypi', name: 'My_Package', versions: [{ version: '1.0' }] }] }] });
    assert.deepEqual(em.versions('solo', 'pypi', 'my-package').map((v) => v.version), ['1.0']);
    em.seed({ feeds: [{ name: 'solo', packages: [{ protocol: 'pypi', name: 'my.package', versions: [{ version: '2.0', views: ['Release'] }] }] }, { name: 'other', project: 'Fabrikam', views: ['QA'] }] });
    em.publish('solo', 'pypi', 'MY-PACKAGE', { version: '3.0', deleted: true, deletedDate: '2024-01-01T00:00:00.000Z' });
    const vs = em.versions('solo', 'pypi', 'my_package');
    assert.deepEqual(vs.map((v) => `${v.version}:${v.views.join('+')}:${v.deleted}`), ['1.0:Local:false', '2.0:Local+Release:false', '3.0:Local:true']);
    assert.equal(vs[2].deletedDate, '2024-01-01T00:00:00.000Z');
    const views = await call('GET', `${em.urls.feeds}/Fabrikam/_apis/packaging/Feeds/other/views?api-version=7.1`);
    assert.deepEqual(views.json.value.map((v: any) => v.name), ['Local', 'QA']);
    assert.throws(() => em.versions('nope', 'nuget', 'x'), /no feed/);
    em.reset();
    assert.throws(() => em.versions('dupe', 'nuget', 'Dupe.Package'), /ambiguous/);
    assert.deepEqual(em.versions('Contoso/dupe', 'nuget', 'Dupe.Package').map((v) => v.version), ['2.0.0']);
  });

  it('generate builds a large feed with stable ids', async () => {
    em.generate({ feed: 'gen', protocol: 'npm', packages: 1500, versionsEach: 3, prefix: 'pkg' });
    const page = async () => (await call('GET', `${em.urls.feeds}/_apis/packaging/Feeds/gen/packages?api-version=7.1&$top=2`)).json.value.map((p: any) => p.id);
    const ids = await page();
    em.reset();
    em.generate({ feed: 'gen', protocol: 'npm', packages: 1500, versionsEach: 3, prefix: 'pkg' });
    assert.deepEqual(await page(), ids);
  });

  it('on premises: NuGet, npm and Maven under the collection, no Cargo, Universal or PyPI, 7.1 api-versions only', async () => {
    const op = await Emulator.start({ mode: 'onprem' });
    try {
      const base = `${op.urls.collection}/Fabrikam/_apis/packaging/feeds/internal`;
      assert.equal((await call('GET', `${base}/nuget/packages/Contoso.Core/versions/1.0.0?api-version=7.1`)).status, 200);
      assert.equal((await call('GET', `${base}/npm/fabrikam-utils/versions/0.2.0?api-version=7.1`)).status, 200);
      assert.equal((await call('GET', `${base}/maven/groups/com.fabrikam/artifacts/fabrikam-core/versions/1.0.0?api-version=7.1-preview.1`)).status, 200);
      assert.equal((await call('GET', `${op.urls.collection}/Fabrikam/_apis/packaging/Feeds/internal/packages?api-version=7.1`)).status, 200);
      const r = await call('GET', `${op.urls.collection}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.0.0/content?api-version=7.1-preview.1`);
      assert.equal(r.status, 303);
      assert.equal((await call('GET', r.headers.location!, { token: null })).status, 200);
      for (const p of ['cargo/packages/fabrikam_parser/versions/0.2.0?api-version=7.2-preview.1', 'upack/packages/fabrikam-tools/versions/1.1.0?api-version=7.1-preview.1', 'pypi/packages/fabrikam-data/versions/1.1.0?api-version=7.1-preview.1']) {
        assert.equal((await call('GET', `${base}/${p}`)).status, 404, p);
      }
      assert.equal((await call('GET', `${base}/nuget/packages/Contoso.Core/versions/1.0.0?api-version=7.2-preview.1`)).status, 400);
      assert.equal((await call('GET', `${new URL(op.urls.collection).origin}/fabrikam/_apis/packaging/feeds?api-version=7.1`)).status, 404);
      assert.equal(op.nonconforming().length, 5);
      assert.ok(op.routes.every((x) => x.onprem) && op.routes.length < routes.length);
    } finally {
      await op.stop();
    }
  });

  it('npm run emulator: prints URLs and the task environment', async function () {
    const main = path.resolve(__dirname, '..', 'main.js');
    const child = spawn(process.execPath, [main], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ctrl-C')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    for (const v of ['SYSTEM_TEAMFOUNDATIONCOLLECTIONURI', 'SYSTEM_TEAMPROJECT=', 'SYSTEM_TEAMPROJECTID', "SYSTEM_SERVERTYPE='Hosted'", 'ENDPOINT_AUTH_SYSTEMVSSCONNECTION=\'{"parameters":{"AccessToken":"owner-token"},"scheme":"OAuth"}\'']) {
      assert.ok(out.includes(v), v);
    }
    assert.match(out, /pkgs\s+http:\/\/127\.0\.0\.3:\d+\/fabrikam/);
  });
});
