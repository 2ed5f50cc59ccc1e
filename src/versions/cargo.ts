/**
 * Cargo: versions and requirements (`VersionReq`) as the Rust `semver` crate reads and matches
 * them, checked against its own tests (tests/data/upstream/cargo). One deliberate difference:
 * the crate admits a pre-release only when a comparator names its own major.minor.patch with a
 * pre-release; here that requirement-level gate is left out, since the task's `prerelease` input
 * is the one switch for pre-releases. Each comparator keeps its own rules.
 */
import { VersionRule, VersionSelectorError } from './types';
import { memo } from './memo';
import { validFirst } from './order';

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Dot-separated identifiers; '' for a release. */
  pre: string;
  build: string;
}

type Op = '=' | '>' | '>=' | '<' | '<=' | '~' | '^' | '*';

interface Comparator {
  op: Op;
  major: bigint;
  minor: bigint | null;
  patch: bigint | null;
  pre: string;
}

class ParseError extends Error {}

const U64_MAX = (1n << 64n) - 1n;
const MAX_COMPARATORS = 32;

/** A cursor over the text, with the crate's small parsers. */
class Reader {
  constructor(public rest: string) {}

  skipSpaces(): void {
    this.rest = this.rest.replace(/^ +/, '');
  }

  take(prefix: string): boolean {
    if (!this.rest.startsWith(prefix)) return false;
    this.rest = this.rest.slice(prefix.length);
    return true;
  }

  wildcard(): boolean {
    return this.take('*') || this.take('x') || this.take('X');
  }

  number(): bigint {
    const digits = /^\d+/.exec(this.rest)?.[0];
    if (!digits) throw new ParseError(this.rest === '' ? 'unexpected end of input' : `unexpected character ${JSON.stringify(this.rest[0])}`);
    if (digits.length > 1 && digits[0] === '0') throw new ParseError('invalid leading zero');
    const value = BigInt(digits);
    if (value > U64_MAX) throw new ParseError('value exceeds u64::MAX');
    this.rest = this.rest.slice(digits.length);
    return value;
  }

  /** Pre-release or build identifiers; '' when there are none. */
  identifiers(pre: boolean): string {
    const m = /^[0-9A-Za-z-]*(?:\.[0-9A-Za-z-]*)*/.exec(this.rest)![0];
    if (m === '') return '';
    const parts = m.split('.');
    if (parts.some((p) => p === '')) throw new ParseError('empty identifier segment');
    if (pre && parts.some((p) => /^0\d+$/.test(p))) throw new ParseError('invalid leading zero in pre-release identifier');
    this.rest = this.rest.slice(m.length);
    return m;
  }

  /** `-pre` and `+build` after a full version. */
  suffixes(): [string, string] {
    let pre = '';
    let build = '';
    if (this.take('-')) {
      pre = this.identifiers(true);
      if (pre === '') throw new ParseError('empty identifier segment in pre-release identifier');
    }
    if (this.take('+')) {
      build = this.identifiers(false);
      if (build === '') throw new ParseError('empty identifier segment in build metadata');
    }
    return [pre, build];
  }
}

/** Each text parsed once: sorting compares the same versions many times. */
const parseVersion = memo(parseVersionText);

function parseVersionText(text: string): Version | null {
  try {
    const r = new Reader(text);
    const major = r.number();
    if (!r.take('.')) return null;
    const minor = r.number();
    if (!r.take('.')) return null;
    const patch = r.number();
    const [pre, build] = r.suffixes();
    return r.rest === '' ? { major, minor, patch, pre, build } : null;
  } catch (e) {
    if (e instanceof ParseError) return null;
    throw e;
  }
}

function comparator(r: Reader): Comparator {
  const op = (['>=', '<=', '=', '>', '<', '~', '^'] as const).find((o) => r.take(o));
  let result: Op = op ?? '^';
  r.skipSpaces();
  const major = r.number();
  let minor: bigint | null = null;
  let patch: bigint | null = null;
  let pre = '';
  if (r.take('.')) {
    if (r.wildcard()) {
      if (!op) result = '*';
      if (r.take('.')) {
        if (!r.wildcard()) throw new ParseError('unexpected character after wildcard in version req');
      }
    } else {
      minor = r.number();
      if (r.take('.')) {
        if (r.wildcard()) {
          if (!op) result = '*';
        } else {
          patch = r.number();
          pre = r.suffixes()[0];
        }
      }
    }
  }
  r.skipSpaces();
  return { op: result, major, minor, patch, pre };
}

/** A requirement: comparators separated by commas, or a lone `*`; [] means every version. */
function parseReq(text: string): Comparator[] {
  const r = new Reader(text);
  r.skipSpaces();
  if (r.wildcard()) {
    r.skipSpaces();
    if (r.rest === '') return [];
    throw new ParseError(r.rest.startsWith(',') ? 'wildcard req (*) must be the only comparator in the version req' : 'unexpected character after wildcard in version req');
  }
  const out: Comparator[] = [];
  for (;;) {
    const start = r.rest;
    try {
      out.push(comparator(r));
    } catch (e) {
      if (e instanceof ParseError && /^[*xX] *(,|$)/.test(start)) {
        throw new ParseError('wildcard req (*) must be the only comparator in the version req');
      }
      throw e;
    }
    if (r.rest === '') return out;
    if (!r.take(',')) throw new ParseError(`expected comma, found ${JSON.stringify(r.rest[0])}`);
    r.skipSpaces();
    if (out.length === MAX_COMPARATORS) throw new ParseError('excessive number of version comparators');
  }
}

