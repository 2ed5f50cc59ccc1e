/**
 * Name and version of a package file, read from inside it (never from its file name):
 * NuGet `.nupkg` (the `.nuspec`), npm `.tgz` (`package.json`), PyPI wheel (`METADATA`) and sdist
 * (`PKG-INFO`), Cargo `.crate` (`Cargo.toml`), Maven `.pom` (or the pom inside a `.jar`).
 * Pure: takes the file's bytes; finding and reading files is the adapters' part (find.ts).
 */
import { parseXml, XmlElement } from '@rgrove/parse-xml';
import { unzipSync } from 'fflate';
import * as semver from 'semver';
import { parse as parseToml } from 'smol-toml';
import { pep503 } from '../protocols/names';
import { cargoRule, nugetRule, pep440Rule } from '../versions';
import { ArchiveError, readTarGz } from './tar';

export type PackageFileProtocol = 'nuget' | 'npm' | 'pypi' | 'maven' | 'cargo';

export type PackageFileResult =
  | { kind: 'package'; protocol: PackageFileProtocol; name: string; version: string }
  /** A file that belongs with packages but is not one to act on (symbol packages). */
  | { kind: 'skipped'; reason: string }
  /** Damaged, foreign or unreadable; `protocol` when the file name says which kind it claims to be. */
  | { kind: 'error'; reason: string; protocol?: PackageFileProtocol };

/** The largest metadata entry read from an archive (a nuspec, METADATA, package.json, ...). */
export const MAX_METADATA_BYTES = 10 * 1024 * 1024;
/** The most a tarball is unpacked while looking for its metadata. */
export const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;

type Format =
  | 'nupkg' | 'npm-tgz' | 'sdist-tgz' | 'sdist-zip' | 'wheel' | 'crate' | 'pom' | 'jar';

interface Kind {
  protocol: PackageFileProtocol;
  format: Format;
}

/** File name endings this module reads, lower case, longest first where one ends another. */
const KINDS: [string, Kind | string][] = [
  ['.snupkg', 'a NuGet symbol package'],
  ['.symbols.nupkg', 'a NuGet symbol package'],
  ['.nupkg', { protocol: 'nuget', format: 'nupkg' }],
  ['.tgz', { protocol: 'npm', format: 'npm-tgz' }],
  ['.whl', { protocol: 'pypi', format: 'wheel' }],
  ['.tar.gz', { protocol: 'pypi', format: 'sdist-tgz' }],
  ['.zip', { protocol: 'pypi', format: 'sdist-zip' }],
  ['.crate', { protocol: 'cargo', format: 'crate' }],
  ['.pom', { protocol: 'maven', format: 'pom' }],
  ['-sources.jar', 'a Maven sources jar, which goes with its package'],
  ['-javadoc.jar', 'a Maven javadoc jar, which goes with its package'],
  ['.jar', { protocol: 'maven', format: 'jar' }],
];

/** The file name endings `readPackageFile` takes, for messages. */
export const PACKAGE_FILE_ENDINGS = ['.nupkg', '.tgz', '.whl', '.tar.gz', '.zip', '.crate', '.pom', '.jar'];

/**
 * What a file's name says it is: the protocol it claims, a reason to skip it, or undefined for
 * a name this module does not read. The content still decides the name and version.
 */
export function packageFileKind(fileName: string): { protocol: PackageFileProtocol } | { skipped: string } | undefined {
  const kind = kindOf(fileName);
  if (kind === undefined) return undefined;
  return typeof kind === 'string' ? { skipped: kind } : { protocol: kind.protocol };
}

function kindOf(fileName: string): Kind | string | undefined {
  const base = fileName.replace(/^.*[\\/]/, '').toLowerCase();
  return KINDS.find(([ending]) => base.endsWith(ending) && base.length > ending.length)?.[1];
}

class Unreadable extends Error {}

const fail = (reason: string): never => {
  throw new Unreadable(reason);
};

/** Reads the name and version of one package file from its content. Never rejects. */
export async function readPackageFile(fileName: string, bytes: Uint8Array): Promise<PackageFileResult> {
  const kind = kindOf(fileName);
  if (kind === undefined) {
    return { kind: 'error', reason: `it is not a package file this task reads (${PACKAGE_FILE_ENDINGS.join(', ')})` };
  }
  if (typeof kind === 'string') return { kind: 'skipped', reason: `it is ${kind}` };
  try {
    const { protocol, name, version } = await readKind(kind.format, bytes);
    return { kind: 'package', protocol, name, version };
  } catch (e) {
    if (e instanceof Unreadable || e instanceof ArchiveError) {
      return { kind: 'error', reason: e.message, protocol: kind.protocol };
    }
    return { kind: 'error', reason: `it could not be read (${e instanceof Error ? e.message : String(e)})`, protocol: kind.protocol };
  }
}

