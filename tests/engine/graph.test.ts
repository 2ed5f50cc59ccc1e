/**
 * Promote with dependencies (includeDependencies), in-process against the emulator: each protocol's
 * resolution, the groups a consumer never installs, transitive following, cycles, the order in
 * which versions reach the view (asserted on the emulator's request log), the report's
 * `requiredBy`, the guard, the dry run, and what the feed cannot give.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { CRAFTED, type DependencySeed, type Fixture, type PackageSeed, type ProtocolKey, type RequestRecord } from '../emulator';
import { changing, useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runInProcess as run } from '../helpers/in-process';

const feed = 'Fabrikam/internal';
const upstream = '4d3c2b1a-0f9e-4d8c-b7a6-958473625140';

const nuget = (name: string, versions: (string | { version: string; dependencies?: DependencySeed[]; views?: string[]; upstreamSourceId?: string; deleted?: boolean })[]): PackageSeed => ({
  protocol: 'nuget',
  name,
  versions: versions.map((v) => (typeof v === 'string' ? { version: v } : v)),
});
const dep = (packageName: string, versionRange: string, group?: string): DependencySeed => (group === undefined ? { packageName, versionRange } : { packageName, versionRange, group });

function fixture(): Fixture {
  return fabrikamFixture({
    packages: [
      // NuGet: transitive, lowest applicable, saved from an upstream, target-framework groups.
      nuget('Contoso.App', [
        { version: '3.0.0', dependencies: [dep('Contoso.Core', '[1.2.0, )', 'net8.0'), dep('Newtonsoft.Json', '[13.0.1, )', 'netstandard2.0'), dep('Contoso.Native', '1.0.0', 'some-future-framework')] },
      ]),
      nuget('Contoso.Core', ['1.1.0', { version: '1.2.0', dependencies: [dep('Contoso.Base', '[1.0.0, 2.0.0)')] }, '1.3.0', '2.0.0-beta.1']),
      nuget('Contoso.Base', ['0.9.0', { version: '0.9.5', deleted: true }, '1.0.0', '1.5.0']),
      nuget('Contoso.Native', ['1.0.0', '1.0.1']),
      nuget('Newtonsoft.Json', [{ version: '13.0.1', upstreamSourceId: upstream }, { version: '13.0.3', upstreamSourceId: upstream }]),
      // A cycle, and a diamond whose shared dependency the top also needs directly.
      nuget('Cyc.A', [{ version: '1.0.0', dependencies: [dep('Cyc.B', '[1.0.0, )')] }]),
      nuget('Cyc.B', [{ version: '1.0.0', dependencies: [dep('Cyc.A', '[1.0.0, )')] }]),
      nuget('Dia.Top', [{ version: '1.0.0', dependencies: [dep('Dia.Base', '[1.0.0, )'), dep('Dia.Left', '[1.0.0, )'), dep('Dia.Right', '[1.0.0, )')] }]),
      nuget('Dia.Left', [{ version: '1.0.0', dependencies: [dep('Dia.Base', '[1.0.0, )')] }]),
      nuget('Dia.Right', [{ version: '1.0.0', dependencies: [dep('Dia.Base', '[1.0.0, )')] }]),
      nuget('Dia.Base', ['1.0.0']),
      // What the feed cannot give.
      nuget('Broken.App', [{ version: '1.0.0', dependencies: [dep('Missing.Pkg', '[1.0.0, )'), dep('Contoso.Base', '[9.0.0, )'), dep('Contoso.Native', 'not a range!'), dep('Dia.Base', '[1.0.0, )')] }]),
      // npm: highest, pre-releases only where the range names one, devDependencies skipped.
      { protocol: 'npm', name: '@fabrikam/app', versions: [{ version: '1.0.0', dependencies: [dep('left-pad', '^1.1.0', 'dependencies'), dep('mocha', '^10.0.0', 'devDependencies'), dep('@fabrikam/next', '^2.0.0-beta.1', 'dependencies'), dep('chalk', '', 'peerDependencies')] }] },
      { protocol: 'npm', name: 'left-pad', versions: [{ version: '1.0.0' }, { version: '1.1.0' }, { version: '1.3.0' }, { version: '1.4.0-beta.1' }, { version: '2.0.0' }] },
      { protocol: 'npm', name: 'mocha', versions: [{ version: '10.2.0' }] },
      { protocol: 'npm', name: '@fabrikam/next', versions: [{ version: '2.0.0-beta.1' }, { version: '2.0.0-beta.2' }, { version: '2.1.0-beta.1' }] },
      { protocol: 'npm', name: 'chalk', versions: [{ version: '4.1.2' }, { version: '5.0.0-next.1' }] },
      // PyPI: highest; a pre-release only where nothing else matches; names compared by PEP 503.
      { protocol: 'pypi', name: 'fabrikam-app', versions: [{ version: '1.0', dependencies: [dep('Requests', '>=2.0,<3'), dep('only_pre', '>=1.0'), dep('typing-ext', '(>=4.0)')] }] },
      { protocol: 'pypi', name: 'requests', versions: [{ version: '2.0.0' }, { version: '2.31.0' }, { version: '2.32.0rc1' }, { version: '3.0.0' }] },
      { protocol: 'pypi', name: 'Only-Pre', versions: [{ version: '1.1rc1' }, { version: '1.0rc1' }] },
      { protocol: 'pypi', name: 'typing_ext', versions: [{ version: '4.0.0' }, { version: '4.12.2' }] },
      // Cargo: a bare version is a caret requirement; dev skipped, build followed.
      { protocol: 'cargo', name: 'fab_app', versions: [{ version: '0.1.0', dependencies: [dep('serde', '1.0.100', 'normal'), dep('criterion', '0.5', 'dev'), dep('cc-build', '^1', 'build')] }] },
      { protocol: 'cargo', name: 'serde', versions: [{ version: '1.0.99' }, { version: '1.0.150' }, { version: '1.1.0' }, { version: '1.2.0-alpha.1' }, { version: '2.0.0' }] },
      { protocol: 'cargo', name: 'criterion', versions: [{ version: '0.5.1' }] },
      { protocol: 'cargo', name: 'cc_build', versions: [{ version: '1.0.83' }] },
      // Maven: a plain version is that version, a range its highest; test and provided skipped.
      { protocol: 'maven', name: 'com.fabrikam:app', versions: [{ version: '1.0', dependencies: [dep('com.fabrikam:lib', '1.2', 'compile'), dep('junit:junit', '4.13', 'test'), dep('javax.servlet:servlet-api', '3.0', 'provided'), dep('com.fabrikam:util', '[1.0,2.0)', 'runtime')] }] },
      { protocol: 'maven', name: 'com.fabrikam:lib', versions: [{ version: '1.1' }, { version: '1.2' }, { version: '1.3' }] },
      { protocol: 'maven', name: 'com.fabrikam:util', versions: [{ version: '1.0' }, { version: '1.9' }, { version: '2.0' }] },
      { protocol: 'maven', name: 'junit:junit', versions: [{ version: '4.13' }] },
      { protocol: 'maven', name: 'javax.servlet:servlet-api', versions: [{ version: '3.0' }] },
    ],
  });
}

/** The versions each change request carried, in the order the requests arrived: a batch's items, or a single version's path. */
function changeOrder(log: RequestRecord[]): string[][] {
  return changing(log).map((r) => {
    const body = r.body as { packages?: { id?: string; group?: string; artifact?: string; version: string }[] } | undefined;
    if (body?.packages) return body.packages.map((p) => `${p.id ?? `${p.group}:${p.artifact}`}@${p.version}`).sort();
    const m = /\/packages\/(.+)\/versions\/([^/]+)$/i.exec(r.path) ?? /\/npm\/(.+)\/versions\/([^/]+)$/i.exec(r.path);
    return [`${decodeURIComponent(m![1])}@${decodeURIComponent(m![2])}`];
  });
}