// ---- order

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SemVer pre-release precedence; a release ('') above all its pre-releases. */
function cmpPre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  const as = a.split('.');
  const bs = b.split('.');
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const na = /^\d+$/.test(as[i]);
    const nb = /^\d+$/.test(bs[i]);
    const c =
      na && nb
        ? as[i].length - bs[i].length || (as[i] < bs[i] ? -1 : as[i] > bs[i] ? 1 : 0)
        : na !== nb
          ? na ? -1 : 1
          : as[i] < bs[i] ? -1 : as[i] > bs[i] ? 1 : 0;
    if (c) return c;
  }
  return as.length - bs.length;
}

/** Precedence without build metadata, as Cargo and crates.io treat versions. */
function cmpVersion(a: Version, b: Version): number {
  return cmpBig(a.major, b.major) || cmpBig(a.minor, b.minor) || cmpBig(a.patch, b.patch) || cmpPre(a.pre, b.pre);
}

// ---- matching, comparator by comparator (the crate's rules)

function matchesExact(c: Comparator, v: Version): boolean {
  return v.major === c.major && (c.minor === null || v.minor === c.minor) && (c.patch === null || v.patch === c.patch) && v.pre === c.pre;
}

/** Above (sign 1) or below (sign -1) the comparator's version; a partial version is never passed. */
function beyond(c: Comparator, v: Version, sign: number): boolean {
  if (v.major !== c.major) return cmpBig(v.major, c.major) === sign;
  if (c.minor === null) return false;
  if (v.minor !== c.minor) return cmpBig(v.minor, c.minor) === sign;
  if (c.patch === null) return false;
  if (v.patch !== c.patch) return cmpBig(v.patch, c.patch) === sign;
  return Math.sign(cmpPre(v.pre, c.pre)) === sign;
}

function matchesTilde(c: Comparator, v: Version): boolean {
  if (v.major !== c.major || (c.minor !== null && v.minor !== c.minor)) return false;
  if (c.patch !== null && v.patch !== c.patch) return v.patch > c.patch;
  return cmpPre(v.pre, c.pre) >= 0;
}

function matchesCaret(c: Comparator, v: Version): boolean {
  if (v.major !== c.major) return false;
  if (c.minor === null) return true;
  if (c.patch === null) return c.major > 0n ? v.minor >= c.minor : v.minor === c.minor;
  if (c.major > 0n) {
    if (v.minor !== c.minor) return v.minor > c.minor;
    if (v.patch !== c.patch) return v.patch > c.patch;
  } else if (c.minor > 0n) {
    if (v.minor !== c.minor) return false;
    if (v.patch !== c.patch) return v.patch > c.patch;
  } else if (v.minor !== c.minor || v.patch !== c.patch) {
    return false;
  }
  return cmpPre(v.pre, c.pre) >= 0;
}

function matches(c: Comparator, v: Version): boolean {
  switch (c.op) {
    case '=':
    case '*':
      return matchesExact(c, v);
    case '>':
      return beyond(c, v, 1);
    case '>=':
      return matchesExact(c, v) || beyond(c, v, 1);
    case '<':
      return beyond(c, v, -1);
    case '<=':
      return matchesExact(c, v) || beyond(c, v, -1);
    case '~':
      return matchesTilde(c, v);
    case '^':
      return matchesCaret(c, v);
  }
}

// ---- the rule

function isValid(v: string): boolean {
  return parseVersion(v) !== null;
}

const compare = validFirst(parseVersion, cmpVersion);

function normalize(v: string): string {
  const p = parseVersion(v);
  return p ? `${p.major}.${p.minor}.${p.patch}${p.pre ? `-${p.pre}` : ''}` : v;
}

function isPrerelease(v: string): boolean {
  const p = parseVersion(v);
  return p !== null && p.pre !== '';
}

/** A word such as `latest` is no requirement at all; anything else the crate rejects is malformed. */
const WORD = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Cargo requirements: `^1.2`, `~1.2.3`, `=1.2.3`, `>=1.0, <2.0`, `1.*`, `*`, and bare versions,
 * which are caret requirements (`0.1.0, 0.1.4` is `^0.1.0, ^0.1.4`; a lone `1.2` is `^1.2`). A
 * lone full version gives null: the engine takes it as that exact version.
 */
function parseRange(selector: string): ((v: string) => boolean) | null {
  const s = selector.trim();
  if (s === '' || isValid(s)) return null;
  let req: Comparator[];
  try {
    req = parseReq(s);
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    if (WORD.test(s)) return null;
    throw new VersionSelectorError(s, `not a Cargo version requirement: ${e.message}`);
  }
  return (v) => {
    const p = parseVersion(v);
    return p !== null && req.every((c) => matches(c, p));
  };
}

export const cargoRule: VersionRule = {
  name: 'Cargo (SemVer 2)',
  isValid,
  normalize,
  compare,
  isPrerelease,
  parseRange,
};
