import * as assert from 'node:assert/strict';
import { supported } from '../../src/engine/request';
import { ActionKey, findProtocol, Protocol, ProtocolKey, protocols, supports } from '../../src/protocols';
import { cargoName, checkMaven, checkNpm, mavenParts, npmParts, pep503 } from '../../src/protocols/names';

const p = (key: ProtocolKey): Protocol => protocols[key];
const tableActions: ActionKey[] = ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanentDelete', 'download'];

describe('protocols: the contract\'s table of actions', () => {
  // The contract's "Actions and protocols" table, row by row.
  const table: Record<string, ProtocolKey[]> = {
    promote: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
    unlist: ['nuget', 'cargo'],
    relist: ['nuget', 'cargo'],
    deprecate: ['npm'],
    undeprecate: ['npm'],
    delete: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
    restore: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
    permanentDelete: ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'],
    download: ['nuget', 'npm'],
  };

  for (const key of Object.keys(protocols) as ProtocolKey[]) {
    it(`${key}: exactly the actions the table gives it`, () => {
      const has = tableActions.filter((a) => supports(p(key), a));
      assert.deepEqual(has, tableActions.filter((a) => table[a].includes(key)));
      assert.match(supported(p(key)), /show$/);
    });
  }

  it('batch operations: promote, list, yank, deprecate, unpublish for npm and delete for the rest, the recycle bin\'s two', () => {
    const op = (key: ProtocolKey, a: ActionKey) => p(key).actions[a]?.batchOperation;
    for (const key of Object.keys(protocols) as ProtocolKey[]) {
      assert.equal(op(key, 'promote'), 'promote');
      assert.equal(op(key, 'delete'), key === 'npm' ? 'unpublish' : 'delete');
      assert.equal(op(key, 'restore'), 'restoreToFeed');
      assert.equal(op(key, 'permanentDelete'), 'permanentDelete');
    }
    assert.equal(op('nuget', 'unlist'), 'list');
    assert.equal(op('nuget', 'relist'), 'list');
    assert.equal(op('cargo', 'unlist'), 'yank');
    assert.equal(op('cargo', 'relist'), 'yank');
    assert.equal(op('npm', 'deprecate'), 'deprecate');
    assert.equal(op('npm', 'undeprecate'), 'deprecate');
  });

  it('Cargo has no single-version yank; every other change has its own endpoint', () => {
    for (const key of Object.keys(protocols) as ProtocolKey[]) {
      for (const a of tableActions) {
        const route = p(key).actions[a];
        if (!route || a === 'download') continue;
        assert.equal(route.single, !(key === 'cargo' && (a === 'unlist' || a === 'relist')), `${key} ${a}`);
      }
    }
  });

  it('listing and deprecation state: listed for NuGet and Cargo, deprecation for npm', () => {
    assert.deepEqual((Object.keys(protocols) as ProtocolKey[]).filter((k) => p(k).hasListing), ['nuget', 'cargo']);
    assert.deepEqual((Object.keys(protocols) as ProtocolKey[]).filter((k) => p(k).hasDeprecation), ['npm']);
  });
});

