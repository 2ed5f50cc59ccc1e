/**
 * NuGet versioning: 1 to 4 numeric parts, SemVer 2 (and legacy) pre-release labels, build metadata,
 * interval ranges and floating (wildcard) versions. Written from NuGet's published versioning rules.
 */
import { VersionRule, VersionSelectorError } from './types';

const MAX_PART = 2147483647; // NuGet version parts are 32-bit signed integers

const IDENT = '[0-9A-Za-z-]+';
const VERSION_RE = new RegExp(
  `^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:\\.(\\d+))?` +
    `(?:-(${IDENT}(?:\\.${IDENT})*))?` +
    `(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);

interface Parsed {
  /** Always four numbers; missing parts are 0. */
  parts: [number, number, number, number];
  /** Pre-release identifiers as written; empty for a stable version. */
  labels: string[];
}

function parse(v: string): Parsed | null {
  const m = VERSION_RE.exec(v);
  if (!m) return null;
  const nums = [m[1], m[2], m[3], m[4]].map((p) => (p === undefined ? 0 : Number(p)));
  if (nums.some((n) => !Number.isSafeInteger(n) || n > MAX_PART)) return null;
  return { parts: nums as Parsed['parts'], labels: m[5] === undefined ? [] : m[5].split('.') };
}

const isNumeric = (s: string): boolean => /^\d+$/.test(s);

function compareNumericStrings(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One label identifier: numbers numerically and before words; words case-insensitively. */
function compareIdentifier(a: string, b: string): number {
  const an = isNumeric(a);
  const bn = isNumeric(b);
  if (an && bn) return compareNumericStrings(a, b);
  if (an) return -1;
  if (bn) return 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareParsed(a: Parsed, b: Parsed): number {
  for (let i = 0; i < 4; i++) {
    if (a.parts[i] !== b.parts[i]) return a.parts[i] - b.parts[i];
  }
  // A stable version is higher than any pre-release of the same numbers.
  if (a.labels.length === 0 || b.labels.length === 0) return b.labels.length - a.labels.length;
  const n = Math.min(a.labels.length, b.labels.length);
  for (let i = 0; i < n; i++) {
    const c = compareIdentifier(a.labels[i], b.labels[i]);
    if (c !== 0) return c;
  }
  return a.labels.length - b.labels.length;
}

function normalizeParsed(p: Parsed): string {
  const [a, b, c, d] = p.parts;
  let s = `${a}.${b}.${c}${d !== 0 ? `.${d}` : ''}`;
  if (p.labels.length > 0) {
    s += '-' + p.labels.map((l) => (isNumeric(l) ? l.replace(/^0+(?=\d)/, '') : l.toLowerCase())).join('.');
  }
  return s;
}

function isValid(v: string): boolean {
  return parse(v) !== null;
}

function compare(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (pa && pb) return compareParsed(pa, pb);
  if (pa) return 1;
  if (pb) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Predicate = (v: string) => boolean;

function bound(text: string, selector: string): Parsed | null {
  const t = text.trim();
  if (t === '') return null;
  const p = parse(t);
  if (!p) throw new VersionSelectorError(selector, `"${t}" is not a NuGet version`);
  return p;
}

/** Interval notation: `[1.0,2.0)`, `(1.0,)`, `(,2.0]`, `[1.0]`. */
function parseInterval(selector: string): Predicate {
  const open = selector[0];
  const close = selector[selector.length - 1];
  if (selector.length < 2 || (close !== ']' && close !== ')')) {
    throw new VersionSelectorError(selector, 'an interval must end with ] or )');
  }
  const inner = selector.slice(1, -1);
  if (/[[\]()]/.test(inner)) throw new VersionSelectorError(selector, 'NuGet ranges are a single interval');
  const pieces = inner.split(',');
  if (pieces.length > 2) throw new VersionSelectorError(selector, 'an interval has at most two bounds');
  if (pieces.length === 1) {
    if (open !== '[' || close !== ']') {
      throw new VersionSelectorError(selector, 'a single version must be written [1.0] (both ends inclusive)');
    }
    const exact = bound(pieces[0], selector);
    if (!exact) throw new VersionSelectorError(selector, 'the interval is empty');
    return (v) => {
      const p = parse(v);
      return p !== null && compareParsed(p, exact) === 0;
    };
  }
  const min = bound(pieces[0], selector);
  const max = bound(pieces[1], selector);
  const minInclusive = open === '[';
  const maxInclusive = close === ']';
  if (min && max) {
    const c = compareParsed(min, max);
    if (c > 0) throw new VersionSelectorError(selector, 'the lower bound is above the upper bound');
    if (c === 0 && !(minInclusive && maxInclusive)) {
      throw new VersionSelectorError(selector, 'no version can fall inside this interval');
    }
  }
  return (v) => {
    const p = parse(v);
    if (!p) return false;
    if (min) {
      const c = compareParsed(p, min);
      if (minInclusive ? c < 0 : c <= 0) return false;
    }
    if (max) {
      const c = compareParsed(p, max);
      if (maxInclusive ? c > 0 : c >= 0) return false;
    }
    return true;
  };
}

/**
 * Floating versions as wildcards: `*`, `1.*`, `1.4.*`, `1.2.3.*`, `1.4.0-*`, `1.4.0-beta*`,
 * `1.4.*-*`, `*-*`. The numeric part either floats after a fixed prefix or is one exact version;
 * a `-label*` part admits pre-releases whose label starts with that text and, as NuGet's own
 * floating rules do, the stable version with the same numbers.
 */
function parseFloating(selector: string): Predicate {
  const dash = selector.indexOf('-');
  const numPart = dash < 0 ? selector : selector.slice(0, dash);
  const labelPart = dash < 0 ? undefined : selector.slice(dash + 1);

  let numbersMatch: (p: Parsed) => boolean;
  let numericFloats: boolean;
  if (numPart === '*') {
    numbersMatch = () => true;
    numericFloats = true;
  } else if (/^\d+(?:\.\d+){0,2}\.\*$/.test(numPart)) {
    const fixed = numPart.slice(0, -2).split('.').map(Number);
    if (fixed.some((n) => n > MAX_PART)) throw new VersionSelectorError(selector, 'a version part is too large');
    numbersMatch = (p) => fixed.every((n, i) => p.parts[i] === n);
    numericFloats = true;
  } else if (/^\d+(?:\.\d+){0,3}$/.test(numPart)) {
    const exact = parse(numPart);
    if (!exact) throw new VersionSelectorError(selector, 'a version part is too large');
    numbersMatch = (p) => p.parts.every((n, i) => n === exact.parts[i]);
    numericFloats = false;
  } else {
    throw new VersionSelectorError(selector, 'a wildcard stands for whole trailing parts, as in 1.4.* or 1.4.0-*');
  }

  if (labelPart === undefined) {
    if (!numericFloats) throw new VersionSelectorError(selector, 'nothing floats');
    return (v) => {
      const p = parse(v);
      return p !== null && numbersMatch(p);
    };
  }
  if (!labelPart.endsWith('*') || labelPart.indexOf('*') !== labelPart.length - 1) {
    throw new VersionSelectorError(selector, 'a floating pre-release label ends with a single *, as in 1.4.0-beta*');
  }
  const prefix = labelPart.slice(0, -1).toLowerCase();
  if (!/^[0-9a-z.-]*$/.test(prefix)) {
    throw new VersionSelectorError(selector, 'a pre-release label holds only letters, digits, - and .');
  }
  return (v) => {
    const p = parse(v);
    if (!p || !numbersMatch(p)) return false;
    return p.labels.length === 0 || p.labels.join('.').toLowerCase().startsWith(prefix);
  };
}

/**
 * Ranges: interval notation and floating versions. A bare valid version (`1.0`) is not a range
 * here and gives null (NuGet itself would read it as "1.0 or higher"; the engine treats it as
 * exact). Anything else that is neither a version nor a range also gives null.
 */
function parseRange(selector: string): Predicate | null {
  const s = selector.trim();
  if (s === '' || isValid(s)) return null;
  if (s[0] === '[' || s[0] === '(') return parseInterval(s);
  if (s.includes('*')) return parseFloating(s);
  if (/[[\]()<>=^~|,\s]/.test(s)) {
    throw new VersionSelectorError(s, 'not a NuGet range: write an interval such as [1.0,2.0) or a wildcard such as 1.4.*');
  }
  return null;
}

export const nugetRule: VersionRule = {
  name: 'NuGet',
  isValid,
  normalize(v: string): string {
    const p = parse(v);
    return p ? normalizeParsed(p) : v;
  },
  compare,
  isPrerelease(v: string): boolean {
    const p = parse(v);
    return p !== null && p.labels.length > 0;
  },
  parseRange,
};
