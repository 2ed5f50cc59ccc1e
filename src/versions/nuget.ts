/**
 * NuGet versioning as NuGet.Versioning does it: 1 to 4 numeric parts (whitespace around a part is
 * tolerated), SemVer 2 pre-release labels, build metadata, interval ranges and floating ranges.
 * The facts come from NuGet.Client's own test suite (tests/data/upstream/nuget).
 *
 * One reading is the task contract's, not NuGet's: digits written before the star of a floating
 * number are a prefix of that part. `0.9.1*` is 0.9.1, 0.9.10 to 0.9.19, 0.9.100 and so on (never
 * 0.9.2 or 0.9.25); `1.2*` is 1.2.x and 1.20.x to 1.29.x; `1*` is 1.x and 10.x to 19.x; `1.0.1*-beta*`
 * floats the patch the same way. NuGet reads `0.9.1*` as 0.9.10 or above within 0.9.x. NuGet's
 * grammar still decides what is a float (the text with the star read as 0 must be a version), and a
 * float inside an interval's lower bound keeps the prefix reading: its lowest version (0.9.1) is the
 * bound, and the other bound cuts the set (`[0.9.1*, 0.9.15]` is 0.9.1 and 0.9.10 to 0.9.15).
 */
import { memo } from './memo';
import { VersionRule, VersionSelectorError } from './types';
import { validFirst } from './order';

const MAX_PART = 2147483647; // parts are 32-bit signed integers
const MIN_INT = -2147483648;

interface Parsed {
  /** Always four numbers; missing parts are 0. */
  parts: [number, number, number, number];
  /** Pre-release identifiers as written; empty for a stable version. */
  labels: string[];
}

const LABEL_PART_RE = /^[0-9A-Za-z-]+$/;

/** One label or metadata identifier: not empty, [0-9A-Za-z-], and (labels only) no leading zero on a number. */
function isValidPart(s: string, allowLeadingZeros: boolean): boolean {
  if (!LABEL_PART_RE.test(s)) return false;
  return allowLeadingZeros || !/^0\d+$/.test(s);
}

/** The numeric part: up to four sections, each digits with optional whitespace either side. */
function parseNumbers(text: string): Parsed['parts'] | null {
  if (text.trim() === '') return null;
  const sections = text.split('.');
  if (sections.length > 4) return null;
  const nums: number[] = [];
  for (const section of sections) {
    const m = /^\s*(\d+)\s*$/.exec(section);
    if (!m) return null;
    const digits = m[1].replace(/^0+(?=\d)/, '');
    if (digits.length > 10 || Number(digits) > MAX_PART) return null;
    nums.push(Number(digits));
  }
  while (nums.length < 4) nums.push(0);
  return nums as Parsed['parts'];
}

const parse = memo(parseText);

function parseText(input: string): Parsed | null {
  const v = input.trim();
  if (v === '') return null;
  // The numbers end at the first '-' or '+'; the label at the first '+' after that.
  const cut = v.search(/[-+]/);
  const numText = cut < 0 ? v : v.slice(0, cut);
  const parts = parseNumbers(numText);
  if (!parts) return null;
  if (cut < 0) return { parts, labels: [] };
  let labels: string[] = [];
  let metadata: string | undefined;
  if (v[cut] === '+') {
    metadata = v.slice(cut + 1);
  } else {
    const rest = v.slice(cut + 1);
    const plus = rest.indexOf('+');
    const label = plus < 0 ? rest : rest.slice(0, plus);
    if (plus >= 0) metadata = rest.slice(plus + 1);
    labels = label.split('.');
    if (!labels.every((l) => isValidPart(l, false))) return null;
  }
  if (metadata !== undefined && !metadata.split('.').every((m) => isValidPart(m, true))) return null;
  return { parts, labels };
}