interface Found {
  protocol: PackageFileProtocol;
  name: string;
  version: string;
}

async function readKind(format: Format, bytes: Uint8Array): Promise<Found> {
  switch (format) {
    case 'nupkg':
      return nuspec(zipEntry(bytes, (p) => !p.includes('/') && p.toLowerCase().endsWith('.nuspec'), '.nuspec file at its root'));
    case 'npm-tgz':
    case 'sdist-tgz':
      return tarball(bytes, format === 'npm-tgz' ? 'npm' : 'pypi');
    case 'wheel':
      return pypiMetadata(zipEntry(bytes, (p) => /^[^/]+\.dist-info\/METADATA$/.test(p), '.dist-info/METADATA file'), 'METADATA');
    case 'sdist-zip':
      return pypiMetadata(zipEntry(bytes, (p) => /^[^/]+\/PKG-INFO$/.test(p), 'PKG-INFO file in its top folder'), 'PKG-INFO');
    case 'crate':
      return cargoToml(await tarEntry(bytes, (p) => /^[^/]+\/Cargo\.toml$/.test(p), 'Cargo.toml file in its top folder'));
    case 'pom':
      return pom(bytes);
    case 'jar':
      return pom(zipEntry(bytes, (p) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.xml$/.test(p), 'META-INF/maven pom.xml (give the .pom file instead)'));
  }
}

// ---------------------------------------------------------------- archives

/** The one entry of a zip that `pick` accepts, decompressed. */
function zipEntry(bytes: Uint8Array, pick: (path: string) => boolean, what: string): Uint8Array {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) fail('it is not a zip archive');
  const names: string[] = [];
  let tooLarge: string | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (!pick(f.name)) return false;
        names.push(f.name);
        if (f.originalSize > MAX_METADATA_BYTES || f.size > MAX_METADATA_BYTES) {
          tooLarge = f.name;
          return false;
        }
        return names.length === 1;
      },
    });
  } catch {
    return fail('it is not a readable zip archive (damaged or truncated)');
  }
  if (names.length === 0) fail(`it holds no ${what}`);
  if (names.length > 1) fail(`it holds more than one ${what}: ${names.slice(0, 3).join(', ')}`);
  if (tooLarge) fail(`${tooLarge} is larger than ${MAX_METADATA_BYTES} bytes`);
  const data = files[names[0]];
  if (!data) fail(`${names[0]} could not be unpacked`);
  return data;
}

async function tarEntry(bytes: Uint8Array, pick: (path: string) => boolean, what: string): Promise<Uint8Array> {
  const found = await readTarGz(bytes, pick, (f) => f.size > 0, { maxEntry: MAX_METADATA_BYTES, maxTotal: MAX_UNPACKED_BYTES });
  const first = found.values().next();
  if (first.done) fail(`it holds no ${what}`);
  return first.value as Uint8Array;
}

/**
 * npm tarball or PyPI sdist. npm takes any single top folder (usually `package/`); an sdist has
 * `<name>-<version>/PKG-INFO`. The file name's ending says which is looked for first; a tarball
 * that turns out to be the other kind is reported as that kind, for the caller to compare.
 */
async function tarball(bytes: Uint8Array, prefer: 'npm' | 'pypi'): Promise<Found> {
  const npmPath = /^[^/]+\/package\.json$/;
  const pypiPath = /^[^/]+\/PKG-INFO$/;
  const found = await readTarGz(
    bytes,
    (p) => npmPath.test(p) || pypiPath.test(p),
    (f) => (prefer === 'npm' ? f.has('package/package.json') : [...f.keys()].some((p) => pypiPath.test(p))),
    { maxEntry: MAX_METADATA_BYTES, maxTotal: MAX_UNPACKED_BYTES },
  );
  const paths = [...found.keys()];
  const npm = found.get('package/package.json') ?? found.get(paths.find((p) => npmPath.test(p)) ?? '');
  const pypi = found.get(paths.find((p) => pypiPath.test(p)) ?? '');
  const order = prefer === 'npm' ? [npm && 'npm', pypi && 'pypi'] : [pypi && 'pypi', npm && 'npm'];
  const kind = order.find((k) => k);
  if (kind === 'npm') return packageJson(npm!);
  if (kind === 'pypi') return pypiMetadata(pypi!, 'PKG-INFO');
  return fail(prefer === 'npm' ? 'it holds no package.json in its top folder' : 'it holds no PKG-INFO file in its top folder');
}

// ---------------------------------------------------------------- text

function text(bytes: Uint8Array, what: string): string {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes);
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(`its ${what} is not valid text`);
  }
}

function xml(bytes: Uint8Array, what: string): XmlElement {
  try {
    const doc = parseXml(text(bytes, what));
    const root = doc.root;
    if (!root) return fail(`its ${what} has no root element`);
    return root;
  } catch (e) {
    if (e instanceof Unreadable) throw e;
    return fail(`its ${what} is not well-formed XML`);
  }
}

