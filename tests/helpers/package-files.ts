/**
 * Builds real package files of each kind in a folder, for tests: no binary fixture is checked in.
 * Each `make*` writes one file and returns its path. `opts.fileName` names the file otherwise than
 * the protocol's tools would (the content, not the name, must decide name and version).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync, zipSync } from 'fflate';
import { makeTemp } from './temp';

const utf8 = new TextEncoder();

export type Entries = Record<string, string | Uint8Array>;

const bytesOf = (v: string | Uint8Array): Uint8Array => (typeof v === 'string' ? utf8.encode(v) : v);

/** A zip archive (deflated entries) of `entries`. */
export function zipBytes(entries: Entries): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const [name, content] of Object.entries(entries)) files[name] = bytesOf(content);
  return zipSync(files, { level: 6, mtime: new Date('2024-01-01T00:00:00Z') });
}

function octalField(block: Uint8Array, at: number, length: number, value: number): void {
  block.set(utf8.encode(value.toString(8).padStart(length - 1, '0') + '\0'), at);
}

function tarHeader(name: string, size: number, type: string, prefix = ''): Uint8Array {
  const h = new Uint8Array(512);
  h.set(utf8.encode(name).subarray(0, 100), 0);
  octalField(h, 100, 8, 0o644);
  octalField(h, 108, 8, 0);
  octalField(h, 116, 8, 0);
  octalField(h, 124, 12, size);
  octalField(h, 136, 12, 1704067200);
  h.set(utf8.encode(type), 156);
  h.set(utf8.encode('ustar\0' + '00'), 257);
  h.set(utf8.encode(prefix).subarray(0, 155), 345);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  h.set(utf8.encode(sum.toString(8).padStart(6, '0') + '\0 '), 148);
  return h;
}

const padded = (data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
};

export interface TarOptions {
  /** Write names longer than 100 bytes as pax `path` records (else the ustar prefix field). */
  pax?: boolean;
  /** Entries whose pax `path` record names them otherwise than their header does (the record wins). */
  paxPaths?: Record<string, string>;
}

function paxHeader(pathValue: string): Uint8Array[] {
  const body = utf8.encode(` path=${pathValue}\n`);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  const record = new Uint8Array(len);
  record.set(utf8.encode(String(len)));
  record.set(body, String(len).length);
  return [tarHeader('PaxHeader', record.length, 'x'), padded(record)];
}

/** An uncompressed POSIX tar archive of `entries`; names over 100 bytes use a pax header or the prefix field. */
export function tarBytes(entries: Entries, opts: TarOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, content] of Object.entries(entries)) {
    const data = bytesOf(content);
    const nameBytes = utf8.encode(name);
    const paxPath = opts.paxPaths?.[name];
    if (paxPath !== undefined) {
      parts.push(...paxHeader(paxPath), tarHeader(name, data.length, '0'));
    } else if (nameBytes.length > 100 && opts.pax) {
      parts.push(...paxHeader(name), tarHeader(name.slice(0, 100), data.length, '0'));
    } else if (nameBytes.length > 100) {
      const cut = name.lastIndexOf('/', 155);
      parts.push(tarHeader(name.slice(cut + 1), data.length, '0', name.slice(0, cut)));
    } else {
      parts.push(tarHeader(name, data.length, '0'));
    }
    parts.push(padded(data));
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function tarGzBytes(entries: Entries, opts: TarOptions = {}): Uint8Array {
  return gzipSync(tarBytes(entries, opts), { level: 6, mtime: 0 });
}

function write(dir: string, fileName: string, bytes: Uint8Array): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, fileName);
  fs.writeFileSync(file, bytes);
  return file;
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface MakeOptions {
  /** The file's name in `dir`; by default the one the protocol's own tools give it. */
  fileName?: string;
}

export interface NupkgOptions extends MakeOptions {
  /** The whole .nuspec text, instead of one made from id and version. */
  nuspec?: string;
  /** `.snupkg`: a symbol package. */
  symbols?: boolean;
}

export function nuspecText(id: string, version: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n' +
    '<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">\n' +
    '  <metadata>\n' +
    `    <id>${escapeXml(id)}</id>\n` +
    `    <version>${escapeXml(version)}</version>\n` +
    '    <authors>Contoso</authors>\n' +
    '    <description>A test package.</description>\n' +
    '  </metadata>\n' +
    '</package>\n'
  );
}

/** A NuGet package: `<id>.nuspec` at the root, with the parts an OPC package has. */
export function makeNupkg(dir: string, id: string, version: string, opts: NupkgOptions = {}): string {
  const bytes = zipBytes({
    '_rels/.rels': '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships" />',
    '[Content_Types].xml': '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types" />',
    [`${id}.nuspec`]: opts.nuspec ?? nuspecText(id, version),
    [`lib/net8.0/${id}.${opts.symbols ? 'pdb' : 'dll'}`]: new Uint8Array([0x4d, 0x5a, 0, 0]),
  });
  return write(dir, opts.fileName ?? `${id}.${version}.${opts.symbols ? 'snupkg' : 'nupkg'}`, bytes);
}

export interface NpmTgzOptions extends MakeOptions {
  /** The tarball's top folder; npm's own is `package`. */
  topFolder?: string;
  /** The whole package.json text; `null` leaves it out. */
  packageJson?: string | null;
}

