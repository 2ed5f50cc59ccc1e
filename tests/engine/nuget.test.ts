import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTokenOnlyToTrustedHosts, byHost, changing, useEmulator } from '../helpers/e2e';
import { runFolder, runInProcess as runTask } from '../helpers/in-process';
import { internalFeedId, nugetFixture, projects } from '../helpers/fixtures';

const feed = 'Fabrikam/internal';

describe('engine nuget: each action', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);
  const version = (name: string, v: string) => h.emu.versions('internal', 'nuget', name).find((x) => x.version === v)!;

  it('promotes one version through its own endpoint, with the view id, and reports it', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packageType: 'nuget', packages: 'Contoso.Core', version: '1.1.0', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(version('Contoso.Core', '1.1.0').views.includes('Release'));
    const writes = changing(h.emu.log);
    assert.equal(writes.length, 1);
    assert.equal(writes[0].method, 'PATCH');
    assert.equal(writes[0].host, 'pkgs');
    assert.match(writes[0].path, /\/_apis\/packaging\/feeds\/[^/]+\/nuget\/packages\/Contoso\.Core\/versions\/1\.1\.0$/i);
    const body = writes[0].body as { views: { op: string; path: string; value: string } };
    assert.deepEqual(Object.keys(body), ['views']);
    assert.equal(body.views.op, 'add');
    assert.equal(body.views.path, '/views/-');
    assert.notEqual(body.views.value.toLowerCase(), 'release', 'the view goes by id');
    assert.equal(r.variables.changedCount, '1');
    assert.deepEqual(r.rows.map((x) => [x.package, x.version, x.outcome]), [['Contoso.Core', '1.1.0', 'changed']]);
    assert.ok(r.rows[0].after!.views.includes('Release'));
    assert.ok(!r.rows[0].before!.views.includes('Release'));
    assert.equal(JSON.parse(r.variables.result).length, 1);
    assert.match(r.variables.feedUrl, /\/Fabrikam\/_packaging\/internal\/nuget\/v3\/index\.json$/);
    assert.ok(r.variables.feedUrl.startsWith(h.emu.urls.pkgs), r.variables.feedUrl);
    assert.equal(r.summaries.length, 1);
    assert.match(fs.readFileSync(r.summaries[0], 'utf8'), /\| Contoso\.Core \| 1\.1\.0 \|/);
    assert.match(r.stdout, /Contoso\.Core\s+1\.1\.0\s+.*changed/);
  });

  it('promotes several versions with one packagesbatch request', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.*', version: '*', view: '@Prerelease', prerelease: 'exclude' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const writes = changing(h.emu.log);
    assert.equal(writes.length, 1);
    assert.match(writes[0].path, /\/nuget\/packagesbatch$/i);
    const body = writes[0].body as { operation: string; data: { viewId: string }; packages: { id: string; version: string }[] };
    assert.equal(body.operation, 'promote');
    assert.ok(body.data.viewId);
    // 1.1.0 and 2.0.0 of Contoso.Core are already there; the prerelease is filtered out.
    assert.deepEqual(body.packages.map((p) => `${p.id}@${p.version}`).sort(), ['Contoso.Core@1.0.0', 'Contoso.Data@3.0.0', 'Contoso.Web@1.0.0', 'Contoso.Web@2.0.0']);
    assert.deepEqual(r.rows.filter((x) => x.outcome === 'unchanged').map((x) => x.version), ['1.1.0', '2.0.0']);
    assert.equal(r.variables.changedCount, '4');
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) assert.ok(version('Contoso.Core', v).views.includes('Prerelease'));
    assert.ok(!version('Contoso.Core', '1.2.0-beta.1').views.includes('Prerelease'));
  });

  it('is idempotent: the second run sends no change and reports unchanged', async () => {
    const inputs = { action: 'promote', feed, packages: 'Contoso.Core@2.0.0', view: 'Release' };
    await runTask(h.emu, inputs);
    h.emu.clearLog();
    const r = await runTask(h.emu, inputs);
    assert.equal(r.result?.status, 'Succeeded');
    assert.equal(changing(h.emu.log).length, 0);
    assert.deepEqual(r.rows.map((x) => x.outcome), ['unchanged']);
    assert.equal(r.variables.changedCount, '0');
  });

  it('unlists and relists one version with {listed}', async () => {
    let r = await runTask(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core@1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(version('Contoso.Core', '1.0.0').listed, false);
    assert.deepEqual(changing(h.emu.log).map((x) => x.body), [{ listed: false }]);
    h.emu.clearLog();
    r = await runTask(h.emu, { action: 'relist', feed, packages: 'Contoso.Web@2.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(version('Contoso.Web', '2.0.0').listed, true);
    assert.deepEqual(changing(h.emu.log).map((x) => x.body), [{ listed: true }]);
    assert.deepEqual([r.rows[0].before!.listed, r.rows[0].after!.listed], [false, true]);
  });

  it('unlists several versions with the batch list operation', async () => {
    const r = await runTask(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '[1.0,2.0)' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const writes = changing(h.emu.log);
    assert.equal(writes.length, 1);
    const body = writes[0].body as { operation: string; data: unknown; packages: unknown[] };
    assert.equal(body.operation, 'list');
    assert.deepEqual(body.data, { listed: false });
    assert.equal(body.packages.length, 3);
    for (const v of ['1.0.0', '1.1.0', '1.2.0-beta.1']) assert.equal(version('Contoso.Core', v).listed, false);
    assert.equal(version('Contoso.Core', '2.0.0').listed, true);
  });

  it('deletes old versions keeping the latest, then restores one, then deletes it for good', async () => {
    let r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Core', version: '*', keepLatest: '2' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['1.0.0', 'changed'], ['1.1.0', 'changed']]);
    assert.ok(version('Contoso.Core', '1.0.0').deleted && version('Contoso.Core', '1.1.0').deleted);
    assert.ok(!version('Contoso.Core', '2.0.0').deleted && !version('Contoso.Core', '1.2.0-beta.1').deleted);
    assert.equal((changing(h.emu.log)[0].body as { operation: string }).operation, 'delete');

    h.emu.clearLog();
    r = await runTask(h.emu, { action: 'restore', feed, packages: 'Contoso.Core@1.1.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(!version('Contoso.Core', '1.1.0').deleted);
    const restore = changing(h.emu.log);
    assert.equal(restore.length, 1);
    assert.match(restore[0].path, /\/nuget\/RecycleBin\/packages\/Contoso\.Core\/versions\/1\.1\.0$/i);
    assert.deepEqual(restore[0].body, { deleted: false });

    h.emu.clearLog();
    r = await runTask(h.emu, { action: 'permanentDelete', feed, packages: 'Contoso.Core', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const purge = changing(h.emu.log);
    assert.equal(purge.length, 1);
    assert.match(purge[0].path, /\/nuget\/RecycleBin\/packagesBatch$/i);
    assert.equal((purge[0].body as { operation: string }).operation, 'permanentDelete');
    assert.deepEqual(r.rows.map((x) => [x.version, x.after]), [['0.9.0', null], ['1.0.0', null]]);
    assert.ok(version('Contoso.Core', '0.9.0') === undefined || version('Contoso.Core', '0.9.0').permanentlyDeleted);
  });

  it('deletes one version with DELETE; a version already in the recycle bin is unchanged', async () => {
    let r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Web@1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(changing(h.emu.log).map((x) => x.method), ['DELETE']);
    assert.ok(version('Contoso.Web', '1.0.0').deleted);
    h.emu.clearLog();
    r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Core@0.9.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(changing(h.emu.log).length, 0);
    assert.deepEqual(r.rows.map((x) => x.outcome), ['unchanged']);
  });

  it('restores several versions with RecycleBin/packagesBatch restoreToFeed', async () => {
    await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Web', version: '*' });
    h.emu.clearLog();
    const r = await runTask(h.emu, { action: 'restore', feed, packages: 'Contoso.Web', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const writes = changing(h.emu.log);
    assert.equal(writes.length, 1);
    assert.equal((writes[0].body as { operation: string }).operation, 'restoreToFeed');
    assert.ok(!version('Contoso.Web', '1.0.0').deleted && !version('Contoso.Web', '2.0.0').deleted);
  });

  it('show lists versions with their state and changes nothing', async () => {
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(changing(h.emu.log).length, 0);
    assert.deepEqual(r.rows.map((x) => x.version), ['1.0.0', '1.1.0', '1.2.0-beta.1', '2.0.0']);
    assert.ok(r.rows.every((x) => x.outcome === 'unchanged'));
    assert.ok(r.rows[1].before!.views.includes('Prerelease'));
    assert.equal(r.variables.changedCount, '0');
  });

  it('downloads a .nupkg through the blob redirect without sending the token there', async () => {
    const dir = runFolder('dl');
    const r = await runTask(h.emu, { action: 'download', feed, packages: 'Contoso.Core@2.0.0', downloadDirectory: dir });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const file = path.join(dir, 'Contoso.Core.2.0.0.nupkg');
    assert.ok(fs.existsSync(file));
    assert.ok(fs.statSync(file).size > 0);
    assert.equal(r.variables.downloadedFiles, file);
    assert.deepEqual(r.rows.map((x) => x.outcome), ['downloaded']);
    const blob = h.emu.log.filter((x) => x.host === 'blob');
    assert.equal(blob.length, 1);
    assert.equal(blob[0].auth, null);
    assertTokenOnlyToTrustedHosts(h.emu.log);
  });
});

describe('engine nuget: selection and guards', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('a dry run plans and sends nothing that changes; what is already there is unchanged', async () => {
    const r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Core', version: '*', dryRun: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(changing(h.emu.log).length, 0);
    assert.ok(r.rows.length === 4 && r.rows.every((x) => x.outcome === 'planned'));
    assert.ok(r.rows.every((x) => x.after!.deleted && !x.before!.deleted));
    assert.equal(r.variables.changedCount, '0');
    const promote = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core', version: '*', view: 'Prerelease', dryRun: 'true' });
    assert.deepEqual(promote.rows.map((x) => [x.version, x.outcome]), [['1.0.0', 'planned'], ['1.1.0', 'unchanged'], ['1.2.0-beta.1', 'planned'], ['2.0.0', 'unchanged']]);
    assert.equal(changing(h.emu.log).length, 0);
  });

  it('maxVersions fails the run before anything changes, in a dry run too', async () => {
    for (const dryRun of ['false', 'true']) {
      h.emu.clearLog();
      const r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.*', version: '*', maxVersions: '3', dryRun });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, /7 versions.*maxVersions \(3\)/);
      assert.equal(changing(h.emu.log).length, 0);
      // The real run left every version as it was; the dry run shows what it would have done.
      assert.ok(r.rows.length === 7 && r.rows.every((x) => x.outcome === (dryRun === 'true' ? 'planned' : 'unchanged')), JSON.stringify(r.rows.map((x) => x.outcome)));
    }
  });

  it('olderThanDays and prerelease only narrow the selection', async () => {
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.*', version: '*', olderThanDays: '95' });
    assert.deepEqual(r.rows.map((x) => `${x.package}@${x.version}`), ['Contoso.Core@1.0.0', 'Contoso.Core@1.1.0', 'Contoso.Core@1.2.0-beta.1']);
    const pre = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: 'latest', prerelease: 'only' });
    assert.deepEqual(pre.rows.map((x) => x.version), ['1.2.0-beta.1']);
  });

  it('gated promotion: only what is in sourceView goes on', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core', version: '*', sourceView: 'Prerelease', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => x.version), ['1.1.0', '2.0.0']);
  });

  it('a selector that matches nothing fails, or warns with failOnNoMatch false', async () => {
    let r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@9.9.9\nContoso.Web@1.0.0', view: 'Release' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /line 1.*9\.9\.9/);
    assert.equal(changing(h.emu.log).length, 0, 'nothing changes when a line matches nothing');
    r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@9.9.9\nContoso.Web@1.0.0', view: 'Release', failOnNoMatch: 'false' });
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.ok(r.warnings.some((w) => /line 1.*9\.9\.9/.test(w)), r.warnings.join('\n'));
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Web').find((x) => x.version === '1.0.0')!.views.includes('Release'));
  });

  it('a package that does not exist names the closest ones', async () => {
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Cor', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    // Nearest first: Core is 1 edit away, Web 3, Data 4.
    assert.match(r.result!.message, /Closest names: Contoso\.Core, Contoso\.Web, Contoso\.Data\.$/);
  });

  it('a bad version selector names its line and sends nothing', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'A@1.0\nB@[1.0,', view: 'Release' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /line 2/);
    assert.equal(h.emu.log.length, 0);
  });

  it('an action outside the protocol table fails before any request', async () => {
    const r = await runTask(h.emu, { action: 'deprecate', feed, packageType: 'nuget', packages: 'A@1.0', deprecateMessage: 'old' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /deprecate/);
    assert.equal(h.emu.log.length, 0);
    assert.ok(fs.existsSync(r.variables.resultFile));
  });

  it('waitSeconds waits for a version that is still being ingested', async () => {
    h.emu.publish('internal', 'nuget', 'Contoso.Core', { version: '3.0.0', visibleAfterMs: 300 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@3.0.0', view: 'Prerelease', waitSeconds: '20' }, { realTime: true });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '3.0.0')!.views.includes('Prerelease'));
  });
});

describe('engine nuget: feeds and views by name and id', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('finds a project feed by project id and feed id (the picker form), and by /feedId', async () => {
    for (const form of [`${projects.fabrikam.id}/${internalFeedId}`, `/${internalFeedId}`, internalFeedId]) {
      const r = await runTask(h.emu, { action: 'show', feed: form, packages: 'Contoso.Data', version: 'latest' });
      assert.equal(r.result?.status, 'Succeeded', `${form}: ${r.result?.message}`);
      assert.equal(r.rows.length, 1);
    }
  });

  it('a bare name prefers the pipeline project, then the organization; several left is an error listing them', async () => {
    let r = await runTask(h.emu, { action: 'show', feed: 'dupe', packages: 'Dupe.*', version: '*' });
    assert.deepEqual(r.rows.map((x) => x.package), ['Dupe.Fab']);
    r = await runTask(h.emu, { action: 'show', feed: 'dupe', packages: 'Dupe.*', version: '*' }, { project: 'Contoso', projectId: projects.contoso.id });
    assert.deepEqual(r.rows.map((x) => x.package), ['Dupe.Con']);
    r = await runTask(h.emu, { action: 'show', feed: 'shared', packages: 'Shared.Lib', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    r = await runTask(h.emu, { action: 'show', feed: 'dupe', packages: 'Dupe.*', version: '*' }, { project: 'Empty', projectId: projects.empty.id });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /Contoso\/dupe, Fabrikam\/dupe/);
  });

  it('an organization feed by /feed, and a view by id', async () => {
    const views = await (await fetch(`${h.emu.urls.feeds}/Fabrikam/_apis/packaging/Feeds/internal/views?api-version=7.1`, { headers: { Authorization: `Bearer ${h.emu.tokens.owner}` } })).json() as { value: { id: string; name: string }[] };
    const release = views.value.find((v) => v.name === 'Release')!;
    h.emu.clearLog();
    const r = await runTask(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Contoso.Data@3.0.0', view: release.id });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const s = await runTask(h.emu, { action: 'show', feed: '/shared', packages: 'Shared.Lib', version: '*' });
    assert.equal(s.result?.status, 'Succeeded', s.stdout);
  });

  it('a feed or view that does not exist names the closest ones that do', async () => {
    let r = await runTask(h.emu, { action: 'show', feed: 'Fabrikam/internl', packages: 'A', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /internl.*Closest feeds it can see: Fabrikam\/internal,/);
    // It failed before it could select anything: no table of nothing in the log.
    assert.doesNotMatch(r.stdout, /Package\s+Version|0 version\(s\)/);
    r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Staging' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /Staging.*Prerelease/);
    assert.doesNotMatch(r.stdout, /Package\s+Version|0 version\(s\)/);
    assert.equal(changing(h.emu.log).length, 0);
  });
});

describe('engine nuget: failures and safety', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('reads started ahead that the run no longer needs send nothing after its end', async () => {
    // The names' queries are throttled (retry in 1 s); the views answer later, without the view
    // asked for, and that ends the run while the queries wait to be sent again.
    h.emu.fault({ match: { route: 'packages.list' }, status: 429, retryAfterSeconds: 1, count: 2 });
    h.emu.fault({ match: { route: 'views.list' }, latencyMs: 100 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core\nContoso.Web', version: '*', view: 'Nope' }, { realTime: true });
    const ended = Date.now();
    assert.equal(r.result?.status, 'Failed');
    assert.equal(h.emu.log.filter((x) => x.route === 'packages.list').length, 2, 'both names were asked before the run ended');
    await new Promise((res) => setTimeout(res, 1500));
    assert.ok(h.emu.log.every((x) => x.at <= ended), `sent after the run ended: ${h.emu.log.filter((x) => x.at > ended).map((x) => x.path).join(', ')}`);
    const queries = h.emu.log.filter((x) => x.route === 'packages.list').map((x) => x.query.packageNameQuery);
    assert.equal(new Set(queries).size, queries.length, `a name asked twice: ${queries.join(', ')}`);
  });

  it('a feed name with @ (a view, to the service) is looked up before anything is read through it', async () => {
    await runTask(h.emu, { action: 'show', feed: 'Fabrikam/internal@Release', packages: 'Contoso.*', version: '*' });
    assert.deepEqual(h.emu.log.filter((x) => /internal@/i.test(decodeURIComponent(x.path))).map((x) => x.route), ['feeds.get']);
  });

  it('selectors that may wait are read one after another, so the names after a wait are read after it', async () => {
    h.emu.latencyMs = 40;
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core@1.0.0\nContoso.Web', version: '*', waitSeconds: '5' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    const order = h.emu.log.filter((x) => x.route === 'packages.list' || x.route === 'views.list').map((x) => x.route === 'views.list' ? 'views' : x.query.packageNameQuery);
    assert.ok(!order.includes('views'), 'show without a view reads no views');
    assert.deepEqual(order, ['Contoso.Core', 'Contoso.Web']);
    const [core, web] = h.emu.log.filter((x) => x.route === 'packages.list');
    assert.ok(web.at - core.at >= 30, `the second name was asked ${web.at - core.at} ms after the first, before its answer (40 ms)`);
  });

  it('a bad token fails with authentication advice and changes nothing', async () => {
    const r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Core@1.0.0' }, { token: 'expired-token' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /Authentication failed/);
    assert.equal(changing(h.emu.log).length, 0);
  });

  it('a short role fails with the role needed and where to grant it', async () => {
    const r = await runTask(h.emu, { action: 'delete', feed, packages: 'Contoso.Core@1.0.0' }, { token: h.emu.tokens.contributor });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /Feed Owner/);
    assert.match(r.result!.message, /Fabrikam Build Service \(fabrikam\)/);
    assert.ok(!h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.0.0')!.deleted);
    assert.deepEqual(r.rows.map((x) => x.outcome), ['failed']);
    assert.deepEqual(r.rows[0].after, r.rows[0].before, 'the row shows the state read back, not the target');
  });

  it('honours Retry-After on 429: waits what the service asks, then succeeds', async () => {
    h.emu.fault({ match: { method: 'PATCH' }, status: 429, retryAfterSeconds: 3, count: 1 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(r.sleptMs >= 3000, 'resent before Retry-After had passed');
    const patches = h.emu.log.filter((x) => x.method === 'PATCH');
    assert.deepEqual(patches.map((x) => x.status), [429, 202]);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.0.0')!.views.includes('Release'));
  });

  it('after a lost answer (503 after the change) reads back and does not resend', async () => {
    h.emu.fault({ match: { method: 'POST' }, status: 503, afterApply: true, count: 1 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Web', version: '*', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(h.emu.log.filter((x) => x.method === 'POST').length, 1, 'the batch was not sent again');
    assert.ok(r.rows.every((x) => x.outcome === 'changed'));
  });

  it('resends only what did not arrive after a dropped connection', async () => {
    h.emu.fault({ match: { method: 'POST' }, drop: true, count: 1 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Web', version: '*', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const posts = h.emu.log.filter((x) => x.method === 'POST');
    assert.equal(posts.length, 2);
    assert.equal((posts[1].body as { packages: unknown[] }).packages.length, 2);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Web').every((x) => x.views.includes('Release')));
  });

  it('one promote of one version: requests by host', async () => {
    h.emu.latencyMs = 40;
    await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' });
    // org: every area in one list; feeds: feed, views, listing, read-back; pkgs: the PATCH.
    assert.deepEqual(byHost(h.emu.log), { org: 1, feeds: 4, pkgs: 1 });
    // Named `project/feed`: the views and the name's query travel beside the feed's own look-up.
    const arrived = (route: string) => h.emu.log.find((x) => x.route === route)!.at;
    for (const route of ['views.list', 'packages.list']) assert.ok(arrived(route) - arrived('feeds.get') < 30, `${route} was held back by the feed's look-up (40 ms)`);
  });
});

describe('engine nuget: other servers', function () {
  this.timeout(60_000);

  describe('on premises', () => {
    const h = useEmulator(nugetFixture, { mode: 'onprem' });
    it('serves everything from the collection URL', async () => {
      const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' });
      assert.equal(r.result?.status, 'Succeeded', r.stdout);
      assert.ok(h.emu.log.every((x) => x.host === 'collection'));
      assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.0.0')!.views.includes('Release'));
      assert.ok(r.variables.feedUrl.startsWith(h.emu.urls.collection));
    });
    it('refuses protocols the server does not have, before changing anything', async () => {
      const r = await runTask(h.emu, { action: 'delete', feed, packageType: 'pypi', packages: 'x@1.0' });
      assert.equal(r.result?.status, 'Failed');
      assert.equal(changing(h.emu.log).length, 0);
    });
  });

  describe('a connection to an on-premises server', () => {
    const h = useEmulator(nugetFixture, { mode: 'onprem' });
    it('finds no Packaging area, so serves everything from the collection and refuses what the server lacks', async () => {
      const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' }, { connectionToken: h.emu.tokens.owner, project: null });
      assert.equal(r.result?.status, 'Succeeded', r.stdout);
      assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.0.0')!.views.includes('Release'));
      h.emu.clearLog();
      const cargo = await runTask(h.emu, { action: 'delete', feed, packageType: 'cargo', packages: 'serde@1.0.0' }, { connectionToken: h.emu.tokens.owner, project: null });
      assert.equal(cargo.result?.status, 'Failed');
      assert.match(cargo.result!.message, /Cargo.*not available/);
      assert.equal(changing(h.emu.log).length, 0);
    });
  });

  describe('a connection to another organization', () => {
    const h = useEmulator(nugetFixture);
    it('uses the personal access token as Basic credentials', async () => {
      const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' }, { token: 'not-used', connectionToken: h.emu.tokens.owner, project: null });
      assert.equal(r.result?.status, 'Succeeded', r.stdout);
      assert.ok(h.emu.log.filter((x) => x.auth).every((x) => x.auth!.scheme === 'Basic'));
    });
  });
});

describe('engine nuget: scale and time limits', function () {
  this.timeout(120_000);
  const h = useEmulator(nugetFixture);

  it('a glob sees every package of a feed of more than 1000, page by page, and changes them in batches of 100', async () => {
    h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 1150, versionsEach: 1, prefix: 'Bulk.Pkg' });
    h.emu.clearLog();
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Bulk.*', version: '*', view: 'Release', maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.equal(r.variables.changedCount, '1150');
    const listings = h.emu.log.filter((x) => x.method === 'GET' && /\/packages$/i.test(x.path));
    assert.ok(listings.some((x) => x.query.$skip === '1000'), 'the second page was read');
    const posts = changing(h.emu.log);
    assert.equal(posts.length, 12);
    assert.ok(posts.every((x) => (x.body as { packages: unknown[] }).packages.length <= 100));
    for (const name of ['Bulk.Pkg.0000', 'Bulk.Pkg.0999', 'Bulk.Pkg.1000', 'Bulk.Pkg.1149']) {
      const versions = h.emu.versions('internal', 'nuget', name);
      assert.equal(versions.length, 1, name);
      assert.ok(versions[0].views.includes('Release'), name);
    }
    assert.equal(r.variables.result, '', 'the result is too large for a variable');
    assert.equal(r.rows.length, 1150);
    assert.ok(r.warnings.some((w) => /resultFile|larger/.test(w)));
  });

  it('a request that takes longer than the timeout is abandoned and retried', async () => {
    h.emu.fault({ match: { method: 'GET', pathIncludes: '/packages' }, latencyMs: 800, count: 1 });
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: 'latest' }, { timeoutMs: 250 });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.deepEqual(r.rows.map((x) => x.version), ['2.0.0']);
    assert.equal(h.emu.log.filter((x) => x.method === 'GET' && /\/packages$/i.test(x.path)).length, 2);
  });

  it('gives up after bounded retries when the service keeps failing', async () => {
    h.emu.fault({ match: { method: 'GET', pathIncludes: '/views' }, status: 503, count: 100 });
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /5 attempts/);
    assert.equal(h.emu.log.filter((x) => /\/views$/i.test(x.path)).length, 5);
    assert.equal(changing(h.emu.log).length, 0);
  });
});

describe('engine nuget: the recycle bin', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('restoring a package with nothing in the recycle bin says so; an exact live version is unchanged', async () => {
    let r = await runTask(h.emu, { action: 'restore', feed, packages: 'Contoso.Data', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /recycle bin holds no version/);
    r = await runTask(h.emu, { action: 'restore', feed, packages: 'Contoso.Data@3.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['3.0.0', 'unchanged']]);
    assert.equal(changing(h.emu.log).length, 0);
  });
});