const localName = (e: XmlElement): string => e.name.replace(/^.*:/, '');

function child(parent: XmlElement | undefined, name: string): XmlElement | undefined {
  return parent?.children.find((c): c is XmlElement => c instanceof XmlElement && localName(c) === name);
}

function childText(parent: XmlElement | undefined, name: string): string | undefined {
  const c = child(parent, name);
  if (!c) return undefined;
  const t = c.text.trim();
  return t === '' ? undefined : t;
}

// ---------------------------------------------------------------- formats

function nuspec(bytes: Uint8Array): Found {
  const root = xml(bytes, '.nuspec');
  if (localName(root) !== 'package') fail('its .nuspec is not a NuGet package manifest');
  const metadata = child(root, 'metadata');
  const id = childText(metadata, 'id');
  const version = childText(metadata, 'version');
  if (!id) fail('its .nuspec has no id');
  if (!version) fail('its .nuspec has no version');
  if (!nugetRule.isValid(version!)) fail(`its .nuspec version "${version}" is not a NuGet version`);
  return { protocol: 'nuget', name: id!, version: nugetRule.normalize(version!) };
}

function packageJson(bytes: Uint8Array): Found {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text(bytes, 'package.json'));
  } catch (e) {
    if (e instanceof Unreadable) throw e;
    return fail('its package.json is not valid JSON');
  }
  const m = (manifest ?? {}) as { name?: unknown; version?: unknown };
  if (typeof m.name !== 'string' || m.name.trim() === '') fail('its package.json has no name');
  if (typeof m.version !== 'string' || m.version.trim() === '') fail('its package.json has no version');
  // npm publishes the cleaned version: no leading "v" or "=", no build metadata.
  const version = semver.clean(m.version as string);
  if (!version) fail(`its package.json version "${m.version}" is not a SemVer version`);
  return { protocol: 'npm', name: (m.name as string).trim(), version: version! };
}

/** The header fields of an email-style metadata file, up to the first blank line. */
function headers(content: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of content.split(/\r?\n/)) {
    if (line.trim() === '') break;
    if (/^[ \t]/.test(line)) {
      if (last) out.set(last, `${out.get(last)}\n${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(last)) out.set(last, line.slice(colon + 1).trim());
    else last = undefined;
  }
  return out;
}

function pypiMetadata(bytes: Uint8Array, what: 'METADATA' | 'PKG-INFO'): Found {
  const h = headers(text(bytes, what));
  const name = h.get('name');
  const version = h.get('version');
  if (!name) fail(`its ${what} has no Name`);
  if (!version) fail(`its ${what} has no Version`);
  if (!pep440Rule.isValid(version!)) fail(`its ${what} version "${version}" is not a PEP 440 version`);
  return { protocol: 'pypi', name: pep503(name!), version: pep440Rule.normalize(version!) };
}

function cargoToml(bytes: Uint8Array): Found {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text(bytes, 'Cargo.toml')) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof Unreadable) throw e;
    return fail('its Cargo.toml is not valid TOML');
  }
  const pkg = doc['package'] as Record<string, unknown> | undefined;
  if (!pkg || typeof pkg !== 'object') return fail('its Cargo.toml has no [package] table');
  const { name, version } = pkg;
  if (typeof name !== 'string' || name === '') fail('its Cargo.toml has no package name');
  if (version !== null && typeof version === 'object') {
    fail('its Cargo.toml takes its version from a workspace, which a published crate cannot');
  }
  if (typeof version !== 'string' || version === '') fail('its Cargo.toml has no package version');
  if (!cargoRule.isValid(version as string)) fail(`its Cargo.toml version "${version}" is not a SemVer version`);
  return { protocol: 'cargo', name: name as string, version: version as string };
}

function pom(bytes: Uint8Array): Found {
  const project = xml(bytes, 'pom');
  if (localName(project) !== 'project') fail('it is not a Maven pom (no <project>)');
  const parent = child(project, 'parent');
  const groupId = childText(project, 'groupId') ?? childText(parent, 'groupId');
  const artifactId = childText(project, 'artifactId');
  const version = childText(project, 'version') ?? childText(parent, 'version');
  if (!groupId) fail('its pom has no groupId, nor a parent that gives one');
  if (!artifactId) fail('its pom has no artifactId');
  if (!version) fail('its pom has no version, nor a parent that gives one');
  for (const [what, value] of [['groupId', groupId], ['artifactId', artifactId], ['version', version]]) {
    if (value!.includes('${')) fail(`its pom ${what} "${value}" is an unresolved property`);
  }
  return { protocol: 'maven', name: `${groupId}:${artifactId}`, version: version! };
}