/** The file name `npm pack` gives: `@scope/name` becomes `scope-name`. */
export const npmTgzName = (name: string, version: string): string => `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;

export function makeNpmTgz(dir: string, name: string, version: string, opts: NpmTgzOptions = {}): string {
  const top = opts.topFolder ?? 'package';
  const entries: Entries = { [`${top}/README.md`]: `# ${name}\n` };
  if (opts.packageJson !== null) {
    entries[`${top}/package.json`] = opts.packageJson ?? JSON.stringify({ name, version, description: 'A test package.' }, null, 2);
  }
  entries[`${top}/index.js`] = 'module.exports = 1;\n';
  return write(dir, opts.fileName ?? npmTgzName(name, version), tarGzBytes(entries));
}

export interface PypiOptions extends MakeOptions {
  /** The whole METADATA / PKG-INFO text. */
  metadata?: string;
}

export const pypiMetadataText = (name: string, version: string): string =>
  `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: A test package.\n\nLong description.\nName: not-this\n`;

/** The file-name form of a distribution name (wheel and sdist names): runs of -_. become `_`. */
const distName = (name: string): string => name.replace(/[-_.]+/g, '_').toLowerCase();

export function makeWheel(dir: string, name: string, version: string, opts: PypiOptions = {}): string {
  const info = `${distName(name)}-${version}.dist-info`;
  const bytes = zipBytes({
    [`${distName(name)}/__init__.py`]: '',
    [`${info}/METADATA`]: opts.metadata ?? pypiMetadataText(name, version),
    [`${info}/WHEEL`]: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    [`${info}/RECORD`]: '',
  });
  return write(dir, opts.fileName ?? `${distName(name)}-${version}-py3-none-any.whl`, bytes);
}

export interface SdistOptions extends PypiOptions {
  /** `zip` for the old zip form of a source distribution. */
  format?: 'tar.gz' | 'zip';
}

export function makeSdist(dir: string, name: string, version: string, opts: SdistOptions = {}): string {
  const top = `${distName(name)}-${version}`;
  const entries: Entries = {
    [`${top}/pyproject.toml`]: `[project]\nname = "${name}"\nversion = "${version}"\n`,
    [`${top}/src/${distName(name)}.egg-info/PKG-INFO`]: pypiMetadataText('not-this', '0.0.1'),
    [`${top}/PKG-INFO`]: opts.metadata ?? pypiMetadataText(name, version),
  };
  const zip = opts.format === 'zip';
  const bytes = zip ? zipBytes(entries) : tarGzBytes(entries);
  return write(dir, opts.fileName ?? `${top}.${zip ? 'zip' : 'tar.gz'}`, bytes);
}

export interface CrateOptions extends MakeOptions {
  /** The whole Cargo.toml text. */
  cargoToml?: string;
}

export const cargoTomlText = (name: string, version: string): string =>
  `[package]\nedition = "2021"\nname = "${name}"\nversion = "${version}"\ndescription = "A test crate."\n\n[dependencies]\n`;

export function makeCrate(dir: string, name: string, version: string, opts: CrateOptions = {}): string {
  const top = `${name}-${version}`;
  const bytes = tarGzBytes({
    [`${top}/Cargo.toml.orig`]: cargoTomlText('not-this', '0.0.1'),
    [`${top}/Cargo.toml`]: opts.cargoToml ?? cargoTomlText(name, version),
    [`${top}/src/lib.rs`]: '',
  });
  return write(dir, opts.fileName ?? `${top}.crate`, bytes);
}

export interface PomOptions extends MakeOptions {
  /** A `<parent>` element; with it, `groupId` or `version` given as undefined are inherited. */
  parent?: { groupId: string; artifactId: string; version: string };
  /** The whole pom text. */
  pom?: string;
}

export function pomText(groupId: string | undefined, artifactId: string, version: string | undefined, parent?: PomOptions['parent']): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n' +
    '  <modelVersion>4.0.0</modelVersion>\n' +
    (parent
      ? `  <parent>\n    <groupId>${parent.groupId}</groupId>\n    <artifactId>${parent.artifactId}</artifactId>\n    <version>${parent.version}</version>\n  </parent>\n`
      : '') +
    (groupId ? `  <groupId>${groupId}</groupId>\n` : '') +
    `  <artifactId>${artifactId}</artifactId>\n` +
    (version ? `  <version>${version}</version>\n` : '') +
    '  <dependencies>\n    <dependency><groupId>org.other</groupId><artifactId>not-this</artifactId><version>9.9</version></dependency>\n  </dependencies>\n' +
    '</project>\n'
  );
}

/** A Maven pom; `groupId` or `version` undefined are left for the parent to give. */
export function makePom(dir: string, groupId: string | undefined, artifactId: string, version: string | undefined, opts: PomOptions = {}): string {
  const text = opts.pom ?? pomText(groupId, artifactId, version, opts.parent);
  const v = version ?? opts.parent?.version ?? 'unknown';
  return write(dir, opts.fileName ?? `${artifactId}-${v}.pom`, utf8.encode(text));
}

/** A Maven jar holding its pom under META-INF/maven/. */
export function makeJar(dir: string, groupId: string, artifactId: string, version: string, opts: MakeOptions = {}): string {
  const bytes = zipBytes({
    'META-INF/MANIFEST.MF': 'Manifest-Version: 1.0\n',
    [`META-INF/maven/${groupId}/${artifactId}/pom.xml`]: pomText(groupId, artifactId, version),
    [`META-INF/maven/${groupId}/${artifactId}/pom.properties`]: `groupId=${groupId}\nartifactId=${artifactId}\nversion=${version}\n`,
    'com/contoso/Main.class': new Uint8Array([0xca, 0xfe, 0xba, 0xbe]),
  });
  return write(dir, opts.fileName ?? `${artifactId}-${version}.jar`, bytes);
}

/** A fresh temporary folder; pair with `removeTempDir` in an `afterEach`. */
export function makeTempDir(what = 'files'): string {
  return makeTemp(what);
}

export function removeTempDir(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
