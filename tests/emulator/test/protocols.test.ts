import * as assert from 'node:assert/strict';
import { Emulator, ProtocolKey } from '../index';
import { call, promote } from './helpers';

interface Case {
  protocol: ProtocolKey;
  name: string;
  version: string;
  /** Path of the version below .../_apis/packaging/feeds/internal/ */
  path: string;
  rbPath: string;
  av: string;
  item: Record<string, string>;
}

const CASES: Case[] = [
  { protocol: 'nuget', name: 'Contoso.Core', version: '1.1.0', path: 'nuget/packages/contoso.core/versions/1.1', rbPath: 'nuget/RecycleBin/packages/Contoso.Core/versions/1.1.0', av: '7.1-preview.1', item: { id: 'CONTOSO.CORE', version: '1.1.0' } },
  { protocol: 'npm', name: '@fabrikam/widgets', version: '1.1.0', path: 'npm/@fabrikam/widgets/versions/1.1.0', rbPath: 'npm/RecycleBin/packages/@fabrikam/widgets/versions/1.1.0', av: '7.1', item: { id: '@fabrikam/widgets', version: '1.1.0' } },
  { protocol: 'npm', name: 'fabrikam-utils', version: '0.2.0', path: 'npm/fabrikam-utils/versions/0.2.0', rbPath: 'npm/RecycleBin/packages/fabrikam-utils/versions/0.2.0', av: '7.1', item: { id: 'fabrikam-utils', version: '0.2.0' } },
  { protocol: 'pypi', name: 'Fabrikam_Data', version: '1.1.0', path: 'pypi/packages/fabrikam-data/versions/1.1.0', rbPath: 'pypi/RecycleBin/packages/Fabrikam.Data/versions/1.1.0', av: '7.1-preview.1', item: { id: 'fabrikam__data', version: '1.1.0' } },
  { protocol: 'maven', name: 'com.fabrikam:fabrikam-core', version: '1.1.0', path: 'maven/groups/com.fabrikam/artifacts/fabrikam-core/versions/1.1.0', rbPath: 'maven/RecycleBin/groups/com.fabrikam/artifacts/fabrikam-core/versions/1.1.0', av: '7.1-preview.1', item: { group: 'com.fabrikam', artifact: 'fabrikam-core', version: '1.1.0' } },
  { protocol: 'upack', name: 'fabrikam-tools', version: '1.1.0', path: 'upack/packages/Fabrikam-Tools/versions/1.1.0', rbPath: 'upack/RecycleBin/packages/fabrikam-tools/versions/1.1.0', av: '7.1-preview.1', item: { id: 'fabrikam-tools', version: '1.1.0' } },
  { protocol: 'cargo', name: 'fabrikam_parser', version: '0.2.0', path: 'cargo/packages/fabrikam-parser/versions/0.2.0', rbPath: 'cargo/RecycleBin/packages/Fabrikam_Parser/versions/0.2.0', av: '7.2-preview.1', item: { id: 'fabrikam-parser', version: '0.2.0' } },
];

