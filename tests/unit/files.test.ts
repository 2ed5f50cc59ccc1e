import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TaskLib from 'azure-pipelines-task-lib/task';
import { gzipSync } from 'fflate';
import * as sinon from 'sinon';
import { findMatch, findPackageFiles, readPackageFileAt } from '../../src/files/find';
import { MAX_METADATA_BYTES, packageFileKind, PackageFileResult, readPackageFile } from '../../src/files/read';
import {
  cargoTomlText, makeCrate, makeJar, makeNpmTgz, makeNupkg, makePom, makeSdist, makeTempDir, makeWheel, nuspecText,
  pomText, removeTempDir, tarBytes, tarGzBytes, zipBytes,
} from '../helpers/package-files';

let loadedTaskLib: typeof TaskLib | undefined;

/** task-lib, loaded once with its key file (`.taskkey`, written on load) kept in a temporary folder. */
function taskLib(): typeof TaskLib {
  if (loadedTaskLib) return loadedTaskLib;
  const keyDir = makeTempDir('tasklib');
  const before = process.env['AGENT_TEMPDIRECTORY'];
  process.env['AGENT_TEMPDIRECTORY'] = keyDir;
  try {
    loadedTaskLib = require('azure-pipelines-task-lib/task') as typeof TaskLib;
  } finally {
    if (before === undefined) delete process.env['AGENT_TEMPDIRECTORY'];
    else process.env['AGENT_TEMPDIRECTORY'] = before;
    removeTempDir(keyDir);
  }
  return loadedTaskLib;
}

/** task-lib's own findMatch, its ##vso debug lines (from loading it, too) kept off the test output. */
function taskLibFindMatch(root: string, patterns: string[]): string[] {
  const quiet = sinon.stub(process.stdout, 'write').returns(true);
  try {
    return taskLib().findMatch(root, patterns);
  } finally {
    quiet.restore();
  }
}

const pkg = (protocol: string, name: string, version: string): PackageFileResult =>
  ({ kind: 'package', protocol, name, version }) as PackageFileResult;

function readFile(file: string): Promise<PackageFileResult> {
  return readPackageFile(file, fs.readFileSync(file));
}

function assertError(r: PackageFileResult, pattern: RegExp): void {
  assert.equal(r.kind, 'error', JSON.stringify(r));
  assert.match((r as { reason: string }).reason, pattern);
}