describe('protocols: routes as the OpenAPI files give them', () => {
  it('npm: version routes without a packages segment, scoped with @scope unescaped', () => {
    assert.equal(p('npm').versionPath('@contoso/widgets', '1.0.0'), 'npm/@contoso/widgets/versions/1.0.0');
    assert.equal(p('npm').versionPath('left-pad', '1.0.0-beta.1'), 'npm/left-pad/versions/1.0.0-beta.1');
    assert.equal(p('npm').recycleBinVersionPath('@contoso/widgets', '1.0.0'), 'npm/RecycleBin/packages/@contoso/widgets/versions/1.0.0');
    assert.equal(p('npm').recycleBinVersionPath('left-pad', '1.0.0'), 'npm/RecycleBin/packages/left-pad/versions/1.0.0');
    assert.equal(p('npm').contentPath!('@contoso/widgets', '1.0.0'), 'npm/packages/@contoso/widgets/versions/1.0.0/content');
    assert.equal(p('npm').contentPath!('left-pad', '1.0.0'), 'npm/packages/left-pad/versions/1.0.0/content');
    assert.equal(p('npm').batchPath, 'npm/packagesbatch');
    assert.equal(p('npm').recycleBinBatchPath, 'npm/RecycleBin/PackagesBatch');
  });

  it('Maven: groups/{g}/artifacts/{a} routes, RecycleBin before groups', () => {
    assert.equal(p('maven').versionPath('com.contoso:core', '1.0-SNAPSHOT'), 'maven/groups/com.contoso/artifacts/core/versions/1.0-SNAPSHOT');
    assert.equal(p('maven').recycleBinVersionPath('com.contoso:core', '1.0'), 'maven/RecycleBin/groups/com.contoso/artifacts/core/versions/1.0');
    assert.equal(p('maven').batchPath, 'maven/packagesbatch');
    assert.equal(p('maven').recycleBinBatchPath, 'maven/RecycleBin/packagesBatch');
  });

  for (const key of ['nuget', 'pypi', 'upack', 'cargo'] as ProtocolKey[]) {
    it(`${key}: {segment}/packages/{name}/versions/{version}, its batch and its recycle bin`, () => {
      assert.equal(p(key).versionPath('A.b', '1.0'), `${key}/packages/A.b/versions/1.0`);
      assert.equal(p(key).recycleBinVersionPath('A.b', '1.0'), `${key}/RecycleBin/packages/A.b/versions/1.0`);
      assert.equal(p(key).batchPath, `${key}/packagesbatch`);
      assert.equal(p(key).recycleBinBatchPath, `${key}/RecycleBin/packagesBatch`);
    });
  }

  it('escapes what a path segment cannot hold', () => {
    assert.equal(p('nuget').versionPath('A', '1.0.0+build.5'), 'nuget/packages/A/versions/1.0.0%2Bbuild.5');
    assert.equal(p('pypi').versionPath('my pkg', '1.0'), 'pypi/packages/my%20pkg/versions/1.0');
    assert.equal(p('npm').versionPath('@contoso/a%b', '1.0.0'), 'npm/@contoso/a%25b/versions/1.0.0');
  });

  it('batch items: {id, version}, Maven {group, artifact, version}', () => {
    assert.deepEqual(p('npm').batchItem('@contoso/widgets', '1.0.0'), { id: '@contoso/widgets', version: '1.0.0' });
    assert.deepEqual(p('pypi').batchItem('My-Package', '1.0'), { id: 'My-Package', version: '1.0' });
    assert.deepEqual(p('cargo').batchItem('my_crate', '1.0.0'), { id: 'my_crate', version: '1.0.0' });
    assert.deepEqual(p('upack').batchItem('tools', '1.0.0'), { id: 'tools', version: '1.0.0' });
    assert.deepEqual(p('maven').batchItem('com.contoso:core', '2.0'), { group: 'com.contoso', artifact: 'core', version: '2.0' });
  });

  it('api-versions: npm 7.1 everywhere; PyPI, Maven, Universal previews; Cargo 7.2-preview.1 on Services only', () => {
    const all = (key: ProtocolKey, where: 'services' | 'onPremises') => {
      const v = p(key).apiVersions[where];
      return v && [v.version, v.batch, v.recycleBin, v.recycleBinBatch];
    };
    assert.deepEqual(all('npm', 'services'), ['7.1', '7.1', '7.1', '7.1']);
    assert.deepEqual(all('npm', 'onPremises'), ['7.1', '7.1', '7.1', '7.1']);
    assert.equal(p('npm').apiVersions.services.content, '7.1');
    for (const key of ['pypi', 'maven', 'upack'] as ProtocolKey[]) assert.deepEqual(all(key, 'services'), Array(4).fill('7.1-preview.1'), key);
    assert.deepEqual(all('maven', 'onPremises'), Array(4).fill('7.1-preview.1'));
    assert.deepEqual(all('cargo', 'services'), Array(4).fill('7.2-preview.1'));
    assert.deepEqual(all('nuget', 'services'), ['7.1', '7.1-preview.1', '7.1-preview.1', '7.1-preview.1']);
  });

  it('on premises: NuGet, npm and Maven (the server\'s OpenAPI files); not PyPI, Universal or Cargo', () => {
    assert.deepEqual((Object.keys(protocols) as ProtocolKey[]).filter((k) => p(k).apiVersions.onPremises), ['nuget', 'npm', 'maven']);
  });

  it('resource areas and protocolType as the service names them', () => {
    const areas = Object.fromEntries((Object.keys(protocols) as ProtocolKey[]).map((k) => [k, p(k).areaId]));
    assert.deepEqual(areas, {
      nuget: 'b3be7473-68ea-4a81-bfc7-9530baaa19ad', npm: '4c83cfc1-f33a-477e-a789-29d38ffca52e', pypi: '92f0314b-06c5-46e0-abe7-15fd9d13276a',
      maven: '6f7f8c07-ff36-473c-bcf3-bd6cc9b6c066', upack: 'd397749b-f115-4027-b6dd-77a65dd10d21', cargo: '71f96160-8701-4914-aed9-c44b89f20ccd',
    });
    const types = Object.fromEntries((Object.keys(protocols) as ProtocolKey[]).map((k) => [k, p(k).protocolType]));
    assert.deepEqual(types, { nuget: 'NuGet', npm: 'Npm', pypi: 'PyPi', maven: 'Maven', upack: 'UPack', cargo: 'Cargo' });
  });

  it('client endpoints below the feed: NuGet v3 index, npm registry, PyPI simple, Maven v1, Cargo index; Universal the organization', () => {
    const paths = Object.fromEntries((Object.keys(protocols) as ProtocolKey[]).map((k) => [k, p(k).clientPath]));
    assert.deepEqual(paths, { nuget: 'nuget/v3/index.json', npm: 'npm/registry/', pypi: 'pypi/simple/', maven: 'maven/v1', upack: null, cargo: 'Cargo/index/' });
  });

  it('findProtocol reads the packageType input whatever its case', () => {
    assert.equal(findProtocol(' NPM ')?.key, 'npm');
    assert.equal(findProtocol('UPack')?.key, 'upack');
    assert.equal(findProtocol('universal'), undefined);
  });
});

