/**
 * The contract's newer inputs and outputs, in-process against the emulator: show's columns,
 * `published` and `source`, exceptView, source, version globs, packageFiles, and the messages
 * a release engineer reads first.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Fixture } from '../emulator';
import { changing, daysAgo, useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runFolder, runInProcess as run } from '../helpers/in-process';
import { makeCrate, makeNpmTgz, makeNupkg, makeWheel } from '../helpers/package-files';

const feed = 'Fabrikam/internal';
const upstream = '9b0c1d2e-3f4a-4b5c-8d6e-7f8091a2b3c4';

function fixture(): Fixture {
  return fabrikamFixture({
    packages: [
      {
        protocol: 'nuget',
        name: 'Contoso.Core',
        versions: [
          { version: '0.9.1', publishDate: daysAgo(50) },
          { version: '0.9.2', publishDate: daysAgo(49) },
          { version: '0.9.10', publishDate: daysAgo(48) },
          { version: '0.9.15', publishDate: daysAgo(47), views: ['Release'] },
          { version: '0.9.25', publishDate: daysAgo(46) },
          { version: '1.0.0', publishDate: daysAgo(40), views: ['Prerelease', 'Release'] },
          { version: '1.1.0', publishDate: daysAgo(30), views: ['Prerelease'] },
          { version: '1.2.0', publishDate: daysAgo(20) },
        ],
      },
      {
        protocol: 'nuget',
        name: 'Newtonsoft.Json',
        versions: [
          { version: '13.0.1', publishDate: '2021-03-22T10:00:00.000Z', upstreamSourceId: upstream },
          { version: '13.0.3', publishDate: '2023-03-08T10:00:00.000Z', upstreamSourceId: upstream },
          { version: '13.0.4-local', publishDate: daysAgo(2) },
        ],
      },
      {
        protocol: 'npm',
        name: '@contoso/widgets',
        versions: [
          { version: '1.0.0' }, { version: '1.1.0-rc.1' }, { version: '1.1.0-rc.2' }, { version: '1.1.0' }, { version: '2.0.0-beta.1' },
        ],
      },
      { protocol: 'pypi', name: 'fabrikam-data', versions: [{ version: '1.0.0' }, { version: '1.1.0' }] },
      { protocol: 'cargo', name: 'fab_tool', versions: [{ version: '0.3.0' }, { version: '0.4.0' }] },
    ],
  });
}

const versions = (emu: import('../emulator').Emulator, protocol: 'nuget' | 'npm' | 'pypi' | 'cargo', name: string) => emu.versions('internal', protocol, name);

describe('engine features: show, published and source', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('show prints views, listed, deprecated, published and source, and changes nothing', async () => {
    const r = await run(h.emu, { action: 'show', feed, packages: 'Newtonsoft.Json', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.match(r.stdout, /Package\s+Version\s+Views\s+Listed\s+Deprecated\s+Published\s+Source/);
    assert.match(r.stdout, /Newtonsoft\.Json\s+13\.0\.1\s+@Local\s+yes\s+-\s+2021-03-22\s+upstream/);
    assert.match(r.stdout, /Newtonsoft\.Json\s+13\.0\.4-local\s+@Local\s+yes\s+-\s+\d{4}-\d\d-\d\d\s+local/);
    assert.match(r.stdout, /3 version\(s\) of 1 package\(s\)\./);
    assert.deepEqual(r.rows.map((x) => [x.version, x.source, x.published, x.outcome]), [
      ['13.0.1', 'upstream', '2021-03-22T10:00:00.000Z', 'unchanged'],
      ['13.0.3', 'upstream', '2023-03-08T10:00:00.000Z', 'unchanged'],
      ['13.0.4-local', 'local', r.rows[2].published, 'unchanged'],
    ]);
    assert.equal(changing(h.emu.log).length, 0);
    assert.equal(r.variables.changedCount, '0');
  });

  it('every action reports published and source, and the summary ends with a line of counts', async () => {
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Core', version: '1.*', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(r.rows.every((x) => x.source === 'local' && typeof x.published === 'string'));
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['1.0.0', 'unchanged'], ['1.1.0', 'changed'], ['1.2.0', 'changed']]);
    const summary = require('node:fs').readFileSync(r.summaries[0], 'utf8') as string;
    assert.match(summary, /\n3 version\(s\): 2 changed, 1 unchanged\.\n/);
  });
});

describe('engine features: exceptView and source protect what matters', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('exceptView: a clean-up never touches what was released', async () => {
    const r = await run(h.emu, { action: 'delete', feed, packages: 'Contoso.Core', version: '*', exceptView: '@Release', keepLatest: '1' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const left = versions(h.emu, 'nuget', 'Contoso.Core').filter((x) => !x.deleted).map((x) => x.version);
    // Released 0.9.15 and 1.0.0 stay; of the rest the newest (1.2.0) is kept.
    assert.deepEqual(left, ['0.9.15', '1.0.0', '1.2.0']);
  });

  it('source: local selects what was published here, upstream what was saved from an upstream source', async () => {
    let r = await run(h.emu, { action: 'show', feed, packages: 'Newtonsoft.Json', version: '*', source: 'local' });
    assert.deepEqual(r.rows.map((x) => x.version), ['13.0.4-local']);
    r = await run(h.emu, { action: 'show', feed, packages: 'Newtonsoft.Json', version: '*', source: 'upstream' });
    assert.deepEqual(r.rows.map((x) => x.version), ['13.0.1', '13.0.3']);
    r = await run(h.emu, { action: 'unlist', feed, packages: 'Newtonsoft.Json', version: '*', source: 'upstream', dryRun: 'true' });
    assert.deepEqual(r.rows.map((x) => x.outcome), ['planned', 'planned']);
    r = await run(h.emu, { action: 'show', feed, packages: 'Newtonsoft.Json', version: '*', source: 'elsewhere' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /'source' has the value 'elsewhere'; it must be one of: any, local, upstream/);
  });
});

describe('engine features: version globs and floating versions', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it("npm '*-rc*' is a glob over the version text: every release candidate", async () => {
    const r = await run(h.emu, { action: 'show', feed, packageType: 'npm', packages: '@contoso/widgets@*-rc*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => x.version), ['1.1.0-rc.1', '1.1.0-rc.2']);
  });

  it("NuGet '0.9.1*' is NuGet's floating version: 0.9.1 and 0.9.10 to 0.9.19", async () => {
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core@0.9.1*' });
    assert.deepEqual(r.rows.map((x) => x.version), ['0.9.1', '0.9.10', '0.9.15']);
  });

  it("NuGet '0.*.1*' (not NuGet's grammar) is a glob; a selector that is neither is an error naming the line", async () => {
    let r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core@0.*.1*' });
    assert.deepEqual(r.rows.map((x) => x.version), ['0.9.1', '0.9.10', '0.9.15']);
    h.emu.clearLog();
    r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core@1.0.0\nContoso.Web@(,)' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /line 2 \('Contoso\.Web@\(,\)'\).*not valid/);
    assert.equal(h.emu.log.length, 0, 'nothing was sent');
  });
});

describe('engine features: packageFiles', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('promotes the versions read from .nupkg files, never from their names; symbol packages are skipped', async () => {
    const dir = runFolder('pkgfiles');
    makeNupkg(dir, 'Contoso.Core', '1.1.0.0', { fileName: 'misleading.9.9.9.nupkg' });
    makeNupkg(dir, 'Contoso.Core', '1.2.0');
    makeNupkg(dir, 'Contoso.Core', '1.2.0', { symbols: true });
    // A symbol package of a version no .nupkg names: read as a package, it would be promoted too.
    makeNupkg(dir, 'Contoso.Core', '0.9.25', { symbols: true });
    const r = await run(h.emu, { action: 'promote', feed, packageFiles: '**/*.nupkg\n**/*.snupkg', view: 'Release' }, { workDir: dir });
    assert.equal(r.result?.status, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['1.1.0', 'changed'], ['1.2.0', 'changed']]);
    assert.ok(!versions(h.emu, 'nuget', 'Contoso.Core').find((x) => x.version === '0.9.25')!.views.includes('Release'));
    assert.ok(versions(h.emu, 'nuget', 'Contoso.Core').filter((x) => x.views.includes('Release')).some((x) => x.version === '1.1.0'));
  });

  it('unlists and shows through .tgz, .whl and .crate files', async () => {
    const dir = runFolder('pkgfiles');
    makeNpmTgz(dir, '@contoso/widgets', '1.1.0');
    makeWheel(dir, 'Fabrikam_Data', '1.1.0');
    makeCrate(dir, 'fab_tool', '0.4.0');
    let r = await run(h.emu, { action: 'show', feed, packageType: 'npm', packageFiles: '*.tgz' }, { workDir: dir });
    assert.deepEqual(r.rows.map((x) => [x.package, x.version]), [['@contoso/widgets', '1.1.0']]);
    r = await run(h.emu, { action: 'promote', feed, packageType: 'pypi', packageFiles: path.join(dir, '*.whl'), view: 'Release' }, { workDir: dir });
    assert.equal(r.result?.status, 'Succeeded', `${r.result?.message}`);
    assert.deepEqual(r.rows.map((x) => [x.package, x.version, x.outcome]), [['fabrikam-data', '1.1.0', 'changed']]);
    r = await run(h.emu, { action: 'unlist', feed, packageType: 'cargo', packageFiles: '*.crate' }, { workDir: dir });
    assert.equal(r.result?.status, 'Succeeded', `${r.result?.message}`);
    assert.equal(versions(h.emu, 'cargo', 'fab_tool').find((x) => x.version === '0.4.0')!.listed, false);
  });

  it('a damaged or mistyped file, or a pattern that finds nothing, fails before anything is sent; both inputs is an error', async () => {
    const dir = runFolder('pkgfiles');
    require('node:fs').writeFileSync(path.join(dir, 'broken.nupkg'), 'not a zip');
    makeNupkg(dir, 'Contoso.Core', '1.2.0');
    let r = await run(h.emu, { action: 'promote', feed, packageFiles: '*.nupkg', view: 'Release' }, { workDir: dir });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /broken\.nupkg cannot be read/);
    r = await run(h.emu, { action: 'promote', feed, packageType: 'npm', packageFiles: '*.nupkg', view: 'Release' }, { workDir: dir });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /Contoso\.Core\.1\.2\.0\.nupkg is a nuget package, but packageType is npm/);
    r = await run(h.emu, { action: 'promote', feed, packageFiles: 'drop/**/*.nupkg', view: 'Release' }, { workDir: dir });
    assert.match(r.result!.message, /packageFiles, line 1 \('drop\/\*\*\/\*\.nupkg'\): no file matches/);
    r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Core', packageFiles: '*.nupkg', view: 'Release' }, { workDir: dir });
    assert.match(r.result!.message, /either 'packages' or 'packageFiles'/);
    assert.deepEqual(h.emu.log.map((x) => x.route), [], 'nothing at all was sent');
  });

  it("a file whose package is not in the feed is 'no such package', with the closest names", async () => {
    const dir = runFolder('pkgfiles');
    makeNupkg(dir, 'Contoso.Cor', '1.0.0');
    const r = await run(h.emu, { action: 'promote', feed, packageFiles: '*.nupkg', view: 'Release' }, { workDir: dir });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /^packageFiles, line 1 \('Contoso\.Cor\.1\.0\.0\.nupkg'\): no such package in the feed\. Closest names: Contoso\.Core/);
  });
});

describe('engine features: what a release engineer reads first', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('after a 403 the permission error comes first, naming the identity the server named; no per-version lines before it', async () => {
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Core', version: '1.*', view: 'Release' }, { token: h.emu.tokens.reader });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.errors[0], /^Permission denied: Feed Publisher \(Contributor\) is needed to promote/);
    assert.ok(!r.errors.some((e) => /did not reach its target state/.test(e)), r.errors.join('\n'));
    assert.ok(r.rows.every((x) => x.outcome === 'failed' || x.outcome === 'unchanged'));
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['1.0.0', 'unchanged'], ['1.1.0', 'failed'], ['1.2.0', 'failed']]);
  });
});