describe('emulator protocol routes', () => {
  let em: Emulator;
  const P = (p: string, av: string, extra = '') => `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/${p}?api-version=${av}${extra}`;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming().map((r) => `${r.method} ${r.path}: ${r.reason}`), []));

  for (const c of CASES) {
    describe(`${c.protocol} ${c.name}`, () => {
      const state = () => em.versions('Fabrikam/internal', c.protocol, c.name).find((v) => v.version === c.version)!;
      const batch = (op: string, data?: unknown, rb = false) =>
        call('POST', P(rb ? `${c.protocol}/RecycleBin/packagesBatch` : `${c.protocol}/packagesbatch`, c.av), { body: { operation: op, data, packages: [c.item] } });

      it('GET, PATCH (promote), DELETE, recycle-bin GET, PATCH (restore), DELETE (permanent)', async () => {
        const get = await call('GET', P(c.path, c.av));
        assert.equal(get.status, 200);
        assert.equal(get.json.version, c.version);
        assert.equal(get.json.name, c.name);
        assert.equal((await call('PATCH', P(c.path, c.av), { body: promote('Release') })).status, 202);
        assert.ok(state().views.includes('Release'));
        assert.equal((await call('GET', P(c.rbPath, c.av))).status, 404);
        assert.equal((await call('DELETE', P(c.path, c.av))).status, 202);
        assert.equal(state().deleted, true);
        assert.ok(state().deletedDate);
        assert.equal((await call('DELETE', P(c.path, c.av))).status, 404, 'already in the recycle bin');
        const rb = await call('GET', P(c.rbPath, c.av));
        assert.equal(rb.status, 200);
        assert.ok(rb.json.deletedDate ?? rb.json.unpublishedDate);
        assert.equal((await call('PATCH', P(c.rbPath, c.av), { body: { deleted: false } })).status, 202);
        assert.equal(state().deleted, false);
        const again = await call('PATCH', P(c.rbPath, c.av), { body: { deleted: false } });
        assert.equal(again.status, 409);
        assert.equal((await call('DELETE', P(c.rbPath, c.av))).status, 404, 'a live version is not in the recycle bin');
        assert.equal((await call('DELETE', P(c.path, c.av))).status, 202);
        assert.equal((await call('DELETE', P(c.rbPath, c.av))).status, 202);
        assert.equal(state().permanentlyDeleted, true);
        assert.equal((await call('GET', P(c.path, c.av, '&showDeleted=true'.slice(c.protocol === 'npm' ? 99 : 0)))).status, 404);
      });

      it('batches: promote, delete, restoreToFeed, permanentDelete', async () => {
        const views = await call('GET', `${em.urls.feeds}/Fabrikam/_apis/packaging/Feeds/internal/views?api-version=7.1`);
        const prerelease = views.json.value.find((v: any) => v.name === 'Prerelease').id;
        assert.equal((await batch('promote', { viewId: prerelease })).status, 202);
        assert.ok(state().views.includes('Prerelease'));
        assert.equal((await batch(c.protocol === 'npm' ? 'unpublish' : 'delete')).status, 202);
        assert.equal(state().deleted, true);
        assert.equal((await batch('restoreToFeed', undefined, true)).status, 202);
        assert.equal(state().deleted, false);
        assert.equal((await batch('restoreToFeed', undefined, true)).status, 409);
        await batch('delete');
        assert.equal((await batch('permanentDelete', {}, true)).status, 202);
        assert.equal(state().permanentlyDeleted, true);
      });

      it('refuses a promotion to the implicit view, a json-patch body and other PATCH shapes', async () => {
        const bad: [unknown, string?][] = [
          [promote('Local')],
          [{ views: { op: 'replace', path: '/views/-', value: 'Release' } }],
          [{ views: { op: 'add', path: '/views', value: 'Release' } }],
          [{ views: [{ op: 'add', path: '/views/-', value: 'Release' }] }],
          [{ something: true }],
          [promote('Release'), 'application/json-patch+json'],
        ];
        for (const [body, ct] of bad) {
          const r = await call('PATCH', P(c.path, c.av), { body, contentType: ct });
          assert.equal(r.status, 400, JSON.stringify(body));
        }
        assert.equal(em.nonconforming().length, bad.length);
        assert.ok(!state().views.includes('Release'), 'nothing refused was applied');
        em.clearLog();
        const missingView = await call('PATCH', P(c.path, c.av), { body: promote('Nope') });
        assert.equal(missingView.status, 404);
        assert.equal(missingView.json.typeKey, 'FeedViewNotFoundException');
      });
    });
  }

  it('NuGet: PATCH listed, batch list; and no listed on other protocols', async () => {
    const av = '7.1';
    assert.equal((await call('PATCH', P('nuget/packages/Contoso.Web/versions/1.0.0', av), { body: { listed: false } })).status, 202);
    assert.equal(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Web')[0].listed, false);
    const r = await call('POST', P('nuget/packagesBatch', '7.1-preview.1'), { body: { operation: 'list', data: { listed: true }, packages: [{ id: 'Contoso.Web', version: '1.0.0' }, { id: 'Contoso.Web', version: '1.0.1' }] } });
    assert.equal(r.status, 202);
    assert.ok(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Web').every((v) => v.listed));
    const g = await call('GET', P('nuget/packages/Contoso.Web/versions/1.0.1', av));
    assert.equal(g.json.listed, true);
    assert.equal((await call('PATCH', P('pypi/packages/fabrikam-data/versions/1.0.0', '7.1-preview.1'), { body: { listed: false } })).status, 400);
    assert.equal(em.nonconforming().length, 1);
    em.clearLog();
  });

  it('NuGet: GET of a deleted version needs showDeleted', async () => {
    assert.equal((await call('GET', P('nuget/packages/Contoso.Core/versions/0.9.0', '7.1'))).status, 404);
    const r = await call('GET', P('nuget/packages/Contoso.Core/versions/0.9.0', '7.1', '&showDeleted=true'));
    assert.equal(r.status, 200);
    assert.ok(r.json.deletedDate);
  });

  it('npm: deprecate by PATCH and by batch, undeprecate with an empty message', async () => {
    const get = () => call('GET', P('npm/fabrikam-utils/versions/0.1.0', '7.1'));
    assert.equal((await get()).json.deprecateMessage, 'Use fabrikam-utils 0.2 or later');
    assert.equal((await call('PATCH', P('npm/fabrikam-utils/versions/0.1.0', '7.1'), { body: { deprecateMessage: '' } })).status, 202);
    assert.equal((await get()).json.deprecateMessage, null);
    const b = await call('POST', P('npm/packagesbatch', '7.1'), { body: { operation: 'deprecate', data: { message: 'old' }, packages: [{ id: 'fabrikam-utils', version: '0.1.0' }, { id: '@fabrikam/widgets', version: '1.0.0' }] } });
    assert.equal(b.status, 202);
    assert.equal(em.versions('Fabrikam/internal', 'npm', '@fabrikam/widgets')[0].deprecated, 'old');
    const unpublished = await call('GET', P('npm/fabrikam-utils/versions/0.0.1', '7.1'));
    assert.ok(unpublished.json.unpublishedDate);
  });

  it('Cargo: yank and unyank by batch only', async () => {
    const yank = (listed: boolean) => call('POST', P('cargo/packagesbatch', '7.2-preview.1'), { body: { operation: 'yank', data: { listed }, packages: [{ id: 'fabrikam-parser', version: '0.1.0' }] } });
    assert.equal((await yank(false)).status, 202);
    assert.equal(em.versions('Fabrikam/internal', 'cargo', 'fabrikam_parser').find((v) => v.version === '0.1.0')!.listed, false);
    assert.equal((await yank(true)).status, 202);
    assert.equal(em.versions('Fabrikam/internal', 'cargo', 'fabrikam-parser').find((v) => v.version === '0.1.0')!.listed, true);
    // The OpenAPI file's spelling of the batch path is served too.
    const typo = await call('POST', `${em.urls.pkgs}/Fabrikam/_packaging/packaging/feeds/internal/cargo/packagesbatch?api-version=7.2-preview.1`,
      { body: { operation: 'yank', data: { listed: false }, packages: [{ id: 'fabrikam_parser', version: '0.2.0' }] } });
    assert.equal(typo.status, 202);
    assert.equal((await call('GET', P('cargo/packages/fabrikam_parser/versions/0.2.0', '7.1'))).status, 400, 'Cargo is 7.2-preview.1 only');
    em.clearLog();
  });

  it('batch rules: 1..100 packages, known operation on the right endpoint, data shapes, all-or-nothing', async () => {
    const post = (body: unknown, rb = false) => call('POST', P(rb ? 'nuget/RecycleBin/packagesBatch' : 'nuget/packagesbatch', '7.1-preview.1'), { body });
    const item = { id: 'Contoso.Core', version: '1.0.0' };
    const refused = [
      { operation: 'promote', data: { viewId: 'Release' }, packages: [] },
      { operation: 'promote', data: { viewId: 'Release' }, packages: Array(101).fill(item) },
      { operation: 'explode', packages: [item] },
      { operation: 'promote', packages: [item] },
      { operation: 'promote', data: { viewId: 'Local' }, packages: [item] },
      { operation: 'list', data: {}, packages: [item] },
      { operation: 'permanentDelete', packages: [item] },
      { operation: 'promote', data: { viewId: 'Release' }, packages: [{ name: 'Contoso.Core' }] },
    ];
    for (const b of refused) assert.equal((await post(b)).status, 400, JSON.stringify(b).slice(0, 80));
    assert.equal((await post({ operation: 'delete', packages: [item] }, true)).status, 400);
    assert.equal(em.nonconforming().length, refused.length + 1);
    em.clearLog();
    assert.equal((await post({ operation: 'promote', data: { viewId: 'Release' }, packages: Array(100).fill(item) })).status, 202);
    const before = JSON.stringify(em.snapshot());
    const missing = await post({ operation: 'delete', packages: [{ id: 'Contoso.Web', version: '1.0.0' }, { id: 'Contoso.Core', version: '9.9.9' }] });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.typeKey, 'PackageVersionNotFoundException');
    assert.equal(JSON.stringify(em.snapshot()), before, 'state unchanged');
    const missingPkg = await post({ operation: 'delete', packages: [{ id: 'Nope', version: '1.0.0' }] });
    assert.equal(missingPkg.json.typeKey, 'PackageNotFoundException');
  });

  it('content: a 303 to blob storage, which serves the bytes without a token', async () => {
    em.publish('Fabrikam/internal', 'npm', '@fabrikam/widgets', { version: '3.0.0', content: 'tgz bytes' });
    const cases = [
      { url: P('nuget/packages/Contoso.Core/versions/1.0.0/content', '7.1-preview.1'), file: 'Contoso.Core.1.0.0.nupkg', bytes: 'nuget:Contoso.Core@1.0.0\n' },
      { url: P('npm/packages/@fabrikam/widgets/versions/3.0.0/content', '7.1'), file: 'fabrikam-widgets-3.0.0.tgz', bytes: 'tgz bytes' },
      { url: P('npm/packages/fabrikam-utils/versions/0.2.0/content', '7.1'), file: 'fabrikam-utils-0.2.0.tgz', bytes: 'npm:fabrikam-utils@0.2.0\n' },
    ];
    for (const c of cases) {
      const r = await call('GET', c.url);
      assert.equal(r.status, 303);
      const loc = new URL(r.headers.location!);
      assert.equal(`${loc.protocol}//${loc.host}`, em.urls.blob);
      assert.ok(loc.searchParams.get('sig'));
      const blob = await call('GET', loc.href, { token: null, suppress: false });
      assert.equal(blob.status, 200);
      assert.equal(blob.text, c.bytes);
      assert.match(String(blob.headers['content-disposition']), new RegExp(c.file.replace(/\./g, '\\.')));
    }
    const blobs = em.log.filter((r) => r.host === 'blob');
    assert.equal(blobs.length, 3);
    assert.ok(blobs.every((r) => r.auth === null && r.route === 'blob.content'));
    // The log says when a client did send a token to blob storage (the task must never).
    const loc = (await call('GET', cases[0].url)).headers.location!;
    assert.equal((await call('GET', loc, { token: 'owner-token' })).status, 200);
    assert.deepEqual(em.log[em.log.length - 1].auth, { scheme: 'Bearer', token: 'owner-token' });
    const forged = await call('GET', `${em.urls.blob}/artifacts/x/y?sig=no`, { token: null });
    assert.equal(forged.status, 404);
    assert.equal((await call('GET', P('nuget/packages/Contoso.Core/versions/0.9.0/content', '7.1-preview.1'))).status, 404, 'deleted');
  });

  it('normalises names and versions as the service does', async () => {
    const ok = async (p: string, av: string) => assert.equal((await call('GET', P(p, av))).status, 200, p);
    await ok('nuget/packages/CONTOSO.CORE/versions/1.0', '7.1');
    await ok('nuget/packages/contoso.core/versions/1.0.0.0', '7.1');
    await ok('nuget/packages/contoso.core/versions/1.2.0-BETA.1', '7.1');
    await ok('pypi/packages/FABRIKAM-data/versions/1.1.0', '7.1-preview.1');
    await ok('pypi/packages/fabrikam.data/versions/1.1.0', '7.1-preview.1');
    await ok('cargo/packages/Fabrikam-Parser/versions/0.2.0', '7.2-preview.1');
    await ok('upack/packages/FABRIKAM-TOOLS/versions/1.1.0', '7.1-preview.1');
    const npmCase = await call('GET', P('npm/Fabrikam-Utils/versions/0.2.0', '7.1'));
    assert.equal(npmCase.status, 404, 'npm names are exact');
    const mavenCase = await call('GET', P('maven/groups/COM.fabrikam/artifacts/fabrikam-core/versions/1.1.0', '7.1-preview.1'));
    assert.equal(mavenCase.status, 404, 'Maven names are exact');
  });

  it('serves protocol routes only on the packages host, with or without a project, literals in any case', async () => {
    const wrong = await call('GET', `${em.urls.feeds}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.0.0?api-version=7.1`);
    assert.equal(wrong.status, 404);
    assert.equal(em.nonconforming().length, 1);
    em.clearLog();
    const org = await call('GET', `${em.urls.pkgs}/_APIS/Packaging/FEEDS/shared/NuGet/Packages/Shared.Logging/Versions/1.0.0?api-version=7.1`);
    assert.equal(org.status, 200);
    assert.equal((await call('GET', `${em.urls.pkgs}/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.0.0?api-version=7.1`)).status, 404);
  });
});