/** A label identifier is numeric when .NET's int.TryParse takes it: optional '-', digits, 32-bit. */
function numericValue(s: string): number | null {
  if (!/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= MIN_INT && n <= MAX_PART ? n : null;
}

function cmpText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One label identifier: numbers numerically and before words; words case-insensitively (ordinal). */
function compareIdentifier(a: string, b: string): number {
  const an = numericValue(a);
  const bn = numericValue(b);
  if (an !== null && bn !== null) return an - bn;
  if (an !== null) return -1;
  if (bn !== null) return 1;
  return cmpText(a.toUpperCase(), b.toUpperCase());
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
  if (p.labels.length > 0) s += '-' + p.labels.map((l) => l.toLowerCase()).join('.');
  return s;
}

function isValid(v: string): boolean {
  return parse(v) !== null;
}

const compare = validFirst(parse, compareParsed);

type Predicate = (v: string) => boolean;

/** Which part floats, as NuGet's NuGetVersionFloatBehavior names it. */
type FloatKind =
  | 'none' | 'prerelease' | 'revision' | 'patch' | 'minor' | 'major'
  | 'prereleaseRevision' | 'prereleasePatch' | 'prereleaseMinor' | 'prereleaseMajor' | 'absoluteLatest';

interface Float {
  kind: FloatKind;
  min: Parsed;
  /** The label text a floating pre-release must start with (case-insensitive). */
  prefix: string;
  /**
   * Digits written before the `*` in the floating numeric part (`0.9.1*`: '1' at index 2), with
   * leading zeros dropped as the feed drops them; null when the star stands alone (`1.*`, `1.4.*-rc*`).
   */
  digits: { at: number; text: string } | null;
}

const countParts = (s: string): number => s.split('.').length;

/** NuGet's FloatRange.TryParse: null when the text is not a floating version in NuGet's grammar. */
function parseFloat(text: string): Float | null {
  if (text.trim() === '') return null;
  const first = text.indexOf('*');
  const last = text.lastIndexOf('*');
  if (text === '*') return { kind: 'major', min: { parts: [0, 0, 0, 0], labels: [] }, prefix: '', digits: null };
  if (text === '*-*') {
    return { kind: 'absoluteLatest', min: { parts: [0, 0, 0, 0], labels: ['0'] }, prefix: '', digits: null };
  }
  let kind: FloatKind = 'none';
  let actual: string | null = null;
  let prefix: string | null = null;
  /** The numbers as written before the star that floats them (`0.9.1` for `0.9.1*`), when a number floats. */
  let stableText: string | null = null;
  if (first !== last && last !== -1 && !text.includes('+')) {
    // Two stars: `1.*-beta*`, the first right before the first dash, the second at the end.
    const dash = text.indexOf('-');
    if (dash !== -1 && last === text.length - 1 && first === dash - 1) {
      stableText = text.slice(0, dash - 1);
      const stable = stableText + '0';
      kind = (['', 'prereleaseMajor', 'prereleaseMinor', 'prereleasePatch', 'prereleaseRevision'][countParts(stable)] ??
        'none') as FloatKind;
      prefix = text.slice(dash + 1, -1);
      const labelPart = prefix === '' || prefix.endsWith('.') ? prefix + '0' : prefix;
      actual = `${stable}-${labelPart}`;
    }
  } else if (last === text.length - 1 && !text.includes('+')) {
    actual = text.slice(0, -1);
    if (!text.includes('-')) {
      stableText = actual;
      actual += '0';
      // NuGet gives `1*` no behaviour (its minimum 10 only); with digits before the star it is a
      // prefix of the major part here, like `1.2*` of the minor.
      kind = (['', /\d\s*$/.test(stableText) ? 'major' : '', 'minor', 'patch', 'revision'][countParts(actual)] ??
        'none') as FloatKind;
      if (kind === ('' as FloatKind)) kind = 'none';
    } else {
      kind = 'prerelease';
      if (text.indexOf('-') === text.lastIndexOf('-')) {
        prefix = actual.slice(text.lastIndexOf('-') + 1);
        if (prefix === '' || actual.endsWith('.')) actual += '0';
        else if (actual.endsWith('-')) actual += '-';
      }
    }
  } else {
    const p = parse(text);
    return p ? { kind: 'none', min: p, prefix: '', digits: null } : null;
  }
  if (actual === null) return null;
  // NuGet's grammar decides what is a float: the text with the star read as 0 must be a version.
  const parsed = parse(actual);
  if (!parsed) return null;
  // A copy: parse() answers are shared between callers.
  const min: Parsed = { ...parsed, parts: [...parsed.parts] as Parsed['parts'], labels: [...parsed.labels] };
  if (prefix === null) prefix = min.labels.join('.');
  let digits: Float['digits'] = null;
  if (stableText !== null && kind !== 'none') {
    const at = countParts(stableText) - 1;
    const written = stableText.slice(stableText.lastIndexOf('.') + 1).trim();
    if (written !== '') {
      // The contract's reading, not NuGet's: `0.9.1*` is 0.9.1 and 0.9.10 to 0.9.19 (and 0.9.100 …),
      // so its lowest version is 0.9.1, where NuGet starts at 0.9.10 and takes all of 0.9.x above it.
      const lead = written.replace(/^0+(?=\d)/, '');
      min.parts[at] = Number(lead);
      digits = { at, text: lead };
    }
  }
  return { kind, min, prefix, digits };
}

/**
 * Whether `v` lies in the float, as NuGet's FloatRange.Satisfies says, except that the numeric
 * floats (`1.*`, `1.4.*`) take pre-releases too: the task's `prerelease` input is the one switch;
 * and that digits before a numeric star must begin that part (the contract's prefix reading).
 */
function floatAdmits(f: Float, v: Parsed): boolean {
  if (f.digits && !String(v.parts[f.digits.at]).startsWith(f.digits.text)) return false;
  const labelOk = v.labels.length === 0 || v.labels.join('.').toLowerCase().startsWith(f.prefix.toLowerCase());
  const same = (n: number): boolean => f.min.parts.slice(0, n).every((x, i) => x === v.parts[i]);
  switch (f.kind) {
    case 'absoluteLatest':
    case 'major':
      return true;
    case 'prereleaseRevision':
      return same(3) && labelOk;
    case 'prereleasePatch':
      return same(2) && labelOk;
    case 'prereleaseMinor':
      return same(1) && labelOk;
    case 'prereleaseMajor':
      return labelOk;
    case 'prerelease':
      return same(4) && labelOk;
    case 'revision':
      return same(3);
    case 'patch':
      return same(2);
    case 'minor':
      return same(1);
    case 'none':
      return false;
  }
}

interface Range {
  min: Parsed | null;
  minInclusive: boolean;
  max: Parsed | null;
  maxInclusive: boolean;
  float: Float | null;
}

/**
 * NuGet's VersionRange.TryParse. Returns null when NuGet rejects the text. `exactBare` is false:
 * a bare version is NuGet's "that version or higher" here; parseRange never asks for that reading.
 */
function parseNuGetRange(value: string): Range | null {
  let text = value.trim();
  if (text === '') return null;
  let minText: string;
  let maxText: string | null = null;
  let minInclusive = true;
  let maxInclusive = false;
  if (text[0] === '[' || text[0] === '(') {
    minInclusive = text[0] === '[';
    const close = text[text.length - 1];
    if (close !== ']' && close !== ')') return null;
    maxInclusive = close === ']';
    text = text.slice(1, -1);
    const pieces = text.split(',');
    if (pieces.length > 2) return null;
    if (pieces.every((p) => p === '')) return null; // (,) [,] and the like
    if (pieces.length === 1 && !(minInclusive && maxInclusive)) return null;
    minText = pieces[0];
    maxText = pieces.length === 2 ? pieces[1] : pieces[0];
  } else {
    minText = text;
  }
  let min: Parsed | null = null;
  let max: Parsed | null = null;
  let float: Float | null = null;
  if (minText.trim() !== '') {
    if (minText.includes('*')) {
      float = parseFloat(minText);
      if (!float) return null;
      min = float.min;
    } else {
      min = parse(minText);
      if (!min) return null;
    }
  }
  if (maxText !== null && maxText.trim() !== '') {
    max = parse(maxText); // the upper bound cannot float
    if (!max) return null;
  }
  if (min && max) {
    const c = compareParsed(min, max);
    if (c > 0) return null;
    if (c === 0 && minInclusive !== maxInclusive) return null;
  }
  return { min, minInclusive, max, maxInclusive, float };
}

/** NuGet's VersionRange.Satisfies, narrowed to the float's own versions when the range floats. */
function rangeAdmits(r: Range, v: Parsed): boolean {
  if (r.min) {
    const c = compareParsed(r.min, v);
    if (r.minInclusive ? c > 0 : c >= 0) return false;
  }
  if (r.max) {
    const c = compareParsed(r.max, v);
    if (r.maxInclusive ? c < 0 : c <= 0) return false;
  }
  return r.float === null || r.float.kind === 'none' || floatAdmits(r.float, v);
}

/**
 * Ranges: interval notation and floating versions, as NuGet parses them. A bare valid version is
 * not a range here and gives null (NuGet reads it as "that version or higher"; the engine treats it
 * as exact). Text NuGet rejects throws when it looks like a range (brackets, a `*`, comparison
 * signs) and gives null otherwise. `1.*.0` is not NuGet's, so it throws, and the engine may read it
 * as a glob.
 */
function parseRange(selector: string): Predicate | null {
  const s = selector.trim();
  if (s === '' || isValid(s)) return null;
  const r = parseNuGetRange(s);
  if (r) {
    return (v) => {
      const p = parse(v);
      return p !== null && rangeAdmits(r, p);
    };
  }
  if (/[[\]()*<>=^~|,\s]/.test(s)) {
    throw new VersionSelectorError(
      s,
      'not a NuGet version range: write an interval such as [1.0,2.0) or a floating version such as 1.4.* or 1.4.0-beta*',
    );
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
