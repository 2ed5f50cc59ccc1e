/** A second review of the contract, line by line: each finding held by a test. */
import * as assert from 'node:assert/strict';
import type { Fixture } from '../emulator';
import { useEmulator } from '../helpers/e2e';
import { fabrikamFixture } from '../helpers/fixtures';
import { runInProcess as run } from '../helpers/in-process';

const feed = 'Fabrikam/names';

function fixture(): Fixture {
  const v = (...versions: string[]) => versions.map((version) => ({ version }));
  return fabrikamFixture({
    name: 'names',
    packages: [
      { protocol: 'nuget', name: 'Contoso.Core', versions: v('1.0.0') },
      { protocol: 'npm', name: 'JSONStream', versions: v('1.0.0') },
      { protocol: 'npm', name: 'json-tools', versions: v('2.0.0') },
      { protocol: 'maven', name: 'com.Contoso:Core', versions: v('1.0') },
      { protocol: 'maven', name: 'com.contoso:util', versions: v('2.0') },
      { protocol: 'pypi', name: 'My_Package', versions: v('1.0') },
      { protocol: 'cargo', name: 'my_crate', versions: v('1.0.0') },
      { protocol: 'upack', name: 'contoso-tools', versions: v('1.0.0') },
    ],
  });
}

describe('engine review 2: name globs compare names the way the server does', function () {
  this.timeout(30_000);
  const h = useEmulator(fixture);
  const shown = async (packageType: string, packages: string): Promise<string[]> => {
    const r = await run(h.emu, { action: 'show', feed, packageType, packages, version: '*', failOnNoMatch: 'false' });
    return r.rows.map((x) => x.package);
  };

  it('NuGet, Universal, PyPI and Cargo globs ignore case (and PyPI and Cargo separators)', async () => {
    assert.deepEqual(await shown('nuget', 'contoso.*'), ['Contoso.Core']);
    assert.deepEqual(await shown('upack', 'CONTOSO-*'), ['contoso-tools']);
    assert.deepEqual(await shown('pypi', 'MY.PACK*'), ['My_Package']);
    assert.deepEqual(await shown('cargo', 'MY-*'), ['my_crate']);
  });

  it('npm and Maven globs are case-sensitive, as their exact names are', async () => {
    assert.deepEqual(await shown('npm', 'json*'), ['json-tools']);
    assert.deepEqual(await shown('npm', 'JSON*'), ['JSONStream']);
    assert.deepEqual(await shown('maven', 'com.contoso:*'), ['com.contoso:util']);
    assert.deepEqual(await shown('maven', 'com.Contoso:*'), ['com.Contoso:Core']);
    assert.deepEqual(await shown('maven', 'COM.*'), []);
  });
});
