/**
 * Maven versions, ordered the way Maven's ComparableVersion orders them (the long-standing
 * algorithm of Maven 3: separators `.` and `-`, a change between digits and letters also
 * separates; well-known qualifiers in a fixed order; trailing zeros and release qualifiers
 * trimmed). Ranges in Maven's interval notation, unions of intervals, and `1.4.*` wildcards.
 */
import { VersionRule, VersionSelectorError } from './types';
import { memo } from './memo';
import { validFirst } from './order';

type Item =
  | { kind: 'int'; value: bigint }
  | { kind: 'str'; value: string }
  | { kind: 'combo'; str: string; digits: bigint }
  | { kind: 'list'; items: Item[] };

/** Known qualifiers, lowest first; "" is the release itself. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_QUALIFIERS = new Set(['ga', 'final', 'release']);
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));
const PRERELEASE_QUALIFIERS = new Set(['alpha', 'beta', 'milestone', 'rc', 'snapshot']);

/** A qualifier as written, with the one-letter forms (before a digit) and `cr` spelled out. */
function qualifierValue(text: string, followedByDigit: boolean): string {
  if (followedByDigit && text.length === 1) {
    if (text === 'a') return 'alpha';
    if (text === 'b') return 'beta';
    if (text === 'm') return 'milestone';
  }
  return text === 'cr' ? 'rc' : text;
}

const isAsciiDigit = (c: string): boolean => c >= '0' && c <= '9';
/** Any Unicode decimal digit, as Java's Character.isDigit. */
const isAnyDigit = (c: string): boolean => /^\p{Nd}$/u.test(c);

function numberItem(text: string): Item {
  return { kind: 'int', value: text === '' ? 0n : BigInt(text) };
}

/** A qualifier run into a number, `rc1` or `alpha-1` (a dash between them is dropped). */
function comboItem(text: string): Item {
  const t = text.replace(/-/g, '');
  let i = 0;
  for (let k = 0; k < t.length; k++) {
    if (isAnyDigit(t[k])) {
      i = k;
      break;
    }
  }
  const digits = t.slice(i);
  return {
    kind: 'combo',
    str: qualifierValue(t.slice(0, i), true),
    digits: /^[0-9]+$/.test(digits) ? BigInt(digits) : 0n,
  };
}

function makeItem(isCombination: boolean, isDigit: boolean, text: string): Item {
  if (isCombination) return comboItem(text);
  if (isDigit) return numberItem(text);
  return { kind: 'str', value: qualifierValue(text, false) };
}

function isNullItem(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.value === 0n;
    case 'str':
      return item.value === '';
    case 'combo':
      return false;
    case 'list':
      return item.items.length === 0;
  }
}

/** Drop null items that do not change the order: at the end, before a qualifier, before a sub-list that starts with one. */
function trimList(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    if (!isNullItem(list[i])) continue;
    const next = list[i + 1];
    if (next === undefined || next.kind === 'str') {
      list.splice(i, 1);
    } else if (next.kind === 'list' && next.items.length > 0) {
      const head = next.items[0];
      if (head.kind === 'combo' || head.kind === 'str') list.splice(i, 1);
    }
  }
}

