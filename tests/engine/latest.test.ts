/**
 * `latest` is what the package manager installs when asked for no version: the highest stable
 * version, a pre-release only where nothing else is left; in-process against the demo data.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { demoFixture } from '../emulator';
import { changing, useEmulator } from '../helpers/e2e';
import { runFolder, runInProcess as run } from '../helpers/in-process';

const feed = 'Fabrikam/internal';

describe('engine: latest is what the package manager installs', function () {
  this.timeout(60_000);
  const h = useEmulator(() => demoFixture);

  it('download @fabrikam/widgets latest gives the highest stable version, not the beta above it', async () => {
    const out = runFolder('latest');
    const r = await run(h.emu, { action: 'download', feed, packageType: 'npm', packages: '@fabrikam/widgets', version: 'latest', downloadDirectory: out });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => x.version), ['1.1.0']);
    assert.deepEqual(fs.readdirSync(out), ['fabrikam-widgets-1.1.0.tgz']);
    assert.equal(path.basename(r.variables.downloadedFiles), 'fabrikam-widgets-1.1.0.tgz');
  });

  it('gated: latest from @Prerelease to @Release does not carry a beta there while a stable version is in @Prerelease', async () => {
    // @Prerelease holds Contoso.Core 1.0.0, 1.1.0 and 1.2.0-beta.1.
    const r = await run(h.emu, { action: 'promote', feed, packageType: 'nuget', packages: 'Contoso.Core', version: 'latest', sourceView: 'Prerelease', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => [x.version, x.outcome]), [['1.1.0', 'changed']]);
    const release = h.emu.versions('internal', 'nuget', 'Contoso.Core').filter((x) => x.views.includes('Release')).map((x) => x.version);
    assert.deepEqual(release, ['1.0.0', '1.1.0']);
    assert.equal(changing(h.emu.log).length, 1);
  });

  it('a pre-release only where the package has nothing else left; with prerelease only, the highest pre-release; with exclude, never one', async () => {
    // Only pre-releases are in @Prerelease for @fabrikam/widgets: then latest is the highest of them.
    let r = await run(h.emu, { action: 'show', feed, packageType: 'npm', packages: '@fabrikam/widgets', version: 'latest', sourceView: 'Prerelease' });
    assert.deepEqual(r.rows.map((x) => x.version), ['2.0.0-beta.1']);
    r = await run(h.emu, { action: 'show', feed, packageType: 'npm', packages: '@fabrikam/widgets', version: 'latest', prerelease: 'only' });
    assert.deepEqual(r.rows.map((x) => x.version), ['2.0.0-beta.1']);
    r = await run(h.emu, { action: 'show', feed, packageType: 'npm', packages: '@fabrikam/widgets', version: 'latest', prerelease: 'exclude' });
    assert.deepEqual(r.rows.map((x) => x.version), ['1.1.0']);
    // Cargo's fabrikam_parser: 0.2.0 above 0.1.0, though 1.0.0-alpha.1 is higher still.
    r = await run(h.emu, { action: 'show', feed, packageType: 'cargo', packages: 'fabrikam_parser', version: 'latest' });
    assert.deepEqual(r.rows.map((x) => x.version), ['0.2.0']);
    // Through a glob over a big listing too (the listing is trimmed to what latest could pick).
    r = await run(h.emu, { action: 'show', feed, packageType: 'nuget', packages: 'Contoso.*', version: 'latest' });
    assert.deepEqual(r.rows.map((x) => `${x.package}@${x.version}`), ['Contoso.Core@2.0.0', 'Contoso.Web@1.0.1']);
  });
});