describe('package files', () => {
  let dir: string;
  const made: string[] = [];
  beforeEach(() => {
    dir = makeTempDir();
    made.push(dir);
  });
  afterEach(() => removeTempDir(dir));
  after(() => {
    for (const d of made) assert.equal(fs.existsSync(d), false, `${d} was left behind`);
  });

  describe('reading name and version from inside', () => {
    it('NuGet: the .nuspec id and version, not the file name', async () => {
      const f = makeNupkg(dir, 'Contoso.Core', '1.2.3', { fileName: 'renamed-9.9.9.nupkg' });
      assert.deepEqual(await readFile(f), pkg('nuget', 'Contoso.Core', '1.2.3'));
    });

    it('NuGet: the version in its normalised form', async () => {
      for (const [written, normal] of [
        ['1.0.0.0', '1.0.0'],
        ['1.0', '1.0.0'],
        ['1.2.3.4', '1.2.3.4'],
        ['01.02.03', '1.2.3'],
        ['1.0.0-beta+build.5', '1.0.0-beta'],
      ]) {
        const f = makeNupkg(dir, 'Contoso.Norm', written, { fileName: `n-${written}.nupkg` });
        assert.deepEqual(await readFile(f), pkg('nuget', 'Contoso.Norm', normal), written);
      }
    });

    it('NuGet: a .nuspec missing its version, or with one that is no version, is an error', async () => {
      const noVersion = nuspecText('Contoso.Core', '1.0.0').replace(/\s*<version>.*<\/version>/, '');
      assertError(await readFile(makeNupkg(dir, 'Contoso.Core', '1.0.0', { nuspec: noVersion })), /no version/);
      const token = makeNupkg(dir, 'Contoso.Core', '$version$', { fileName: 'token.nupkg' });
      assertError(await readFile(token), /not a NuGet version/);
      assertError(await readFile(makeNupkg(dir, 'Contoso.Core', '1.0.0', { fileName: 'bad.nupkg', nuspec: '<package><metadata>' })), /not well-formed XML/);
    });

    it('NuGet: a package with no or two .nuspec files at its root is an error', async () => {
      const none = path.join(dir, 'none.nupkg');
      fs.writeFileSync(none, zipBytes({ 'lib/a.dll': 'x', 'sub/Contoso.nuspec': nuspecText('Contoso', '1.0.0') }));
      assertError(await readFile(none), /no \.nuspec/);
      const two = path.join(dir, 'two.nupkg');
      fs.writeFileSync(two, zipBytes({ 'A.nuspec': nuspecText('A', '1.0.0'), 'B.nuspec': nuspecText('B', '1.0.0') }));
      assertError(await readFile(two), /more than one/);
    });

    it('NuGet: symbol packages are skipped', async () => {
      const r = await readFile(makeNupkg(dir, 'Contoso.Core', '1.2.3', { symbols: true }));
      assert.equal(r.kind, 'skipped');
      assert.equal((await readFile(makeNupkg(dir, 'Contoso.Core', '1.2.3', { fileName: 'Contoso.Core.1.2.3.symbols.nupkg' }))).kind, 'skipped');
      assert.deepEqual(packageFileKind('x/Contoso.Core.1.2.3.snupkg'), { skipped: 'a NuGet symbol package' });
      assert.deepEqual(packageFileKind('C:\\out\\Contoso.Core.1.2.3.NUPKG'), { protocol: 'nuget' });
      assert.deepEqual(packageFileKind('dist/x-1.0.TAR.GZ'), { protocol: 'pypi' });
      assert.equal(packageFileKind('.nupkg'), undefined);
    });

    it('npm: package/package.json, a scoped name, a cleaned version', async () => {
      assert.deepEqual(await readFile(makeNpmTgz(dir, '@contoso/core', '2.0.0-rc.1')), pkg('npm', '@contoso/core', '2.0.0-rc.1'));
      const v = makeNpmTgz(dir, 'left-pad', 'v1.3.0', { fileName: 'lp.tgz' });
      assert.deepEqual(await readFile(v), pkg('npm', 'left-pad', '1.3.0'));
    });

    it('npm: any single top folder, as npm itself accepts', async () => {
      const f = makeNpmTgz(dir, 'types-node', '20.1.0', { topFolder: 'node' });
      assert.deepEqual(await readFile(f), pkg('npm', 'types-node', '20.1.0'));
    });

    it('npm: a tarball with no package.json, or one without a version, is an error', async () => {
      assertError(await readFile(makeNpmTgz(dir, 'a', '1.0.0', { packageJson: null })), /no package\.json/);
      assertError(await readFile(makeNpmTgz(dir, 'b', '1.0.0', { packageJson: '{"name":"b"}' })), /no version/);
      assertError(await readFile(makeNpmTgz(dir, 'c', '1.0.0', { packageJson: '{"name":' })), /not valid JSON/);
      assertError(await readFile(makeNpmTgz(dir, 'd', 'one', {})), /not a SemVer version/);
    });

    it('npm: long paths in the ustar prefix field and in pax headers', async () => {
      // A top folder too long for the 100-byte name field: the path is only whole with the prefix or pax record.
      const top = 't'.repeat(120);
      for (const pax of [false, true]) {
        const f = path.join(dir, `long-${pax}.tgz`);
        fs.writeFileSync(f, tarGzBytes({ [`${top}/index.js`]: 'x', [`${top}/package.json`]: '{"name":"long","version":"1.0.0"}' }, { pax }));
        assert.deepEqual(await readFile(f), pkg('npm', 'long', '1.0.0'), pax ? 'pax' : 'prefix');
      }
      // The pax path decides the entry's name: here the header's own field says package/package.json.
      const f = path.join(dir, 'renamed.tgz');
      const json = '{"name":"x","version":"1.0.0"}';
      fs.writeFileSync(f, tarGzBytes({ 'package/package.json': json }, { paxPaths: { 'package/package.json': 'package/docs/example.json' } }));
      assertError(await readFile(f), /no package\.json/);
    });

    it('PyPI: a wheel METADATA, the name normalised as PEP 503 says', async () => {
      assert.deepEqual(await readFile(makeWheel(dir, 'Contoso_Data.Tools', '1.0.0')), pkg('pypi', 'contoso-data-tools', '1.0.0'));
      assert.deepEqual(await readFile(makeWheel(dir, 'friendly--bard__.x', '2.0rc1')), pkg('pypi', 'friendly-bard-x', '2.0rc1'));
    });

    it('PyPI: the version normalised as PEP 440 says', async () => {
      const f = makeWheel(dir, 'x', '1.0', { fileName: 'x-1-py3-none-any.whl', metadata: 'Name: x\nVersion: 1.0-ALPHA1\n' });
      assert.deepEqual(await readFile(f), pkg('pypi', 'x', '1.0a1'));
    });

    it('PyPI: an sdist PKG-INFO in its top folder, tar.gz and zip', async () => {
      assert.deepEqual(await readFile(makeSdist(dir, 'Contoso.Data', '3.1.4')), pkg('pypi', 'contoso-data', '3.1.4'));
      assert.deepEqual(await readFile(makeSdist(dir, 'Contoso.Data', '3.1.5', { format: 'zip' })), pkg('pypi', 'contoso-data', '3.1.5'));
    });

    it('PyPI: METADATA without a Version is an error', async () => {
      assertError(await readFile(makeWheel(dir, 'x', '1.0', { metadata: 'Metadata-Version: 2.1\nName: x\n' })), /no Version/);
      assertError(await readFile(makeSdist(dir, 'y', '1.0', { metadata: 'Name: y\nVersion: not.a.version!\n' })), /not a PEP 440/);
    });

    it('Cargo: the [package] name and version of Cargo.toml, not Cargo.toml.orig', async () => {
      assert.deepEqual(await readFile(makeCrate(dir, 'contoso_core', '0.4.2-beta.1')), pkg('cargo', 'contoso_core', '0.4.2-beta.1'));
    });

    it('Cargo: a version taken from a workspace, or bad TOML, is an error', async () => {
      const ws = '[package]\nname = "w"\nversion.workspace = true\n';
      assertError(await readFile(makeCrate(dir, 'w', '1.0.0', { cargoToml: ws })), /workspace/);
      assertError(await readFile(makeCrate(dir, 'b', '1.0.0', { cargoToml: '[package\nname=' })), /not valid TOML/);
      assertError(await readFile(makeCrate(dir, 'n', '1.0.0', { cargoToml: cargoTomlText('n', '1.0.0').replace('[package]', '[lib]') })), /no \[package\]/);
      // Cargo's own rule, not npm's looser one: no leading v, no spaces.
      assertError(await readFile(makeCrate(dir, 'v', '1.0.0', { cargoToml: cargoTomlText('v', 'v1.2.3') })), /not a SemVer version/);
    });

    it('Maven: groupId:artifactId and version', async () => {
      assert.deepEqual(await readFile(makePom(dir, 'com.contoso', 'core', '1.0.0')), pkg('maven', 'com.contoso:core', '1.0.0'));
    });

    it('Maven: group and version inherited from the parent', async () => {
      const parent = { groupId: 'com.contoso', artifactId: 'parent', version: '2.1.0' };
      assert.deepEqual(await readFile(makePom(dir, undefined, 'child', undefined, { parent })), pkg('maven', 'com.contoso:child', '2.1.0'));
      const own = makePom(dir, 'com.contoso.tools', 'own', '3.0.0', { parent });
      assert.deepEqual(await readFile(own), pkg('maven', 'com.contoso.tools:own', '3.0.0'));
    });

    it('Maven: no version anywhere, or an unresolved property, is an error', async () => {
      assertError(await readFile(makePom(dir, 'com.contoso', 'nov', undefined)), /no version/);
      assertError(await readFile(makePom(dir, 'com.contoso', 'prop', '${revision}')), /unresolved property/);
      const html = makePom(dir, 'x', 'y', '1', { pom: '<html><body/></html>' });
      assertError(await readFile(html), /not a Maven pom/);
    });

    it('Maven: the pom inside a jar; sources and javadoc jars are skipped', async () => {
      assert.deepEqual(await readFile(makeJar(dir, 'com.contoso', 'lib', '1.5.0')), pkg('maven', 'com.contoso:lib', '1.5.0'));
      assert.equal((await readFile(makeJar(dir, 'com.contoso', 'lib', '1.5.0', { fileName: 'lib-1.5.0-sources.jar' }))).kind, 'skipped');
      assertError(await readPackageFile('plain.jar', zipBytes({ 'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n' })), /give the \.pom file/);
      const shaded = zipBytes({
        'META-INF/maven/a/x/pom.xml': pomText('a', 'x', '1'),
        'META-INF/maven/b/y/pom.xml': pomText('b', 'y', '2'),
      });
      assertError(await readPackageFile('shaded.jar', shaded), /more than one/);
    });

    it('damaged archives: a truncated zip and a truncated tarball', async () => {
      const nupkg = fs.readFileSync(makeNupkg(dir, 'Contoso.Core', '1.0.0'));
      assertError(await readPackageFile('t.nupkg', nupkg.subarray(0, nupkg.length - 30)), /damaged or truncated|not a zip/);
      assertError(await readPackageFile('t.nupkg', nupkg.subarray(0, 10)), /not a zip/);
      const tgz = tarGzBytes({ 'package/other.js': 'x'.repeat(5000), 'package/package.json': '{"name":"a","version":"1.0.0"}' });
      assertError(await readPackageFile('t.tgz', tgz.subarray(0, 40)), /damaged|truncated/);
    });

    it('a tarball is unpacked only as far as its package.json', async () => {
      // Incompressible content after package.json, and the end cut off: never reached, so no error.
      const noise = new Uint8Array(randomBytes(512 * 1024));
      const tgz = tarGzBytes({ 'package/package.json': '{"name":"early","version":"1.0.0"}', 'package/blob.bin': noise });
      assert.deepEqual(await readPackageFile('e.tgz', tgz.subarray(0, tgz.length - 1000)), pkg('npm', 'early', '1.0.0'));
      // The same cut with package.json last is a damaged file.
      const late = tarGzBytes({ 'package/blob.bin': noise, 'package/package.json': '{"name":"late","version":"1.0.0"}' });
      assertError(await readPackageFile('l.tgz', late.subarray(0, late.length - 1000)), /damaged|truncated/);
    });

    it('damaged archives: a tar header with a wrong checksum', async () => {
      const tar = tarBytes({ 'package/package.json': '{"name":"a","version":"1.0.0"}' });
      tar[0] ^= 1;
      assertError(await readPackageFile('c.tgz', gzipSync(tar)), /header is damaged/);
    });

    it('foreign files: a name it does not read, content of another kind', async () => {
      assertError(await readPackageFile('notes.txt', new TextEncoder().encode('hello')), /not a package file/);
      assertError(await readPackageFile('x.nupkg', new TextEncoder().encode('hello, not a zip at all')), /not a zip/);
      assertError(await readPackageFile('x.tgz', zipBytes({ 'package/package.json': '{}' })), /not gzip/);
      assertError(await readPackageFile('x.whl', zipBytes({ 'x.nuspec': nuspecText('a', '1.0.0') })), /METADATA/);
      const err = await readPackageFile('x.crate', new Uint8Array(0));
      assert.deepEqual(err.kind === 'error' && err.protocol, 'cargo');
    });

    it('a tarball of the other kind says which kind it is, for the caller to compare', async () => {
      const sdistAsTgz = makeSdist(dir, 'x', '1.0.0', { fileName: 'x-1.0.0.tgz' });
      assert.deepEqual(await readFile(sdistAsTgz), pkg('pypi', 'x', '1.0.0'));
      const npmAsTarGz = makeNpmTgz(dir, 'y', '1.0.0', { fileName: 'y-1.0.0.tar.gz' });
      assert.deepEqual(await readFile(npmAsTarGz), pkg('npm', 'y', '1.0.0'));
    });

    it('absurd sizes: a metadata entry over the limit is not unpacked', async function () {
      this.timeout(30000);
      const big = new Uint8Array(MAX_METADATA_BYTES + 1).fill(0x20);
      const nupkg = zipBytes({ 'Big.nuspec': big });
      assertError(await readPackageFile('big.nupkg', nupkg), /larger than/);
      const tgz = tarGzBytes({ 'package/package.json': big });
      assertError(await readPackageFile('big.tgz', tgz), /larger than/);
    });

    it('a zip that lies about an entry size unpacks no more than it said', async () => {
      const z = zipBytes({ 'A.nuspec': nuspecText('A', '1.0.0') + ' '.repeat(100000) });
      // Patch the central directory's uncompressed size of the one entry down to 40 bytes.
      const buf = Buffer.from(z);
      const cd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
      buf.writeUInt32LE(40, cd + 24);
      assertError(await readPackageFile('lie.nupkg', buf), /not well-formed|no id|no version/);
    });

    it('readPackageFileAt: a missing file is an error result', async () => {
      const r = await readPackageFileAt(path.join(dir, 'gone.nupkg'));
      assertError(r, /could not be read \(ENOENT\)/);
      assert.deepEqual(await readPackageFileAt(makeCrate(dir, 'c', '1.0.0')), pkg('cargo', 'c', '1.0.0'));
    });
  });

  describe('finding files', () => {
    let root: string;
    beforeEach(() => {
      root = path.join(dir, 'work', 's');
      makeNupkg(path.join(root, 'out'), 'A', '1.0.0');
      makeNupkg(path.join(root, 'out'), 'A', '1.0.0', { symbols: true });
      makeNupkg(path.join(root, 'out', 'nested'), 'B', '2.0.0');
      makeNpmTgz(path.join(root, '.hidden'), 'c', '1.0.0');
      makeNupkg(path.join(dir, 'work', 'a'), 'Outside', '3.0.0');
    });

    const rel = (files: string[]): string[] => files.map((f) => path.relative(dir, f).split(path.sep).join('/'));

    it('** and * below the root, dot folders included', () => {
      const r = findPackageFiles(['**/*.nupkg'], root);
      assert.deepEqual(rel(r.files), ['work/s/out/A.1.0.0.nupkg', 'work/s/out/nested/B.2.0.0.nupkg']);
      assert.deepEqual(r.empty, []);
      assert.deepEqual(rel(findPackageFiles(['**/*.tgz'], root).files), ['work/s/.hidden/c-1.0.0.tgz']);
      assert.deepEqual(rel(findPackageFiles(['out/*.nupkg'], root).files), ['work/s/out/A.1.0.0.nupkg']);
    });

    it('one line a pattern, literal paths, comments, and `!` exclusions', () => {
      const r = findPackageFiles(['out/A.1.0.0.nupkg\n# a comment\n\nout/**/*.*nupkg', '!**/*.snupkg'], root);
      assert.deepEqual(rel(r.files), ['work/s/out/A.1.0.0.nupkg', 'work/s/out/nested/B.2.0.0.nupkg']);
      assert.deepEqual(r.empty, []);
    });

    it('paths outside the root: absolute, and relative with ..', () => {
      const abs = path.join(dir, 'work', '**', '*.nupkg');
      assert.deepEqual(rel(findPackageFiles([abs], root).files), [
        'work/a/Outside.3.0.0.nupkg', 'work/s/out/A.1.0.0.nupkg', 'work/s/out/nested/B.2.0.0.nupkg',
      ]);
      for (const match of [findMatch, taskLibFindMatch]) {
        assert.deepEqual(rel(findPackageFiles(['../a/*.nupkg'], root, match).files), ['work/a/Outside.3.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles(['../a/Outside.3.0.0.nupkg'], root, match).files), ['work/a/Outside.3.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles(['../*/*.nupkg', '!../s/**'], root, match).files), ['work/a/Outside.3.0.0.nupkg']);
        const none = findPackageFiles(['../none/*.nupkg'], root, match);
        assert.deepEqual(none, { files: [], empty: ['../none/*.nupkg'] });
      }
    });

    it('a line that starts with ./ (or holds . segments) finds what it names, with either matcher', () => {
      for (const match of [findMatch, taskLibFindMatch]) {
        assert.deepEqual(rel(findPackageFiles(['./out/**/*.nupkg'], root, match).files), ['work/s/out/A.1.0.0.nupkg', 'work/s/out/nested/B.2.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles(['./out/A.1.0.0.nupkg'], root, match).files), ['work/s/out/A.1.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles(['out/./nested/*.nupkg'], root, match).files), ['work/s/out/nested/B.2.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles(['./out/**/*.nupkg', '!./out/nested/**'], root, match).files), ['work/s/out/A.1.0.0.nupkg']);
        assert.deepEqual(rel(findPackageFiles([`${root}/./out/*.nupkg`], root, match).files), ['work/s/out/A.1.0.0.nupkg']);
      }
    });

    it('globs that find nothing are named, and so is a line whose files are all excluded', () => {
      const r = findPackageFiles(['**/*.whl', 'out/*.nupkg', 'missing/file.nupkg', 'out/*.snupkg', '!out/*.snupkg'], root);
      assert.deepEqual(rel(r.files), ['work/s/out/A.1.0.0.nupkg']);
      assert.deepEqual(r.empty, ['**/*.whl', 'missing/file.nupkg', 'out/*.snupkg']);
    });

    it('folders that match are not files', () => {
      const r = findPackageFiles(['**/out*'], root);
      assert.deepEqual(r.files, []);
      assert.deepEqual(r.empty, ['**/out*']);
    });

    it('a root holding glob characters is matched as written', () => {
      const odd = path.join(dir, 'r[1]*');
      makeCrate(odd, 'x', '1.0.0');
      makeCrate(path.join(dir, 'r1x'), 'y', '1.0.0');
      assert.deepEqual(rel(findPackageFiles(['*.crate'], odd).files), ['r[1]*/x-1.0.0.crate']);
    });

    it('a given matcher is called once per include line, with the exclusions', () => {
      const match = sinon.fake((_root: string, patterns: string[]): string[] =>
        patterns[0] === 'x' ? [path.join(root, 'out', 'A.1.0.0.nupkg'), path.join(root, 'out')] : [],
      );
      const r = findPackageFiles(['x', '!y', 'z'], root, match);
      assert.deepEqual(match.args, [[root, ['x', '!y']], [root, ['z', '!y']]]);
      assert.deepEqual(rel(r.files), ['work/s/out/A.1.0.0.nupkg']);
      assert.deepEqual(r.empty, ['z']);
    });

    it('findMatch finds what task-lib findMatch finds', () => {
      makeWheel(path.join(root, 'py'), 'w', '1.0');
      const cases = [
        ['out/**'], ['**/*.nupkg'], ['**'], ['out/*'], ['out/A.1.0.0.nupkg'], ['*/nested/*.nupkg'], ['**/?.1.0.0.*'],
        ['**/*.+(nupkg|tgz)'], ['**/[AB].*'], ['**/*', '!**/nested/**'], ['**/*nupkg', '!!out/nested/*'],
        [path.join(dir, 'work', '**', 'Out*')], ['missing/**'], ['# only a comment'],
      ];
      for (const patterns of cases) {
        assert.deepEqual(findMatch(root, patterns), taskLibFindMatch(root, patterns), patterns.join(' '));
      }
    });

    it('finds and reads end to end', async () => {
      const r = findPackageFiles(['**/*.nupkg', '**/*.snupkg'], root);
      const read = await Promise.all(r.files.map(readPackageFileAt));
      assert.deepEqual(read.map((x) => x.kind), ['package', 'package', 'skipped']);
    });
  });
});