describe('protocols: file names', () => {
  it('download writes <id>.<version>.nupkg and <scope>-<name>-<version>.tgz (scope without @)', () => {
    assert.equal(p('nuget').downloadFileName!('Contoso.Core', '1.0.0-beta'), 'Contoso.Core.1.0.0-beta.nupkg');
    assert.equal(p('npm').downloadFileName!('@contoso/widgets', '1.4.0'), 'contoso-widgets-1.4.0.tgz');
    assert.equal(p('npm').downloadFileName!('left-pad', '1.0.0'), 'left-pad-1.0.0.tgz');
  });

  it('only NuGet and npm have content to download', () => {
    assert.deepEqual((Object.keys(protocols) as ProtocolKey[]).filter((k) => p(k).contentPath && p(k).downloadFileName), ['nuget', 'npm']);
  });
});

describe('protocols: names', () => {
  it('PyPI compares by PEP 503: runs of - _ . are one -, case does not matter', () => {
    for (const n of ['My-Package', 'my_package', 'My.Package', 'MY__PACKAGE', 'my-._package']) assert.equal(pep503(n), 'my-package', n);
    assert.equal(p('pypi').normalizeName('Foo.Bar_baz'), 'foo-bar-baz');
    assert.notEqual(p('pypi').normalizeName('mypackage'), p('pypi').normalizeName('my-package'));
  });

  it('Cargo: - and _ alike, case-insensitive', () => {
    assert.equal(cargoName('my_crate'), cargoName('My-Crate'));
    assert.equal(p('cargo').normalizeName('serde_json'), p('cargo').normalizeName('serde-json'));
    assert.notEqual(p('cargo').normalizeName('serde.json'), p('cargo').normalizeName('serde-json'));
  });

  it('NuGet and Universal case-insensitively; npm and Maven as given', () => {
    assert.equal(p('nuget').normalizeName('Contoso.Core'), p('nuget').normalizeName('contoso.core'));
    assert.equal(p('upack').normalizeName('Tools'), p('upack').normalizeName('tools'));
    assert.notEqual(p('npm').normalizeName('Left-Pad'), p('npm').normalizeName('left-pad'));
    assert.notEqual(p('maven').normalizeName('com.Contoso:core'), p('maven').normalizeName('com.contoso:core'));
  });

  it('npm names: name or @scope/name, globs too', () => {
    assert.deepEqual(npmParts('@contoso/widgets'), { scope: 'contoso', name: 'widgets' });
    assert.deepEqual(npmParts('left-pad'), { name: 'left-pad' });
    for (const ok of ['left-pad', '@contoso/widgets', '@contoso/*', '*']) assert.equal(checkNpm(ok), null, ok);
    for (const bad of ['@contoso', 'a/b', '@a/b/c', 'has space']) assert.ok(checkNpm(bad), bad);
  });

  it('Maven names: groupId:artifactId; a glob may span both', () => {
    assert.deepEqual(mavenParts('com.contoso:core'), { group: 'com.contoso', artifact: 'core' });
    for (const ok of ['com.contoso:core', 'com.contoso:*', '*:core', '*', 'com.contoso.*']) assert.equal(checkMaven(ok), null, ok);
    for (const bad of ['core', 'a:b:c', ':core', 'com.contoso:', 'a b:c']) assert.ok(checkMaven(bad), bad);
  });
});

describe('protocols: name queries', () => {
  it('query a part every spelling of the name contains', () => {
    assert.equal(protocols.pypi.nameQuery('my_package'), 'package');
    assert.equal(protocols.pypi.nameQuery('My.Package-Name'), 'Package');
    assert.equal(protocols.cargo.nameQuery('serde_json'), 'serde');
    assert.equal(protocols.nuget.nameQuery('Contoso.Core'), 'Contoso.Core');
    assert.equal(protocols.npm.nameQuery('@scope/name'), '@scope/name');
    assert.equal(protocols.maven.nameQuery('com.contoso:core'), 'com.contoso:core');
    for (const spelling of ['My-Package', 'my_package', 'MY.PACKAGE', 'my__package']) {
      assert.ok(spelling.toLowerCase().includes(protocols.pypi.nameQuery('my_package').toLowerCase()), spelling);
    }
  });
});
