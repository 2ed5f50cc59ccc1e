/**
 * Each protocol's dependency rule as a table: which version the package manager takes for a
 * consumer, where pre-releases come in, and which ranges are not read at all.
 */
import * as assert from 'node:assert/strict';
import { protocols, ProtocolKey } from '../../src/protocols';
import { dependencyRules, followsGroup, resolveDependency } from '../../src/protocols/dependencies';

function resolve(key: ProtocolKey, range: string, versions: string[]): string | undefined | null {
  const read = dependencyRules[key].read(range);
  return read === null ? null : resolveDependency(read, versions, protocols[key].versionRule);
}

describe('dependency rules: what the package manager takes', () => {
  it('NuGet: the lowest applicable version; a bare version is a minimum; pre-releases only with a pre-release bound; a float its highest', () => {
    const vs = ['1.0.0', '1.2.0', '1.3.0-beta.1', '1.3.0', '2.0.0'];
    assert.equal(resolve('nuget', '[1.1.0, )', vs), '1.2.0');
    assert.equal(resolve('nuget', '1.1.0', vs), '1.2.0');
    assert.equal(resolve('nuget', '', vs), '1.0.0');
    assert.equal(resolve('nuget', '[1.2.1, 1.3.0]', vs), '1.3.0');
    assert.equal(resolve('nuget', '[1.3.0-alpha, )', vs), '1.3.0-beta.1');
    assert.equal(resolve('nuget', '1.*', vs), '1.3.0');
    // A pre-release float takes the highest of 1.3.0's pre-releases and 1.3.0 itself.
    assert.equal(resolve('nuget', '1.3.0-*', vs), '1.3.0');
    assert.equal(resolve('nuget', '1.3.0-*', vs.filter((v) => v !== '1.3.0')), '1.3.0-beta.1');
    assert.equal(resolve('nuget', '[3.0.0, )', vs), undefined);
    assert.equal(resolve('nuget', '>= 1.0', vs), null);
    assert.equal(resolve('nuget', '[2.0,1.0]', vs), null);
  });

  it("npm: node-semver's own default, a pre-release only where a comparator names one of the same version", () => {
    const vs = ['1.0.0', '1.2.3-beta.1', '1.2.3-beta.2', '1.2.3', '1.3.0-beta.1', '2.0.0'];
    assert.equal(resolve('npm', '^1.0.0', vs), '1.2.3');
    assert.equal(resolve('npm', '^1.2.3-beta.1', vs), '1.2.3');
    assert.equal(resolve('npm', '~1.2.3-beta.1 <1.2.3', vs), '1.2.3-beta.2');
    assert.equal(resolve('npm', '', vs), '2.0.0');
    assert.equal(resolve('npm', '>=3', vs), undefined);
    for (const bad of ['latest', 'file:../x', 'git+https://example.invalid/x.git', '>=1 ||']) assert.equal(resolve('npm', bad, vs), null, bad);
  });

  it('PyPI: the highest admitted; pre-releases where a specifier names one, or where nothing else matches', () => {
    const vs = ['1.0', '1.5', '2.0rc1', '2.0', '3.0a1'];
    assert.equal(resolve('pypi', '>=1.0,<2', vs), '1.5');
    assert.equal(resolve('pypi', '>=2.0rc1,<3', vs), '2.0');
    assert.equal(resolve('pypi', '>=2.1', vs), '3.0a1');
    assert.equal(resolve('pypi', '(>=1.0)', vs), '2.0');
    assert.equal(resolve('pypi', '', vs), '2.0');
    assert.equal(resolve('pypi', '!=3.0a1', vs), '2.0');
    assert.equal(resolve('pypi', '1.0', vs), null);
    assert.equal(resolve('pypi', '>=1.0; python_version < "3.8"', vs), null);
  });

  it('Cargo: a bare version is a caret requirement; a pre-release only where a comparator names that version', () => {
    const vs = ['1.0.0', '1.2.0', '1.3.0-alpha.1', '1.3.0-alpha.2', '2.0.0'];
    assert.equal(resolve('cargo', '1.0.0', vs), '1.2.0');
    assert.equal(resolve('cargo', '>=1.3.0-alpha.1, <1.3.0', vs), '1.3.0-alpha.2');
    assert.equal(resolve('cargo', '*', vs), '2.0.0');
    assert.equal(resolve('cargo', '^3', vs), undefined);
    assert.equal(resolve('cargo', 'not a version', vs), null);
  });

  it('Maven: a plain version as written, a range its highest, a property not read', () => {
    const vs = ['1.0', '1.2', '1.9', '2.0'];
    assert.equal(resolve('maven', '1.2', vs), '1.2');
    assert.equal(resolve('maven', '1.2.0', vs), '1.2');
    assert.equal(resolve('maven', '1.5', vs), undefined);
    assert.equal(resolve('maven', '[1.0,2.0)', vs), '1.9');
    assert.equal(resolve('maven', '${project.version}', vs), null);
    assert.equal(resolve('maven', '', vs), null);
  });

  it('groups a consumer never installs are skipped, any other group followed', () => {
    assert.ok(!followsGroup(dependencyRules.npm, 'devDependencies'));
    assert.ok(followsGroup(dependencyRules.npm, 'dependencies'));
    assert.ok(followsGroup(dependencyRules.npm, 'something new'));
    assert.ok(!followsGroup(dependencyRules.maven, 'TEST'));
    assert.ok(!followsGroup(dependencyRules.maven, 'provided'));
    assert.ok(followsGroup(dependencyRules.maven, 'compile'));
    assert.ok(!followsGroup(dependencyRules.cargo, 'dev'));
    assert.ok(followsGroup(dependencyRules.cargo, 'build'));
    assert.ok(followsGroup(dependencyRules.nuget, 'net48'));
    assert.ok(followsGroup(dependencyRules.nuget, undefined));
  });
});
