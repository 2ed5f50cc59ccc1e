/** The built command line promotes a version with its dependencies (--include-dependencies). */
import * as assert from 'node:assert/strict';
import type { Fixture } from '../emulator';
import { changing, useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runFolder } from '../helpers/in-process';
import { runCli } from '../helpers/cli';

const upstream = '4d3c2b1a-0f9e-4d8c-b7a6-958473625140';

function fixture(): Fixture {
  return fabrikamFixture({
    packages: [
      { protocol: 'nuget', name: 'Contoso.App', versions: [{ version: '3.0.0', dependencies: [{ packageName: 'Contoso.Core', versionRange: '[1.2.0, )', group: 'net8.0' }] }] },
      { protocol: 'nuget', name: 'Contoso.Core', versions: [{ version: '1.2.0', dependencies: [{ packageName: 'Newtonsoft.Json', versionRange: '[13.0.1, )' }] }, { version: '1.3.0' }] },
      { protocol: 'nuget', name: 'Newtonsoft.Json', versions: [{ version: '13.0.1', upstreamSourceId: upstream }, { version: '13.0.3', upstreamSourceId: upstream }] },
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
});
