/** The built command line and the built task promote a version with its dependencies (includeDependencies). */
import * as assert from 'node:assert/strict';
import type { Fixture } from '../emulator';
import { changing, useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runFolder } from '../helpers/in-process';
import { runCli } from '../helpers/cli';
import { runTask } from '../helpers/run-task';

const upstream = '4d3c2b1a-0f9e-4d8c-b7a6-958473625140';

function fixture(): Fixture {
  return fabrikamFixture({
    packages: [
      { protocol: 'nuget', name: 'Contoso.App', versions: [{ version: '3.0.0', dependencies: [{ packageName: 'Contoso.Core', versionRange: '[1.2.0, )', group: 'net8.0' }] }] },
      { protocol: 'nuget', name: 'Contoso.Core', versions: [{ version: '1.2.0', dependencies: [{ packageName: 'Newtonsoft.Json', versionRange: '[13.0.1, )' }] }, { version: '1.3.0' }] },
      { protocol: 'nuget', name: 'Newtonsoft.Json', versions: [{ version: '13.0.1', upstreamSourceId: upstream }, { version: '13.0.3', upstreamSourceId: upstream }] },
      {
        protocol: 'nuget',
        name: 'Broken.App',
        versions: [{
          version: '1.0.0',
          dependencies: [
            { packageName: 'Missing.Pkg', versionRange: '[1.0.0, )', group: 'net8.0' },
            { packageName: 'Newtonsoft.Json', versionRange: '[14.0.0, )', group: 'net8.0' },
            { packageName: 'Contoso.Core', versionRange: 'not a range!', group: 'net8.0' },
          ],
        }],
      },
    ],
  });
}

describe('e2e cli: promote --include-dependencies', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);

  it('puts the whole graph in the view, leaves first, and says which version needed each', async () => {
    const args = ['promote', '--org', `${h.emu.urls.org}/`, '--feed', 'Fabrikam/internal', 'Contoso.App@3.0.0', '--view', 'Release', '--include-dependencies', '--json'];
    const r = await runCli(args, runFolder('cli-graph'), { AZURE_DEVOPS_EXT_PAT: h.emu.tokens.owner });
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { package: string; version: string; outcome: string; requiredBy?: string }[];
    assert.deepEqual(rows.map((x) => [x.package, x.version, x.outcome, x.requiredBy ?? null]), [
      ['Contoso.App', '3.0.0', 'changed', null],
      ['Contoso.Core', '1.2.0', 'changed', 'Contoso.App@3.0.0'],
      ['Newtonsoft.Json', '13.0.1', 'changed', 'Contoso.Core@1.2.0'],
    ]);
    const order = changing(h.emu.log).map((x) => decodeURIComponent(x.path.split('/packages/')[1] ?? ''));
    assert.deepEqual(order, ['Newtonsoft.Json/versions/13.0.1', 'Contoso.Core/versions/1.2.0', 'Contoso.App/versions/3.0.0']);
  });

  it('the built task: the graph leaves first, requiredBy in the result file', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Contoso.App@3.0.0', view: 'Release', includeDependencies: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(r.rows.map((x) => [x.package, x.version, x.outcome, (x as { requiredBy?: string }).requiredBy ?? null]), [
      ['Contoso.App', '3.0.0', 'changed', null],
      ['Contoso.Core', '1.2.0', 'changed', 'Contoso.App@3.0.0'],
      ['Newtonsoft.Json', '13.0.1', 'changed', 'Contoso.Core@1.2.0'],
    ]);
    const order = changing(h.emu.log).map((x) => decodeURIComponent(x.path.split('/packages/')[1] ?? ''));
    assert.deepEqual(order, ['Newtonsoft.Json/versions/13.0.1', 'Contoso.Core/versions/1.2.0', 'Contoso.App/versions/3.0.0']);
  });

  it('what the feed cannot give: a warning each, naming the dependency, its range, who needs it and what to do; the selected version goes in (task and command line)', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Broken.App@1.0.0', view: 'Release', includeDependencies: 'true' });
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.deepEqual(r.rows.map((x) => [x.package, x.version, x.outcome]), [['Broken.App', '1.0.0', 'changed']]);
    const lines = (out: string[]) => ['Missing.Pkg', 'Newtonsoft.Json', 'Contoso.Core'].map((name) => out.find((w) => w.includes(`Dependency ${name} `)) ?? `no warning for ${name}`);
    const [missing, unsatisfied, unreadable] = lines(r.warnings);
    assert.match(missing, /Missing\.Pkg \(range '\[1\.0\.0, \)'\) of Broken\.App@1\.0\.0 is not in the feed.*@Local view/);
    assert.match(unsatisfied, /Newtonsoft\.Json \(range '\[14\.0\.0, \)'\) of Broken\.App@1\.0\.0: no version in the feed satisfies.*13\.0\.1, 13\.0\.3.*@Local view/);
    assert.match(unreadable, /Contoso\.Core \(range 'not a range!'\) of Broken\.App@1\.0\.0 cannot be followed/);
    assert.ok(h.emu.versions('internal', 'nuget', 'Broken.App')[0].views.includes('Release'));
    assert.ok(!h.emu.versions('internal', 'nuget', 'Newtonsoft.Json').some((x) => x.views.includes('Release')));

    h.emu.reset(fixture());
    const c = await runCli(['promote', '--org', `${h.emu.urls.org}/`, '--feed', 'Fabrikam/internal', 'Broken.App@1.0.0', '--view', 'Release', '--include-dependencies'], runFolder('cli-graph'), { AZURE_DEVOPS_EXT_PAT: h.emu.tokens.owner });
    assert.equal(c.code, 0, c.stderr);
    const warned = c.stderr.split('\n').filter((x) => x.startsWith('warning: '));
    assert.deepEqual(lines(warned).map((x) => x.replace(/^warning: /, '')), [missing, unsatisfied, unreadable], 'the same words through both doors');
  });

  it('with another action the input is ignored with a warning in each door\'s words, and no dependency is read', async () => {
    const r = await runTask(h.emu, { action: 'unlist', feed: 'Fabrikam/internal', packages: 'Contoso.App@3.0.0', includeDependencies: 'true', dryRun: 'true' });
    assert.equal(r.result?.status, 'SucceededWithIssues', r.stdout);
    assert.ok(r.warnings.some((w) => /^includeDependencies applies to promote only; it was ignored for unlist\.$/.test(w)), r.warnings.join('\n'));
    assert.deepEqual(r.rows.map((x) => x.package), ['Contoso.App']);
    const c = await runCli(['unlist', '--org', `${h.emu.urls.org}/`, '--feed', 'Fabrikam/internal', 'Contoso.App@3.0.0', '--include-dependencies', '--dry-run'], runFolder('cli-graph'), { AZURE_DEVOPS_EXT_PAT: h.emu.tokens.owner });
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stderr, /^warning: --include-dependencies applies to promote only; it was ignored for unlist\.$/m);
    assert.equal(h.emu.log.filter((x) => x.route === 'versions.get').length, 0);
  });
});
