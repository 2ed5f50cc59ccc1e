/**
 * Finding package files on disk (the adapters' side: the engine itself never touches the file system).
 * The pipeline task and the command line both use `findMatch` below, which follows the rules of
 * task-lib's `findMatch` (the agent's own matching; tests/unit/files.test.ts compares the two) with
 * minimatch and writes nothing to stdout.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import minimatch from 'minimatch';
import { PackageFileResult, readPackageFile } from './read';

/** task-lib's `findMatch(defaultRoot, patterns)` has this shape. */
export type FindMatchFn = (defaultRoot: string, patterns: string[]) => string[];

export interface FoundPackageFiles {
  /** The files found, absolute, each once, in order. */
  files: string[];
  /** The include lines (as written) that found no file: each fails like a selector that matches nothing. */
  empty: string[];
}

const isWindows = process.platform === 'win32';

const matchOptions = (): minimatch.IOptions => ({
  dot: true,
  nobrace: true,
  nocase: isWindows,
  nocomment: true,
  nonegate: true,
});

/** Leading `!`s: an odd count excludes; the rest of the line. As task-lib's findMatch reads them. */
export function splitNegation(line: string): { exclude: boolean; pattern: string } {
  let n = 0;
  while (line.charAt(n) === '!') n++;
  return { exclude: n % 2 === 1, pattern: line.slice(n) };
}

/** The lines that mean something: trimmed, neither empty nor `#` comments. */
function patternLines(patterns: string[]): string[] {
  return patterns
    .flatMap((p) => p.split(/\r?\n/))
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.startsWith('#'));
}

/** Makes a directory usable as the literal start of a glob: its glob characters matched as themselves. */
function escapeGlob(dir: string): string {
  return (isWindows ? dir : dir.replace(/\\/g, '\\\\'))
    .replace(/\[(?=[^/]+\])/g, '[[]')
    .replace(/[?*]/g, (c) => `[${c}]`)
    .replace(/([+@!])\(/g, '[$1](');
}

function rooted(root: string, pattern: string): string {
  const p = isWindows ? pattern.replace(/\\/g, '/') : pattern;
  if (path.isAbsolute(p)) return p;
  const r = (isWindows ? root.replace(/\\/g, '/') : root).replace(/\/+$/, '');
  return `${escapeGlob(r)}/${p}`;
}

/** Every path below `start` (itself included), following symbolic links but never round in a circle. */
function walk(start: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (p: string): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return; // vanished, or a broken link
    }
    out.push(p);
    if (!stat.isDirectory()) return;
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      return;
    }
    if (seen.has(real)) return;
    seen.add(real);
    let names: string[];
    try {
      names = fs.readdirSync(p);
    } catch {
      return;
    }
    // Joined as written, not normalised: `..` in a pattern must still match the paths found.
    for (const name of names.sort()) visit(p.endsWith('/') ? p + name : `${p}/${name}`);
  };
  visit(start);
  return out;
}

/**
 * Matching without task-lib, by task-lib's rules: relative patterns are rooted at `defaultRoot`,
 * absolute ones stand as written; `*`, `**`, `?`, `[...]` and extended globs as minimatch reads
 * them, dot files included, no brace expansion, case-insensitive on Windows; a line starting with
 * `!` removes what earlier lines found; `#` starts a comment. Returns files and folders, sorted.
 */
export function findMatch(defaultRoot: string, patterns: string[]): string[] {
  const results = new Map<string, string>();
  const key = (p: string): string => (isWindows ? p.toUpperCase() : p);
  for (const line of patternLines(patterns)) {
    const { exclude, pattern } = splitNegation(line);
    if (pattern === '') continue;
    const full = rooted(defaultRoot, pattern);
    if (exclude) {
      for (const m of minimatch.match([...results.values()], full, matchOptions())) results.delete(key(m));
      continue;
    }
    const mm = new minimatch.Minimatch(full, { ...matchOptions(), nocase: false });
    const segments = mm.set[0] ?? [];
    const literal: string[] = [];
    for (const s of segments) {
      if (typeof s !== 'string') break;
      literal.push(s);
    }
    const allLiteral = literal.length === segments.length;
    let start = literal.join('/');
    if (start === '' && full.startsWith('/')) start = '/';
    if (start === '') continue;
    if (isWindows && /^[A-Za-z]:$/.test(start)) start += '/';
    let found: string[];
    if (allLiteral) {
      found = fs.existsSync(start) ? [start] : [];
    } else {
      found = walk(start);
    }
    const matcher = isWindows ? found.map((f) => f.replace(/\\/g, '/')) : found;
    const matched = new Set(minimatch.match(matcher, full, matchOptions()));
    matcher.forEach((m, i) => {
      if (matched.has(m) || allLiteral) results.set(key(found[i]), found[i]);
    });
  }
  return [...results.values()].sort();
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * A line whose literal start holds `.` or `..` segments (`./out/*.nupkg`, `../drop/*.nupkg`),
 * made absolute and free of them: task-lib's findMatch lists the folder with those segments
 * resolved and then finds that no path matches the pattern as written. Other lines are left as
 * they are.
 */
function resolveDotDot(line: string, root: string): string {
  const { exclude, pattern } = splitNegation(line);
  const p = isWindows ? pattern.replace(/\\/g, '/') : pattern;
  const segments = p.split('/');
  let literal = 0;
  while (literal < segments.length && !/[*?[]|[+@!]\(/.test(segments[literal])) literal++;
  const head = segments.slice(0, literal);
  if (!head.some((s) => s === '.' || s === '..')) return line;
  let start = path.isAbsolute(p) ? path.resolve(head.join('/') || '/') : path.resolve(root, ...head);
  if (isWindows) start = start.replace(/\\/g, '/');
  const rest = segments.slice(literal);
  const full = rest.length === 0 ? escapeGlob(start) : `${escapeGlob(start).replace(/\/+$/, '')}/${rest.join('/')}`;
  return (exclude ? '!' : '') + full;
}

/**
 * The package files that `patterns` (one path or glob a line, relative to `root`) find, and the
 * lines that found none. Each include line is matched with every exclusion (`!`) line, so a line
 * whose files are all excluded counts as finding nothing. Folders that match are not files.
 */
export function findPackageFiles(patterns: string[], root: string, match: FindMatchFn = findMatch): FoundPackageFiles {
  const written = new Map<string, string>();
  const lines = patternLines(patterns).map((l) => {
    const r = resolveDotDot(l, root);
    written.set(r, l);
    return r;
  });
  const exclusions = lines.filter((l) => splitNegation(l).exclude);
  const files: string[] = [];
  const seen = new Set<string>();
  const empty: string[] = [];
  for (const line of lines) {
    if (splitNegation(line).exclude) continue;
    const found = match(root, [line, ...exclusions])
      .map((p) => path.resolve(root, p))
      .filter(isFile);
    if (found.length === 0) empty.push(written.get(line) ?? line);
    for (const f of found) {
      const k = isWindows ? f.toUpperCase() : f;
      if (!seen.has(k)) {
        seen.add(k);
        files.push(f);
      }
    }
  }
  return { files, empty };
}

/** Reads one found file and what it holds; a file that cannot be read is an error result. */
export async function readPackageFileAt(file: string): Promise<PackageFileResult> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'error', reason: `it could not be read${code ? ` (${code})` : ''}` };
  }
  return readPackageFile(file, bytes);
}
