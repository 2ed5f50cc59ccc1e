import * as assert from 'node:assert/strict';
import { Emulator } from '../index';
import { call } from './helpers';

const FABRIKAM_ID = '5b7d5f6e-8a41-4c2b-9f0e-3d6a1c2b4e01';

describe('emulator feeds API', () => {
  let em: Emulator;
  const F = (p: string) => `${em.urls.feeds}/${p}`;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming().map((r) => r.reason), []));

  it('lists every feed of the organization with its project reference', async () => {
    const r = await call('GET', F('_apis/packaging/feeds?api-version=7.1'));
    assert.equal(r.status, 200);
    const names = r.json.value.map((f: any) => `${f.project?.name ?? ''}/${f.name}`).sort();
    assert.deepEqual(names, ['/shared', 'Contoso/dupe', 'Contoso/releases', 'Fabrikam/dupe', 'Fabrikam/internal']);
    const shared = r.json.value.find((f: any) => f.name === 'shared');
    assert.equal(shared.project, null);
    const internal = r.json.value.find((f: any) => f.name === 'internal');
    assert.deepEqual(internal.project, { id: FABRIKAM_ID, name: 'Fabrikam', visibility: 'private' });
    for (const k of ['id', 'name', 'url', 'viewId', 'viewName', 'fullyQualifiedName']) assert.ok(k in internal, k);
  });

  it('lists a project\'s feeds, by project name or id, in any letter case', async () => {
    for (const p of ['Fabrikam', 'fabrikam', FABRIKAM_ID]) {
      const r = await call('GET', F(`${p}/_APIS/Packaging/Feeds?api-version=7.1`));
      assert.deepEqual(r.json.value.map((f: any) => f.name).sort(), ['dupe', 'internal']);
    }
  });

  it('gets a feed by name or id; a project feed needs its project and an org feed refuses one', async () => {
    const byName = await call('GET', F('Fabrikam/_apis/packaging/feeds/Internal?api-version=7.1'));
    assert.equal(byName.status, 200);
    const byId = await call('GET', F(`${FABRIKAM_ID}/_apis/packaging/feeds/${byName.json.id}?api-version=7.2-preview.1`));
    assert.equal(byId.json.name, 'internal');
    const noProject = await call('GET', F('_apis/packaging/feeds/internal?api-version=7.1'));
    assert.equal(noProject.status, 404);
    assert.equal(noProject.json.typeKey, 'FeedIdNotFoundException');
    assert.equal(noProject.json.$id, '1');
    assert.equal((await call('GET', F('_apis/packaging/feeds/shared?api-version=7.1'))).status, 200);
    assert.equal((await call('GET', F('Fabrikam/_apis/packaging/feeds/shared?api-version=7.1'))).status, 404);
    const noSuchProject = await call('GET', F('Nope/_apis/packaging/feeds/internal?api-version=7.1'));
    assert.equal(noSuchProject.status, 404);
    assert.equal(noSuchProject.json.typeKey, 'ProjectDoesNotExistWithNameException');
  });

  it('takes the api-version from the Accept header', async () => {
    const r = await call('GET', F('_apis/packaging/feeds'), { headers: { Accept: 'application/json;api-version=7.1-preview.1' } });
    assert.equal(r.status, 200);
  });

  it('lists views (Local implicit, Prerelease, Release) and gets one by name or id', async () => {
    const r = await call('GET', F('Fabrikam/_apis/packaging/Feeds/internal/views?api-version=7.1'));
    assert.deepEqual(r.json.value.map((v: any) => `${v.name}:${v.type}`), ['Local:implicit', 'Prerelease:release', 'Release:release']);
    const rel = r.json.value[2];
    assert.equal((await call('GET', F(`Fabrikam/_apis/packaging/Feeds/internal/views/${rel.id}?api-version=7.1`))).json.name, 'Release');
    assert.equal((await call('GET', F('Fabrikam/_apis/packaging/feeds/internal/Views/release?api-version=7.1'))).json.id, rel.id);
    const missing = await call('GET', F('Fabrikam/_apis/packaging/Feeds/internal/views/Nope?api-version=7.1'));
    assert.equal(missing.status, 404);
    assert.equal(missing.json.typeKey, 'FeedViewNotFoundException');
  });

  describe('packages listing', () => {
    const list = (q: string) => call('GET', F(`Fabrikam/_apis/packaging/Feeds/internal/packages?api-version=7.1&${q}`));

    it('returns every protocol, the latest version only unless includeAllVersions', async () => {
      const r = await list('');
      assert.equal(r.json.count, 11);
      const core = r.json.value.find((p: any) => p.name === 'Contoso.Core');
      assert.equal(core.protocolType, 'NuGet');
      assert.equal(core.normalizedName, 'contoso.core');
      assert.deepEqual(core.versions.map((v: any) => v.version), ['2.0.0']);
      assert.equal(core.versions[0].isLatest, true);
      const all = await list('includeAllVersions=true&protocolType=nuget&packageNameQuery=core');
      assert.equal(all.json.count, 1);
      const vs = all.json.value[0].versions;
      assert.deepEqual(vs.map((v: any) => v.version), ['2.0.0', '1.2.0-beta.1', '1.1.0', '1.0.0', '0.9.0']);
      const deleted = vs.find((v: any) => v.version === '0.9.0');
      assert.equal(deleted.isDeleted, true);
      assert.ok(deleted.deletedDate);
      const one = vs.find((v: any) => v.version === '1.0.0');
      assert.deepEqual(one.views.map((v: any) => `${v.name}:${v.type}`), ['Local:implicit', 'Prerelease:release', 'Release:release']);
      for (const k of ['id', 'normalizedVersion', 'isListed', 'publishDate']) assert.ok(k in one, k);
    });

    it('filters by protocolType (any case), packageNameQuery, normalizedPackageName, includeDeleted, isListed, isRelease', async () => {
      const names = async (q: string) => (await list(q)).json.value.map((p: any) => p.name);
      assert.deepEqual(await names('protocolType=npm'), ['@fabrikam/widgets', 'fabrikam-utils']);
      assert.deepEqual(await names('protocolType=PYPI'), ['Fabrikam_Data']);
      assert.deepEqual(await names('protocolType=UPack'), ['fabrikam-tools']);
      assert.deepEqual(await names('protocolType=Cargo'), ['fabrikam_parser']);
      assert.deepEqual(await names('protocolType=Maven'), ['com.fabrikam:fabrikam-core']);
      assert.deepEqual(await names('packageNameQuery=CONTOSO'), ['Contoso.Core', 'Contoso.Legacy', 'Contoso.Web']);
      assert.deepEqual(await names('protocolType=NuGet&normalizedPackageName=contoso.web'), ['Contoso.Web']);
      assert.deepEqual(await names('protocolType=NuGet&includeDeleted=false'), ['Contoso.Core', 'Contoso.Web', 'Fabrikam.Shop', 'Newtonsoft.Json']);
      const unlisted = (await list('protocolType=NuGet&packageNameQuery=Web&includeAllVersions=true&isListed=false')).json.value[0].versions;
      assert.deepEqual(unlisted.map((v: any) => v.version), ['1.0.1']);
      const release = (await list('protocolType=NuGet&packageNameQuery=Core&includeAllVersions=true&isRelease=true')).json.value[0].versions;
      assert.ok(release.every((v: any) => !v.version.includes('-')));
      const desc = (await list('protocolType=NuGet&packageNameQuery=Web&includeDescription=true&includeUrls=false')).json.value[0];
      assert.ok('packageDescription' in desc.versions[0]);
      assert.ok(!('_links' in desc));
      assert.deepEqual(await names('protocolType=Conda'), []);
    });

    it('pages with $top (default 1000) and $skip over more than 1000 packages', async () => {
      em.generate({ feed: 'big', project: 'Fabrikam', protocol: 'nuget', packages: 1200, versionsEach: 2, prefix: 'Big' });
      const page = (q: string) => call('GET', F(`Fabrikam/_apis/packaging/Feeds/big/packages?api-version=7.1&${q}`));
      const first = await page('');
      assert.equal(first.json.count, 1000);
      const second = await page('$skip=1000');
      assert.equal(second.json.count, 200);
      const seen = new Set([...first.json.value, ...second.json.value].map((p: any) => p.name));
      assert.equal(seen.size, 1200);
      const small = await page('$top=3&$skip=5');
      assert.deepEqual(small.json.value.map((p: any) => p.name), ['Big.0005', 'Big.0006', 'Big.0007']);
      const topVersions = await page('$top=3&$skip=1&includeAllVersions=true&getTopPackageVersions=true');
      assert.deepEqual(topVersions.json.value.map((p: any) => `${p.name}:${p.versions.length}`), ['Big.0000:1', 'Big.0001:2']);
    });

    it('refuses a malformed $top as the service does', async () => {
      const r = await list('$top=many');
      assert.equal(r.status, 400);
      assert.equal(em.nonconforming().length, 1);
      em.clearLog();
    });

    it('gets one package and its versions by id', async () => {
      const pkg = (await list('protocolType=NuGet&normalizedPackageName=contoso.core')).json.value[0];
      const base = `Fabrikam/_apis/packaging/Feeds/internal/Packages/${pkg.id}`;
      const one = await call('GET', F(`Fabrikam/_apis/packaging/Feeds/internal/packages/${pkg.id}?api-version=7.1&includeAllVersions=true`));
      assert.equal(one.json.versions.length, 5);
      const vs = await call('GET', F(`${base}/versions?api-version=7.1&isDeleted=false`));
      assert.equal(vs.json.count, 4);
      const v = await call('GET', F(`${base}/versions/${vs.json.value[0].id}?api-version=7.1`));
      assert.equal(v.status, 200);
      assert.equal(v.json.version, vs.json.value[0].version);
      assert.equal((await call('GET', F(`${base}/versions/00000000-0000-0000-0000-000000000000?api-version=7.1`))).status, 404);
      const nope = await call('GET', F('Fabrikam/_apis/packaging/Feeds/internal/packages/00000000-0000-0000-0000-000000000000?api-version=7.1'));
      assert.equal(nope.status, 404);
      assert.equal(nope.json.typeKey, 'PackageNotFoundException');
    });

    it('hides a version until its ingestion lag has passed', async () => {
      em.publish('Fabrikam/internal', 'nuget', 'Contoso.Core', { version: '3.0.0', visibleAfterMs: 150 });
      const before = (await list('protocolType=NuGet&packageNameQuery=Contoso.Core&includeAllVersions=true')).json.value[0].versions;
      assert.ok(!before.some((v: any) => v.version === '3.0.0'));
      await new Promise((r) => setTimeout(r, 170));
      const after = (await list('protocolType=NuGet&packageNameQuery=Contoso.Core')).json.value[0].versions;
      assert.deepEqual(after.map((v: any) => v.version), ['3.0.0']);
    });
  });

  describe('recycle bin', () => {
    const rb = (p: string) => F(`Fabrikam/_apis/packaging/Feeds/internal/RecycleBin/Packages${p}`);

    it('lists deleted versions with their dates, filtered and paged', async () => {
      const r = await call('GET', rb('?api-version=7.1&includeAllVersions=true'));
      assert.deepEqual(r.json.value.map((p: any) => p.name).sort(), ['Contoso.Core', 'Contoso.Legacy', 'Fabrikam_Data', 'com.fabrikam:fabrikam-core', 'fabrikam-utils', 'fabrikam_parser'].sort());
      for (const p of r.json.value) {
        for (const v of p.versions) {
          assert.equal(v.isDeleted, true);
          assert.ok(v.deletedDate && v.scheduledPermanentDeleteDate);
        }
      }
      const nuget = await call('GET', rb('?api-version=7.1&protocolType=nuget&packageNameQuery=legacy'));
      assert.deepEqual(nuget.json.value.map((p: any) => p.name), ['Contoso.Legacy']);
      const paged = await call('GET', rb('?api-version=7.1&$top=2&$skip=1'));
      assert.equal(paged.json.count, 2);
    });

    it('gets a recycle-bin package, its versions and one version', async () => {
      const pkg = (await call('GET', rb('?api-version=7.1&packageNameQuery=Contoso.Core'))).json.value[0];
      const one = await call('GET', rb(`/${pkg.id}?api-version=7.1`));
      assert.equal(one.json.name, 'Contoso.Core');
      const vs = await call('GET', rb(`/${pkg.id}/Versions?api-version=7.1`));
      assert.deepEqual(vs.json.value.map((v: any) => v.version), ['0.9.0']);
      const v = await call('GET', rb(`/${pkg.id}/versions/${vs.json.value[0].id}?api-version=7.1`));
      assert.equal(v.json.isDeleted, true);
      assert.ok(v.json.scheduledPermanentDeleteDate);
      const live = (await call('GET', F(`Fabrikam/_apis/packaging/Feeds/internal/packages/${pkg.id}?api-version=7.1`))).json.versions[0];
      assert.equal((await call('GET', rb(`/${pkg.id}/Versions/${live.id}?api-version=7.1`))).status, 404);
      const web = (await call('GET', F('Fabrikam/_apis/packaging/Feeds/internal/packages?api-version=7.1&packageNameQuery=Contoso.Web'))).json.value[0];
      assert.equal((await call('GET', rb(`/${web.id}?api-version=7.1`))).status, 404);
    });
  });

  describe('refusals', () => {
    it('refuses a missing, unknown or un-previewed api-version with 400 and records it', async () => {
      const cases: [string, string][] = [
        ['_apis/packaging/feeds', 'VssVersionNotSpecifiedException'],
        ['_apis/packaging/feeds?api-version=5.0', 'VssVersionOutOfRangeException'],
        ['_apis/packaging/feeds?api-version=7.2', 'VssInvalidPreviewVersionException'],
      ];
      for (const [p, key] of cases) {
        const r = await call('GET', F(p));
        assert.equal(r.status, 400, p);
        assert.equal(r.json.typeKey, key, p);
      }
      assert.equal(em.nonconforming().length, 3);
      em.clearLog();
    });

    it('answers 404 for a feeds route on the wrong host and for an unknown path, 405 for a wrong method', async () => {
      const wrongHost = await call('GET', `${em.urls.pkgs}/_apis/packaging/feeds?api-version=7.1`);
      assert.equal(wrongHost.status, 404);
      const unknown = await call('GET', F('_apis/packaging/feeds/shared/nothing-here?api-version=7.1'));
      assert.equal(unknown.status, 404);
      const method = await call('PUT', F('_apis/packaging/feeds/shared?api-version=7.1'), { body: {} });
      assert.equal(method.status, 405);
      const rec = em.nonconforming();
      assert.deepEqual(rec.map((r) => r.status), [404, 404, 405]);
      assert.equal(rec[0].route, 'feeds.list');
      assert.equal(rec[1].route, undefined);
      em.clearLog();
    });

    it('records a query parameter the operation does not have as nonconforming (and still answers)', async () => {
      const r = await call('GET', F('_apis/packaging/feeds?api-version=7.1&includeEverything=true'));
      assert.equal(r.status, 200);
      assert.match(em.nonconforming()[0].reason!, /includeEverything/);
      // Parameter names are case-insensitive, as on the service.
      em.clearLog();
      await call('GET', F('Fabrikam/_apis/packaging/Feeds/internal/packages?API-VERSION=7.1&includedeleted=true'));
      assert.deepEqual(em.nonconforming(), []);
    });
  });
});