const rowsOf = (r: { rows: { package: string; version: string; outcome: string; requiredBy?: string; source?: string }[] }) =>
  r.rows.map((x) => [x.package, x.version, x.outcome, (x as { requiredBy?: string }).requiredBy ?? '']);

describe('engine: promote with dependencies', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);
  const inView = (protocol: ProtocolKey, name: string, version: string, view = 'Release') => !!h.emu.versions('internal', protocol, name).find((x) => x.version === version)?.views.includes(view);
  const promote = (packageType: string, packages: string, extra: Record<string, string> = {}) =>
    run(h.emu, { action: 'promote', feed, packageType, packages, view: 'Release', includeDependencies: 'true', ...extra });

  it('NuGet: follows every framework group transitively, takes the lowest applicable version, upstream-saved ones too, leaves first', async () => {
    const r = await promote('nuget', 'Contoso.App@3.0.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout + r.warnings.join('\n'));
    assert.deepEqual(rowsOf(r), [
      ['Contoso.App', '3.0.0', 'changed', ''],
      ['Contoso.Base', '1.0.0', 'changed', 'Contoso.Core@1.2.0'],
      ['Contoso.Core', '1.2.0', 'changed', 'Contoso.App@3.0.0'],
      ['Contoso.Native', '1.0.0', 'changed', 'Contoso.App@3.0.0'],
      ['Newtonsoft.Json', '13.0.1', 'changed', 'Contoso.App@3.0.0'],
    ]);
    assert.equal(r.rows.find((x) => x.package === 'Newtonsoft.Json')!.source, 'upstream');
    for (const [name, v] of [['Contoso.App', '3.0.0'], ['Contoso.Core', '1.2.0'], ['Contoso.Base', '1.0.0'], ['Newtonsoft.Json', '13.0.1'], ['Contoso.Native', '1.0.0']]) assert.ok(inView('nuget', name, v), `${name} ${v}`);
    for (const [name, v] of [['Contoso.Core', '1.3.0'], ['Contoso.Base', '1.5.0'], ['Newtonsoft.Json', '13.0.3']]) assert.ok(!inView('nuget', name, v), `${name} ${v}`);
    // Leaves first, level by level: the base and the leaves, then the core, then the application.
    const order = changeOrder(h.emu.log);
    assert.deepEqual(order, [['Contoso.Base@1.0.0', 'Contoso.Native@1.0.0', 'Newtonsoft.Json@13.0.1'], ['Contoso.Core@1.2.0'], ['Contoso.App@3.0.0']]);
    // Each version's dependencies read once, from the feeds API's own version GET.
    const reads = h.emu.log.filter((x) => x.route === 'versions.get');
    assert.equal(reads.length, 5);
    assert.equal(new Set(reads.map((x) => x.path.toLowerCase())).size, 5);
    assert.equal(r.variables.changedCount, '5');
    assert.match(r.stdout, /Package\s+Version\s+Before\s+After\s+Outcome\s+Required by/);
    assert.match(r.stdout, /Contoso\.Base\s+1\.0\.0\s+.*changed\s+Contoso\.Core@1\.2\.0/);
    const summary = fs.readFileSync(r.summaries[0], 'utf8');
    assert.match(summary, /\| Package \| Version \| Before \| After \| Outcome \| Required by \|/);
    assert.match(summary, /\| Newtonsoft\.Json \| 13\.0\.1 \| .* \| changed \| Contoso\.App@3\.0\.0 \|/);
    assert.deepEqual(JSON.parse(r.variables.result).map((x: { requiredBy?: string }) => x.requiredBy ?? null), [null, 'Contoso.Core@1.2.0', 'Contoso.App@3.0.0', 'Contoso.App@3.0.0', 'Contoso.App@3.0.0']);
  });

  it('a dependency already in the view is unchanged and nothing is sent for it; running again changes nothing', async () => {
    h.emu.reset(fixture());
    h.emu.publish('internal', 'nuget', 'Contoso.Base', { version: '1.0.0', views: ['Release'] });
    const r = await promote('nuget', 'Contoso.Core@1.2.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(rowsOf(r), [['Contoso.Base', '1.0.0', 'unchanged', 'Contoso.Core@1.2.0'], ['Contoso.Core', '1.2.0', 'changed', '']]);
    assert.deepEqual(changeOrder(h.emu.log), [['Contoso.Core@1.2.0']]);
    h.emu.clearLog();
    const again = await promote('nuget', 'Contoso.Core@1.2.0');
    assert.deepEqual(again.rows.map((x) => x.outcome), ['unchanged', 'unchanged']);
    assert.equal(changing(h.emu.log).length, 0);
  });

  it('a cycle ends where it comes back', async () => {
    const r = await promote('nuget', 'Cyc.A@1.0.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(rowsOf(r), [['Cyc.A', '1.0.0', 'changed', ''], ['Cyc.B', '1.0.0', 'changed', 'Cyc.A@1.0.0']]);
    assert.equal(h.emu.log.filter((x) => x.route === 'versions.get').length, 2);
    // The selected version goes in last.
    assert.deepEqual(changeOrder(h.emu.log), [['Cyc.B@1.0.0'], ['Cyc.A@1.0.0']]);
  });

  it('a longer cycle, set up after the start, ends too', async () => {
    h.emu.publish('internal', 'nuget', 'Cyc.C', { version: '1.0.0', dependencies: [dep('Cyc.A', '[1.0.0, )')] });
    h.emu.setDependencies('internal', 'nuget', 'Cyc.B', '1.0.0', [dep('Cyc.C', '[1.0.0, )')]);
    const r = await promote('nuget', 'Cyc.A@1.0.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(changeOrder(h.emu.log), [['Cyc.C@1.0.0'], ['Cyc.B@1.0.0'], ['Cyc.A@1.0.0']]);
  });

  it('names and ranges from the feed are data in every warning, never a command or a broken line', async () => {
    h.emu.setDependencies('internal', 'nuget', 'Dia.Base', '1.0.0', [dep(CRAFTED.lfSetvariable, CRAFTED.lfError), dep(CRAFTED.setvariable, '[1.0.0, )')]);
    const r = await promote('nuget', 'Dia.Base@1.0.0');
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.equal(r.warnings.length, 2, r.warnings.join('\n'));
    for (const w of r.warnings) {
      assert.ok(!/[\r\n]/.test(w), w);
      assert.ok(!w.startsWith('##'), w);
    }
    assert.equal(r.variables.changedCount, '1');
  });

  it('a diamond: the shared dependency goes in before both sides, although the top needs it directly', async () => {
    const r = await promote('nuget', 'Dia.Top@1.0.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal((r.rows.find((x) => x.package === 'Dia.Base') as { requiredBy?: string }).requiredBy, 'Dia.Top@1.0.0');
    const order = changeOrder(h.emu.log);
    assert.deepEqual(order, [['Dia.Base@1.0.0'], ['Dia.Left@1.0.0', 'Dia.Right@1.0.0'], ['Dia.Top@1.0.0']]);
    // Each level starts after the one before was answered.
    const writes = changing(h.emu.log);
    assert.ok(writes[0].seq < writes[1].seq && writes[1].seq < writes[2].seq);
  });

  it('a level whose change fails stops the levels after it: nothing reaches the view before what it needs', async () => {
    h.emu.fault({ match: { method: 'PATCH', pathIncludes: 'Dia.Base' }, status: 400, message: 'refused for the test' });
    const r = await promote('nuget', 'Dia.Top@1.0.0');
    assert.equal(r.result?.status, 'Failed');
    assert.deepEqual(changeOrder(h.emu.log), [['Dia.Base@1.0.0']]);
    assert.deepEqual(r.rows.map((x) => [x.package, x.outcome]), [['Dia.Base', 'failed'], ['Dia.Left', 'failed'], ['Dia.Right', 'failed'], ['Dia.Top', 'failed']]);
    for (const name of ['Dia.Base', 'Dia.Left', 'Dia.Right', 'Dia.Top']) assert.ok(!inView('nuget', name, '1.0.0'), name);
    assert.ok(r.errors.some((e) => /^3 version\(s\) were not sent/.test(e)), r.errors.join('\n'));
    assert.ok(r.messages.some((m) => m.key === 'Applying' && m.args[0] === 4 && m.args[1] === 3), JSON.stringify(r.messages));
  });

  it('what the feed cannot give is a warning naming the dependency, its range, who needs it and what to do; the rest goes in', async () => {
    const r = await promote('nuget', 'Broken.App@1.0.0');
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.deepEqual(rowsOf(r), [['Broken.App', '1.0.0', 'changed', ''], ['Dia.Base', '1.0.0', 'changed', 'Broken.App@1.0.0']]);
    const keys = r.messages.filter((m) => m.key.startsWith('Dependency')).map((m) => [m.key, ...m.args]);
    assert.deepEqual(keys, [
      ['DependencyMissing', 'Missing.Pkg', '[1.0.0, )', 'Broken.App@1.0.0'],
      ['DependencyUnsatisfied', 'Contoso.Base', '[9.0.0, )', 'Broken.App@1.0.0', '0.9.0, 1.0.0, 1.5.0'],
      ['DependencyRangeUnreadable', 'Contoso.Native', 'not a range!', 'Broken.App@1.0.0', 'NuGet'],
    ]);
    const missing = r.warnings.find((w) => w.includes('Missing.Pkg'))!;
    assert.match(missing, /range '\[1\.0\.0, \)'/);
    assert.match(missing, /Broken\.App@1\.0\.0/);
    assert.match(missing, /@Local view/);
    assert.ok(inView('nuget', 'Broken.App', '1.0.0'));
    assert.ok(!inView('nuget', 'Contoso.Base', '1.0.0'));
  });

  it("a version whose own GET is gone (404) is promoted with a warning that its dependencies were not read", async () => {
    h.emu.fault({ match: { route: 'versions.get', pathIncludes: '/Packages/' }, status: 404, message: 'gone' });
    const r = await promote('nuget', 'Contoso.Core@1.2.0');
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.deepEqual(rowsOf(r), [['Contoso.Core', '1.2.0', 'changed', '']]);
    assert.ok(r.messages.some((m) => m.key === 'DependenciesUnread' && m.args[0] === 'Contoso.Core@1.2.0'), JSON.stringify(r.messages));
  });

  it('maxVersions counts the dependencies: more fails the run before anything changes', async () => {
    const r = await promote('nuget', 'Contoso.App@3.0.0', { maxVersions: '4' });
    assert.equal(r.result?.status, 'Failed');
    assert.ok(r.errors.some((e) => /would change 5 versions, more than maxVersions \(4\)/.test(e)), r.errors.join('\n'));
    assert.equal(changing(h.emu.log).length, 0);
    const ok = await promote('nuget', 'Contoso.App@3.0.0', { maxVersions: '5' });
    assert.equal(ok.result?.status, 'Succeeded', ok.stdout);
  });

  it('a dry run shows the whole graph with requiredBy and changes nothing', async () => {
    const r = await promote('nuget', 'Contoso.App@3.0.0', { dryRun: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(rowsOf(r).map((x) => [x[0], x[2], x[3]]), [
      ['Contoso.App', 'planned', ''],
      ['Contoso.Base', 'planned', 'Contoso.Core@1.2.0'],
      ['Contoso.Core', 'planned', 'Contoso.App@3.0.0'],
      ['Contoso.Native', 'planned', 'Contoso.App@3.0.0'],
      ['Newtonsoft.Json', 'planned', 'Contoso.App@3.0.0'],
    ]);
    assert.equal(changing(h.emu.log).length, 0);
    assert.match(r.stdout, /Required by/);
  });

  it('npm: the highest version, pre-releases only where the range names one, devDependencies skipped, unknown groups followed', async () => {
    const r = await promote('npm', '@fabrikam/app@1.0.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout + r.warnings.join('\n'));
    assert.deepEqual(rowsOf(r), [
      ['@fabrikam/app', '1.0.0', 'changed', ''],
      ['@fabrikam/next', '2.0.0-beta.2', 'changed', '@fabrikam/app@1.0.0'],
      ['chalk', '4.1.2', 'changed', '@fabrikam/app@1.0.0'],
      ['left-pad', '1.3.0', 'changed', '@fabrikam/app@1.0.0'],
    ]);
    assert.ok(!inView('npm', 'mocha', '10.2.0'));
    assert.ok(!inView('npm', 'left-pad', '1.4.0-beta.1'));
  });

  it('PyPI: the highest version the specifiers admit, a pre-release only where nothing else matches, names by PEP 503', async () => {
    const r = await promote('pypi', 'fabrikam-app@1.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout + r.warnings.join('\n'));
    assert.deepEqual(rowsOf(r), [
      ['fabrikam-app', '1.0', 'changed', ''],
      ['Only-Pre', '1.1rc1', 'changed', 'fabrikam-app@1.0'],
      ['requests', '2.31.0', 'changed', 'fabrikam-app@1.0'],
      ['typing_ext', '4.12.2', 'changed', 'fabrikam-app@1.0'],
    ]);
  });

  it('Cargo: a bare version is a caret requirement, pre-releases left out, dev dependencies skipped, build ones followed', async () => {
    const r = await promote('cargo', 'fab_app@0.1.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout + r.warnings.join('\n'));
    assert.deepEqual(rowsOf(r), [
      ['cc_build', '1.0.83', 'changed', 'fab_app@0.1.0'],
      ['fab_app', '0.1.0', 'changed', ''],
      ['serde', '1.1.0', 'changed', 'fab_app@0.1.0'],
    ]);
    assert.ok(!inView('cargo', 'criterion', '0.5.1'));
  });

  it('Maven: a plain version as written, a range its highest, test and provided scopes skipped', async () => {
    const r = await promote('maven', 'com.fabrikam:app@1.0');
    assert.equal(r.result?.status, 'Succeeded', r.stdout + r.warnings.join('\n'));
    assert.deepEqual(rowsOf(r), [
      ['com.fabrikam:app', '1.0', 'changed', ''],
      ['com.fabrikam:lib', '1.2', 'changed', 'com.fabrikam:app@1.0'],
      ['com.fabrikam:util', '1.9', 'changed', 'com.fabrikam:app@1.0'],
    ]);
    assert.ok(!inView('maven', 'junit:junit', '4.13'));
    assert.ok(!inView('maven', 'javax.servlet:servlet-api', '3.0'));
  });

  it('with another action the input is ignored, with a warning', async () => {
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.App', version: '*', includeDependencies: 'true' });
    assert.equal(r.result?.status, 'SucceededWithIssues');
    assert.ok(r.messages.some((m) => m.key === 'IncludeDependenciesIgnored'));
    assert.deepEqual(r.rows.map((x) => x.package), ['Contoso.App']);
    assert.equal(h.emu.log.filter((x) => x.route === 'versions.get').length, 0);
  });
});

describe('engine: promote with dependencies, 40 versions sharing one', function () {
  this.timeout(60_000);
  const many = (): Fixture =>
    fabrikamFixture({
      packages: [
        ...Array.from({ length: 40 }, (_, i) => nuget(`Many.P${String(i + 1).padStart(2, '0')}`, [{ version: '1.0.0', dependencies: [dep('Shared.Dep', '[2.0.0, )', 'net8.0'), dep('Shared.Dep', '[2.0.0, )', 'net48')] }])),
        nuget('Shared.Dep', ['1.0.0', '2.0.0', '2.1.0']),
      ],
    });
  const h = useEmulator(many);

  it('reads the shared dependency once, in few requests, and puts it in the view before any of them', async () => {
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Many.*', version: '1.0.0', view: 'Release', includeDependencies: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(r.rows.length, 41);
    assert.deepEqual(rowsOf(r).filter((x) => x[0] === 'Shared.Dep'), [['Shared.Dep', '2.0.0', 'changed', 'Many.P01@1.0.0']]);
    // Its package listed once by name, its own dependencies read once.
    const byName = h.emu.log.filter((x) => x.route === 'packages.list' && (x.query.packageNameQuery ?? '').toLowerCase() === 'shared.dep');
    assert.equal(byName.length, 1);
    const reads = h.emu.log.filter((x) => x.route === 'versions.get');
    assert.equal(reads.length, 41, 'each version read once');
    assert.equal(new Set(reads.map((x) => x.path.toLowerCase())).size, 41);
    // Beyond the 41 reads: the feed, its views, the listing, the dependency's package, two changes and their read-back.
    assert.ok(h.emu.log.length <= 41 + 12, `${h.emu.log.length} requests`);
    const order = changeOrder(h.emu.log);
    assert.deepEqual(order[0], ['Shared.Dep@2.0.0']);
    assert.equal(order.length, 2);
    assert.equal(order[1].length, 40);
  });
});

describe('engine: promote with dependencies on an Azure DevOps Server', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture, { mode: 'onprem' });

  it('reads the dependencies from the same feeds API version GET on the collection', async () => {
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.2.0', view: 'Release', includeDependencies: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(rowsOf(r), [['Contoso.Base', '1.0.0', 'changed', 'Contoso.Core@1.2.0'], ['Contoso.Core', '1.2.0', 'changed', '']]);
    assert.equal(h.emu.log.filter((x) => x.route === 'versions.get').length, 2);
  });
});
