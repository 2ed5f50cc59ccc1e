/**
 * Archives made by the protocols' own tools (npm pack, cargo package), not by our test helpers:
 * they show that the tar reader takes what those tools write (the ustar prefix field, pax records,
 * GNU long names), whatever order they write the entries in.
 */
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readPackageFileAt } from '../../src/files/find';
import { readTarGz } from '../../src/files/tar';
import { makeTempDir, removeTempDir, tarGzBytes } from '../helpers/package-files';

function run(command: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    // npm is a .cmd file on Windows, which only a shell starts.
    execFile(command, args, { cwd, env: { ...process.env, ...env }, shell: process.platform === 'win32', timeout: 60_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}

/** The headers of an uncompressed tar: type flag, whether the ustar prefix field is used, the name field. */
function headers(tar: Uint8Array): { type: string; prefix: boolean; name: string }[] {
  const out: { type: string; prefix: boolean; name: string }[] = [];
  const text = (b: Uint8Array) => Buffer.from(b).toString('latin1').replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; at += 512) {
    const h = tar.subarray(at, at + 512);
    if (!text(h.subarray(257, 262)).startsWith('ustar')) continue;
    out.push({ type: String.fromCharCode(h[156]), prefix: h[345] !== 0, name: text(h.subarray(0, 100)) });
  }
  return out;
}

/** Every regular file of a .tgz or .crate, by path, read to the end. */
async function allEntries(file: string): Promise<string[]> {
  const found = await readTarGz(fs.readFileSync(file), () => true, () => false, { maxEntry: 1 << 20, maxTotal: 1 << 24 });
  return [...found.keys()].sort();
}

describe('package files made by the protocols own tools', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = makeTempDir('tools');
  });
  afterEach(() => removeTempDir(dir));

  it('npm pack: a path in the ustar prefix field and a pax path before package.json', async () => {
    const deep = `a/${'d'.repeat(60)}/${'e'.repeat(60)}/long-file-name.js`;
    const wide = `ünïcödé-${'g'.repeat(110)}.js`;
    fs.mkdirSync(path.join(dir, path.dirname(deep)), { recursive: true });
    fs.writeFileSync(path.join(dir, deep), '1\n');
    fs.writeFileSync(path.join(dir, wide), '2\n');
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@contoso/tiny', version: '1.2.3-rc.1' }));
    await run('npm', ['pack', '--offline', '--silent'], dir, { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' });
    const tgz = path.join(dir, 'contoso-tiny-1.2.3-rc.1.tgz');
    // What npm wrote: the deep path split into prefix and name, the wide one as a pax record.
    const written = headers(gunzipSync(fs.readFileSync(tgz)));
    assert.ok(written.some((h) => h.type === '0' && h.prefix && h.name.endsWith('long-file-name.js')), JSON.stringify(written));
    assert.ok(written.some((h) => h.type === 'x'), JSON.stringify(written));
    assert.deepEqual(await readPackageFileAt(tgz), { kind: 'package', protocol: 'npm', name: '@contoso/tiny', version: '1.2.3-rc.1' });
    assert.deepEqual(await allEntries(tgz), [`package/${deep}`, 'package/package.json', `package/${wide}`].sort());
  });

  it('cargo package: GNU long names, Cargo.toml among them', async function () {
    try {
      await run('cargo', ['--version'], dir, {});
    } catch {
      this.skip();
    }
    // A version long enough that even `<name>-<version>/Cargo.toml` needs a GNU long name.
    const version = `0.3.1-beta.${'a'.repeat(80)}`;
    const deep = `src/${'d'.repeat(70)}/${'e'.repeat(70)}/long_module_name.rs`;
    fs.mkdirSync(path.join(dir, path.dirname(deep)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), '');
    fs.writeFileSync(path.join(dir, deep), '');
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), `[package]\nname = "tiny_crate"\nversion = "${version}"\nedition = "2021"\ndescription = "t"\nlicense = "MIT"\n`);
    await run('cargo', ['package', '--offline', '--allow-dirty', '--no-verify', '--quiet'], dir, { CARGO_NET_OFFLINE: 'true', CARGO_TARGET_DIR: path.join(dir, 'target') });
    const crate = path.join(dir, 'target', 'package', `tiny_crate-${version}.crate`);
    const written = headers(gunzipSync(fs.readFileSync(crate)));
    assert.ok(written.filter((h) => h.type === 'L').length >= 2, JSON.stringify(written));
    assert.deepEqual(await readPackageFileAt(crate), { kind: 'package', protocol: 'cargo', name: 'tiny_crate', version });
    const top = `tiny_crate-${version}`;
    const entries = await allEntries(crate);
    assert.ok(entries.includes(`${top}/${deep}`) && entries.includes(`${top}/Cargo.toml`), entries.join('\n'));
  });

  it('a tarball that unpacks to more than the cap is given up', async () => {
    const tgz = tarGzBytes({ 'package/blob.bin': new Uint8Array(randomBytes(64 * 1024)), 'package/package.json': '{"name":"a","version":"1.0.0"}' });
    const limits = { maxEntry: 1024, maxTotal: 32 * 1024 };
    await assert.rejects(readTarGz(tgz, (p) => p.endsWith('package.json'), (f) => f.size > 0, limits), /unpacks to more than 32768 bytes/);
    const found = await readTarGz(tgz, (p) => p.endsWith('package.json'), (f) => f.size > 0, { ...limits, maxTotal: 1 << 20 });
    assert.deepEqual([...found.keys()], ['package/package.json']);
  });
});