/** Maven's ComparableVersion parse (the one of Maven 3.9.x/4: qualifiers joined to numbers are one item). */
function parseItems(version: string): Item[] {
  const text = version.toLowerCase();
  const top: Item[] = [];
  let list = top;
  const stack: Item[][] = [top];
  const descend = (): void => {
    const next: Item[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let isCombination = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.') {
      list.push(i === start ? numberItem('0') : makeItem(isCombination, isDigit, text.slice(start, i)));
      isCombination = false;
      start = i + 1;
    } else if (c === '-') {
      if (i === start) {
        list.push(numberItem('0'));
      } else {
        if (!isDigit && i !== text.length - 1 && isAnyDigit(text[i + 1])) {
          isCombination = true;
          continue;
        }
        list.push(makeItem(isCombination, isDigit, text.slice(start, i)));
      }
      start = i + 1;
      if (list.length > 0) descend();
      isCombination = false;
    } else if (isAsciiDigit(c)) {
      if (!isDigit && i > start) {
        isCombination = true;
        if (list.length > 0) descend();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(makeItem(isCombination, true, text.slice(start, i)));
        start = i;
        descend();
        isCombination = false;
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    if (!isDigit && list.length > 0) descend();
    list.push(makeItem(isCombination, isDigit, text.slice(start)));
  }
  while (stack.length > 0) trimList(stack.pop()!);
  return top;
}

function qualifierRank(q: string): string {
  if (RELEASE_QUALIFIERS.has(q)) return RELEASE_RANK;
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compare one item with another, or with nothing (the padding of a shorter list). */
function compareItem(a: Item, b: Item | undefined): number {
  switch (a.kind) {
    case 'int':
      if (b === undefined) return a.value === 0n ? 0 : 1;
      return b.kind === 'int' ? cmpBig(a.value, b.value) : 1; // numbers come after everything else
    case 'str':
      if (b === undefined) return cmpStr(qualifierRank(a.value), RELEASE_RANK);
      if (b.kind === 'str') return cmpStr(qualifierRank(a.value), qualifierRank(b.value));
      if (b.kind === 'combo') return cmpStr(qualifierRank(a.value), qualifierRank(b.str)) || -1;
      return -1; // a qualifier comes before a number or a sub-list
    case 'combo':
      if (b === undefined) return cmpStr(qualifierRank(a.str), RELEASE_RANK);
      if (b.kind === 'str') return cmpStr(qualifierRank(a.str), qualifierRank(b.value)) || 1;
      if (b.kind === 'combo') return cmpStr(qualifierRank(a.str), qualifierRank(b.str)) || cmpBig(a.digits, b.digits);
      return -1;
    case 'list':
      if (b === undefined) {
        for (const item of a.items) {
          const c = compareItem(item, undefined);
          if (c !== 0) return c;
        }
        return 0;
      }
      if (b.kind === 'int') return -1;
      if (b.kind === 'str' || b.kind === 'combo') return 1;
      return compareLists(a.items, b.items);
  }
}

function compareLists(a: Item[], b: Item[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    let c: number;
    if (l === undefined) c = r === undefined ? 0 : -compareItem(r, undefined);
    else c = compareItem(l, r);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * The form equal versions share: Maven's canonical text, with the release qualifiers (ga, final,
 * release), which order as the release itself, dropped where Maven would drop an empty qualifier.
 */
function canonicalItems(items: Item[]): Item[] {
  const out = items.map((item): Item => {
    if (item.kind === 'str' && RELEASE_QUALIFIERS.has(item.value)) return { kind: 'str', value: '' };
    if (item.kind === 'list') return { kind: 'list', items: canonicalItems(item.items) };
    return item;
  });
  trimList(out);
  return out;
}

function itemText(item: Item): string {
  switch (item.kind) {
    case 'int':
      return item.value.toString();
    case 'str':
      return item.value === '' ? 'ga' : item.value;
    case 'combo':
      return item.str + item.digits.toString();
    case 'list':
      return render(item.items);
  }
}

/** Maven's canonical text: `.` between items, `-` before a sub-list. */
function render(items: Item[]): string {
  let s = '';
  items.forEach((item, i) => {
    // A sub-list first is written after a 0 (`0-x`), which Maven drops again when it reads it back.
    if (i === 0) s += item.kind === 'list' ? '0-' : '';
    else s += item.kind === 'list' ? '-' : '.';
    s += itemText(item);
  });
  return s;
}

function hasPrereleaseQualifier(items: Item[]): boolean {
  return items.some(
    (item) =>
      (item.kind === 'str' && PRERELEASE_QUALIFIERS.has(item.value)) ||
      (item.kind === 'combo' && PRERELEASE_QUALIFIERS.has(item.str)) ||
      (item.kind === 'list' && hasPrereleaseQualifier(item.items)),
  );
}

/**
 * Maven accepts almost any text; we take what can name a version in a repository path: letters
 * and digits of any script, then also `.`, `_`, `+`, `~` and `-`.
 */
const VALID_RE = /^[\p{L}\p{N}][\p{L}\p{N}._+~-]*$/u;

function isValid(v: string): boolean {
  return VALID_RE.test(v);
}

// Each text parsed once: sorting compares the same versions many times.
const compare = validFirst(memo((v) => (isValid(v) ? parseItems(v) : null)), compareLists);

type Predicate = (v: string) => boolean;

interface Restriction {
  lower: Item[] | null;
  lowerInclusive: boolean;
  upper: Item[] | null;
  upperInclusive: boolean;
  /** `[1.2.*]`: every version whose leading numbers are these. */
  prefix?: string[];
}

function boundItems(text: string, selector: string): Item[] {
  if (!isValid(text)) throw new VersionSelectorError(selector, `"${text}" is not a Maven version`);
  return parseItems(text);
}

const stripZeros = (n: string): string => n.replace(/^0+(?=\d)/, '');

/** The leading dot-separated numbers of a version, `1.04.2-rc1` giving 1, 4, 2. */
function leadingNumbers(v: string): string[] {
  const m = /^\d+(?:\.\d+)*/.exec(v);
  return m ? m[0].split('.').map(stripZeros) : [];
}

function prefixAdmits(prefix: string[], v: string): boolean {
  const numbers = leadingNumbers(v);
  if (numbers.length === 0) return false;
  return prefix.every((n, i) => (numbers[i] ?? '0') === n);
}

/** One interval as maven-resolver's GenericVersionRange reads it. */
function parseRestriction(spec: string, selector: string): Restriction {
  const lowerInclusive = spec[0] === '[';
  const upperInclusive = spec[spec.length - 1] === ']';
  const inner = spec.slice(1, -1);
  const comma = inner.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) {
      throw new VersionSelectorError(selector, 'a single version must be written [1.0]');
    }
    const version = inner.trim();
    if (version.endsWith('.*')) {
      const head = version.slice(0, -2);
      if (!/^\d+(?:\.\d+)*$/.test(head)) {
        throw new VersionSelectorError(selector, 'a wildcard stands for whole trailing numbers, as in [1.2.*]');
      }
      return { lower: null, lowerInclusive: true, upper: null, upperInclusive: true, prefix: head.split('.').map(stripZeros) };
    }
    const exact = boundItems(version, selector);
    return { lower: exact, lowerInclusive: true, upper: exact, upperInclusive: true };
  }
  const lowerText = inner.slice(0, comma).trim();
  const upperText = inner.slice(comma + 1).trim();
  if (upperText.includes(',')) throw new VersionSelectorError(selector, 'an interval has at most two bounds');
  const lower = lowerText === '' ? null : boundItems(lowerText, selector);
  const upper = upperText === '' ? null : boundItems(upperText, selector);
  if (lower && upper && compareLists(upper, lower) < 0) {
    throw new VersionSelectorError(selector, 'the lower bound is above the upper bound');
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

function contains(r: Restriction, items: Item[], v: string): boolean {
  if (r.prefix) return prefixAdmits(r.prefix, v);
  if (r.lower) {
    const c = compareLists(items, r.lower);
    if (r.lowerInclusive ? c < 0 : c <= 0) return false;
  }
  if (r.upper) {
    const c = compareLists(items, r.upper);
    if (r.upperInclusive ? c > 0 : c >= 0) return false;
  }
  return true;
}

/**
 * maven-resolver's GenericVersionScheme constraint: one or more intervals, `[1.0,2.0)`, `(,1.0]`,
 * `[1.2]`, `[1.2.*]`, optionally separated by commas; their union.
 */
function parseIntervals(selector: string): Predicate {
  const restrictions: Restriction[] = [];
  let rest = selector;
  while (rest.startsWith('[') || rest.startsWith('(')) {
    const ends = [rest.indexOf(']'), rest.indexOf(')')].filter((i) => i >= 0);
    if (ends.length === 0) throw new VersionSelectorError(selector, 'an interval is not closed with ] or )');
    const end = Math.min(...ends);
    restrictions.push(parseRestriction(rest.slice(0, end + 1), selector));
    rest = rest.slice(end + 1).trim();
    if (rest.startsWith(',')) rest = rest.slice(1).trim();
  }
  if (rest.length > 0) {
    throw new VersionSelectorError(selector, `expected [ or ( but found "${rest}"`);
  }
  return (v) => {
    if (!isValid(v)) return false;
    const items = parseItems(v);
    return restrictions.some((r) => contains(r, items, v));
  };
}

/** `1.4.*`: the leading numbers start with 1.4 (missing numbers count as 0). */
function parseWildcard(selector: string): Predicate {
  if (!/^\d+(?:\.\d+)*\.\*$/.test(selector)) {
    throw new VersionSelectorError(selector, 'a wildcard stands for whole trailing numbers, as in 1.4.*');
  }
  const prefix = selector.slice(0, -2).split('.').map(stripZeros);
  return (v) => isValid(v) && prefixAdmits(prefix, v);
}

/**
 * A bare version gives null (Maven would read it as a soft "recommended" version; here it is
 * exact, which the engine decides before asking for a range). So does other text that is not
 * range-like; range-like text that does not parse throws.
 */
function parseRange(selector: string): Predicate | null {
  const s = selector.trim();
  if (s === '') return null;
  if (s[0] === '[' || s[0] === '(') return parseIntervals(s);
  if (s.includes('*')) return parseWildcard(s);
  if (isValid(s)) return null;
  if (/[[\]()<>=^~|,\s]/.test(s)) {
    throw new VersionSelectorError(s, 'not a Maven range: write an interval such as [1.0,2.0) or a wildcard such as 1.4.*');
  }
  return null;
}

export const mavenRule: VersionRule = {
  name: 'Maven',
  isValid,
  normalize(v: string): string {
    return isValid(v) ? render(canonicalItems(parseItems(v))) || '0' : v;
  },
  compare,
  isPrerelease(v: string): boolean {
    return isValid(v) && hasPrereleaseQualifier(parseItems(v));
  },
  parseRange,
};
