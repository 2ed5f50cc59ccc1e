/** What a review of the contract found, each held by a test: the report, package files, text, paging. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Fixture } from '../emulator';
import { changing, daysAgo, useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runFolder, runInProcess as run } from '../helpers/in-process';
import { makeNupkg } from '../helpers/package-files';

const feed = 'Fabrikam/internal';

function fixture(): Fixture {
  return fabrikamFixture({
    packages: [
      { protocol: 'nuget', name: 'Contoso.Core', versions: [{ version: '1.0.0', publishDate: daysAgo(9) }, { version: '1.1.0', publishDate: daysAgo(8) }] },
      { protocol: 'nuget', name: 'Contoso.Web', versions: [{ version: '1.0.0', publishDate: daysAgo(9) }] },
      { protocol: 'npm', name: 'legacy-auth', versions: [{ version: '1.0.0' }] },
    ],
  });
}

describe('engine review: the report never claims more than is known', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('a read-back that fails after the change was accepted: changed, and the failure says unverified', async () => {
    // The selection's listing answers; every later listing fails.
    h.emu.fault({ match: { route: 'packages.list' }, skip: 1, count: 100, status: 503 });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Web@1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.deepEqual(r.rows.map((x) => x.outcome), ['changed']);
    assert.equal(r.variables.changedCount, '1');
    assert.ok(r.errors.some((e) => /could not be read back \(the read-back failed\).*unverified/.test(e)), r.errors.join('\n'));
    assert.equal(h.emu.versions('internal', 'nuget', 'Contoso.Web')[0].listed, false);
  });

  it('a 2xx answer to a change with a body that is not JSON is success', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, afterApply: true, status: 200, body: 'OK', contentType: 'text/plain' });
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.1.0', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.errors.join('\n'));
    assert.deepEqual(r.rows.map((x) => x.outcome), ['changed']);
  });

  it('an answer that starts with a byte order mark is read as the JSON it is', async () => {
    h.emu.fault({ match: { route: 'views.list' }, status: 200, body: `\ufeff${JSON.stringify({ count: 2, value: [{ id: 'v-rel', name: 'Release', type: 'release' }, { id: 'v-pre', name: 'Prerelease', type: 'release' }] })}`, contentType: 'application/json; charset=utf-8' });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*', exceptView: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.errors.join('\n'));
  });
});

describe('engine review: package files and text', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it("'!' lines leave files out of what the other lines find", async () => {
    const dir = runFolder('pkgfiles');
    makeNupkg(dir, 'Contoso.Core', '1.1.0');
    fs.mkdirSync(path.join(dir, 'sub'));
    makeNupkg(path.join(dir, 'sub'), 'Contoso.Web', '1.0.0');
    const r = await run(h.emu, { action: 'show', feed, packageFiles: '**/*.nupkg\n!sub/**' }, { workDir: dir });
    assert.equal(r.result?.status, 'Succeeded', r.errors.join('\n'));
    assert.deepEqual(r.rows.map((x) => x.package), ['Contoso.Core']);
  });

  it("'!!' is no exclusion, as in the agent's matching: the line includes, and is held to finding something", async () => {
    const dir = runFolder('pkgfiles');
    makeNupkg(dir, 'Contoso.Core', '1.1.0');
    fs.mkdirSync(path.join(dir, 'sub'));
    makeNupkg(path.join(dir, 'sub'), 'Contoso.Web', '1.0.0');
    const r = await run(h.emu, { action: 'show', feed, packageFiles: '**/*.nupkg\n!!sub/**', failOnNoMatch: 'false' }, { workDir: dir });
    assert.equal(r.result?.status, 'Succeeded', r.warnings.join('\n'));
    assert.deepEqual(r.rows.map((x) => x.package).sort(), ['Contoso.Core', 'Contoso.Web']);
    const none = await run(h.emu, { action: 'show', feed, packageFiles: '**/*.nupkg\n!!nothing/**', failOnNoMatch: 'false' }, { workDir: dir });
    assert.ok(none.warnings.some((w) => /line 2 \('!!nothing\/\*\*'\): no file matches/.test(w)), none.warnings.join('\n'));
  });

  it('with failOnNoMatch false, a packageFiles line that finds nothing is a warning: SucceededWithIssues', async () => {
    const dir = runFolder('pkgfiles');
    makeNupkg(dir, 'Contoso.Core', '1.1.0');
    const r = await run(h.emu, { action: 'show', feed, packageFiles: '*.nupkg\nnothing/*.nupkg', failOnNoMatch: 'false' }, { workDir: dir });
    assert.equal(r.result?.status, 'SucceededWithIssues');
    assert.ok(r.warnings.some((w) => /line 2 \('nothing\/\*\.nupkg'\): no file matches/.test(w)));
    assert.deepEqual(r.rows.map((x) => x.version), ['1.1.0']);
  });

  it('a deprecation message that says Basic or Bearer is kept as the server has it', async () => {
    const message = 'Basic auth removed; use Bearer authentication';
    const r = await run(h.emu, { action: 'deprecate', feed, packageType: 'npm', packages: 'legacy-auth@1.0.0', deprecateMessage: message });
    assert.equal(r.result?.status, 'Succeeded', r.errors.join('\n'));
    assert.equal(r.rows[0].after?.deprecated, message);
    assert.match(r.stdout, /deprecated: Basic auth removed; use Bearer authentication/);
  });
});

describe('engine review: a server that caps its listing pages', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);

  it('a glob still sees every package when pages are shorter than $top', async () => {
    h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 250, versionsEach: 1, prefix: 'Many.Pkg' });
    h.emu.maxPageSize = 100;
    const r = await run(h.emu, { action: 'show', feed, packages: 'Many.*', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.errors.join('\n'));
    assert.equal(r.rows.length, 250);
    assert.equal(changing(h.emu.log).length, 0);
  });
});
