/** Name rules the servers apply when they compare package names, and names as URL path segments. */

export const caseInsensitive = (name: string): string => name.toLowerCase();

/** PEP 503: runs of `-`, `_` and `.` are one `-`, and case does not matter. */
export const pep503 = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase();

/** Cargo treats `-` and `_` alike, and crate names are case-insensitive. */
export const cargoName = (name: string): string => name.replace(/_/g, '-').toLowerCase();

export const exact = (name: string): string => name;

const plainName = /^[A-Za-z0-9*?._~!'()-]+$/;

export function checkPlain(name: string): string | null {
  return plainName.test(name) ? null : 'not a valid package name';
}

export function checkNpm(name: string): string | null {
  const m = /^(@[^/@\s]+\/)?([^/@\s]+)$/.exec(name);
  if (!m) return 'npm names are `name` or `@scope/name`';
  return null;
}

/** `groupId:artifactId`; a glob may also span both (`*`, `com.contoso.*`), since it is matched against the whole name. */
export function checkMaven(name: string): string | null {
  if (/^[^:\s@]+:[^:\s@]+$/.test(name)) return null;
  if (/[*?]/.test(name) && /^[^:\s@]+$/.test(name)) return null;
  return 'Maven packages are written `groupId:artifactId`';
}

/** Splits `@scope/name` into its scope (without `@`) and name; unscoped names have no scope. */
export function npmParts(name: string): { scope?: string; name: string } {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  return m ? { scope: m[1], name: m[2] } : { name };
}

export function mavenParts(name: string): { group: string; artifact: string } {
  const i = name.indexOf(':');
  return { group: name.slice(0, i), artifact: name.slice(i + 1) };
}

/** A segment that is path syntax even percent-encoded: empty, `.` or `..` (any of their spellings). */
export const isPathSyntax = (value: string): boolean => value === '' || /^(\.|%2e){1,2}$/i.test(value);

/** A name that cannot be a path segment, as data: the engine words it (a failure of the input, ../engine/failures). */
export class UnsafeSegment extends Error {
  constructor(readonly what: string, readonly value: string) {
    super(`the ${what} '${value}' is path syntax`);
    this.name = 'UnsafeSegment';
  }
}

/**
 * A name or version as one URL path segment: everything but unreserved characters percent-encoded
 * (`/`, `\\`, `?`, `#`, `%` included), and the names that are path syntax even when encoded (`.`,
 * `..`, empty) refused with an UnsafeSegment, so a request never leaves the organization's URL.
 */
export function segment(value: string, what = 'name'): string {
  if (isPathSyntax(value)) throw new UnsafeSegment(what, value);
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export const enc = (value: string): string => segment(value);

/**
 * For names whose separators vary between spellings (PyPI's `-`, `_`, `.`; Cargo's `-`, `_`): the
 * longest run without a separator, which every spelling contains.
 */
export function longestRun(separators: RegExp): (name: string) => string {
  return (name) => name.split(separators).reduce((a, b) => (b.length > a.length ? b : a), '');
}

/** The name itself: the query is case-insensitive, as the server compares these names. */
export const wholeName = (name: string): string => name;
