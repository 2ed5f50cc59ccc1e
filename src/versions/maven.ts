/**
 * Maven versions, ordered the way Maven's ComparableVersion orders them (the long-standing
 * algorithm of Maven 3: separators `.` and `-`, a change between digits and letters also
 * separates; well-known qualifiers in a fixed order; trailing zeros and release qualifiers
 * trimmed). Ranges in Maven's interval notation, unions of intervals, and `1.4.*` wildcards.
 */
import { VersionRule, VersionSelectorError } from './types';

type Item =
  | { kind: 'int'; value: bigint }
  | { kind: 'str'; value: string }
  | { kind: 'list'; items: Item[] };

/** Known qualifiers, lowest first; "" is the release itself. */
const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const RELEASE_RANK = String(QUALIFIERS.indexOf(''));
const ALIASES: Record<string, string> = { ga: '', final: '', release: '', cr: 'rc' };
const PRERELEASE_QUALIFIERS = new Set(['alpha', 'beta', 'milestone', 'rc', 'snapshot']);

function stringItem(text: string, followedByDigit: boolean): Item {
  let value = text;
  if (followedByDigit && value.length === 1) {
    if (value === 'a') value = 'alpha';
    else if (value === 'b') value = 'beta';
    else if (value === 'm') value = 'milestone';
  }
  if (Object.prototype.hasOwnProperty.call(ALIASES, value)) value = ALIASES[value];
  return { kind: 'str', value };
}

function textItem(text: string, isDigit: boolean): Item {
  return isDigit ? { kind: 'int', value: BigInt(text) } : stringItem(text, false);
}

function isNullItem(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.value === 0n;
    case 'str':
      return item.value === '';
    case 'list':
      return item.items.length === 0;
  }
}

/** Drop null items from the end, looking past a trailing sub-list. */
function trimList(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const item = list[i];
    if (isNullItem(item)) list.splice(i, 1);
    else if (item.kind !== 'list') break;
  }
}

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
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '.' || c === '-') {
      list.push(i === start ? { kind: 'int', value: 0n } : textItem(text.slice(start, i), isDigit));
      start = i + 1;
      if (c === '-') descend();
    } else if (c >= '0' && c <= '9') {
      if (!isDigit && i > start) {
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        descend();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(textItem(text.slice(start, i), true));
        start = i;
        descend();
      }
      isDigit = false;
    }
  }
  if (text.length > start) {
    // A trailing ".qualifier" counts as "-qualifier".
    if (!isDigit && list.length > 0) descend();
    list.push(textItem(text.slice(start), isDigit));
  }
  while (stack.length > 0) trimList(stack.pop()!);
  return top;
}

function qualifierRank(q: string): string {
  const i = QUALIFIERS.indexOf(q);
  return i >= 0 ? String(i) : `${QUALIFIERS.length}-${q}`;
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compare one item with another, or with nothing (the padding of a shorter list). */
function compareItem(a: Item, b: Item | undefined): number {
  if (a.kind === 'int') {
    if (b === undefined) return a.value === 0n ? 0 : 1;
    if (b.kind === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
    return 1; // numbers come after qualifiers and sub-lists
  }
  if (a.kind === 'str') {
    if (b === undefined) return cmpStr(qualifierRank(a.value), RELEASE_RANK);
    if (b.kind === 'int') return -1;
    if (b.kind === 'str') return cmpStr(qualifierRank(a.value), qualifierRank(b.value));
    return -1; // a qualifier comes before a sub-list
  }
  if (b === undefined) {
    for (const item of a.items) {
      const c = compareItem(item, undefined);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (b.kind === 'int') return -1;
  if (b.kind === 'str') return 1;
  return compareLists(a.items, b.items);
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

/** Canonical text: re-reading it gives the same items. */
function render(items: Item[]): string {
  let s = '';
  items.forEach((item, i) => {
    if (item.kind === 'list') s += (i === 0 ? '0-' : '-') + render(item.items);
    else s += (i > 0 ? '.' : '') + (item.kind === 'int' ? item.value.toString() : item.value === '' ? 'ga' : item.value);
  });
  return s;
}

function hasPrereleaseQualifier(items: Item[]): boolean {
  return items.some(
    (item) =>
      (item.kind === 'str' && PRERELEASE_QUALIFIERS.has(item.value)) ||
      (item.kind === 'list' && hasPrereleaseQualifier(item.items)),
  );
}

/** Maven accepts almost any text; we take what can name a version in a repository path. */
const VALID_RE = /^[0-9A-Za-z][0-9A-Za-z._+~-]*$/;

function isValid(v: string): boolean {
  return VALID_RE.test(v);
}

function compare(a: string, b: string): number {
  const va = isValid(a);
  const vb = isValid(b);
  if (va && vb) return compareLists(parseItems(a), parseItems(b));
  if (va) return 1;
  if (vb) return -1;
  return cmpStr(a, b);
}

type Predicate = (v: string) => boolean;

interface Restriction {
  lower: Item[] | null;
  lowerInclusive: boolean;
  upper: Item[] | null;
  upperInclusive: boolean;
}

function boundItems(text: string, selector: string): Item[] | null {
  const t = text.trim();
  if (t === '') return null;
  if (!isValid(t)) throw new VersionSelectorError(selector, `"${t}" is not a Maven version`);
  return parseItems(t);
}

function parseRestriction(spec: string, selector: string): Restriction {
  const lowerInclusive = spec[0] === '[';
  const upperInclusive = spec[spec.length - 1] === ']';
  const inner = spec.slice(1, -1);
  const comma = inner.indexOf(',');
  if (comma < 0) {
    if (!lowerInclusive || !upperInclusive) {
      throw new VersionSelectorError(selector, 'a single version must be written [1.0]');
    }
    const exact = boundItems(inner, selector);
    if (!exact) throw new VersionSelectorError(selector, 'an empty interval');
    return { lower: exact, lowerInclusive: true, upper: exact, upperInclusive: true };
  }
  if (inner.indexOf(',', comma + 1) >= 0) {
    throw new VersionSelectorError(selector, 'an interval has at most two bounds');
  }
  const lower = boundItems(inner.slice(0, comma), selector);
  const upper = boundItems(inner.slice(comma + 1), selector);
  if (lower && upper) {
    const c = compareLists(upper, lower);
    if (c < 0 || (c === 0 && !(lowerInclusive && upperInclusive))) {
      throw new VersionSelectorError(selector, 'the interval defies version ordering');
    }
  }
  return { lower, lowerInclusive, upper, upperInclusive };
}

function contains(r: Restriction, items: Item[]): boolean {
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

/** `[1.0,2.0)`, `[1.0,)`, `(,1.0]`, `[1.2]` and comma-separated unions of them, in order. */
function parseIntervals(selector: string): Predicate {
  const restrictions: Restriction[] = [];
  let rest = selector;
  while (rest.length > 0) {
    if (rest[0] !== '[' && rest[0] !== '(') {
      throw new VersionSelectorError(selector, 'each interval starts with [ or (');
    }
    const ends = [rest.indexOf(']'), rest.indexOf(')')].filter((i) => i >= 0);
    if (ends.length === 0) throw new VersionSelectorError(selector, 'an interval is not closed with ] or )');
    const end = Math.min(...ends);
    const spec = rest.slice(0, end + 1);
    if (/[[(]/.test(spec.slice(1))) throw new VersionSelectorError(selector, 'an interval is not closed');
    const r = parseRestriction(spec, selector);
    const prev = restrictions[restrictions.length - 1];
    if (prev) {
      if (!prev.upper || !r.lower || compareLists(r.lower, prev.upper) < 0) {
        throw new VersionSelectorError(selector, 'the intervals overlap or are out of order');
      }
    }
    restrictions.push(r);
    rest = rest.slice(end + 1).trim();
    if (rest.length > 0) {
      if (rest[0] !== ',') throw new VersionSelectorError(selector, 'intervals are separated by a comma');
      rest = rest.slice(1).trim();
      if (rest.length === 0) throw new VersionSelectorError(selector, 'a comma with no interval after it');
    }
  }
  return (v) => {
    if (!isValid(v)) return false;
    const items = parseItems(v);
    return restrictions.some((r) => contains(r, items));
  };
}

function stripZeros(n: string): string {
  return n.replace(/^0+(?=\d)/, '');
}

/** `1.4.*`: the leading numbers start with 1.4 (missing numbers count as 0). */
function parseWildcard(selector: string): Predicate {
  if (!/^\d+(?:\.\d+)*\.\*$/.test(selector)) {
    throw new VersionSelectorError(selector, 'a wildcard stands for whole trailing numbers, as in 1.4.*');
  }
  const prefix = selector.slice(0, -2).split('.').map(stripZeros);
  return (v) => {
    if (!isValid(v)) return false;
    const m = /^\d+(?:\.\d+)*/.exec(v);
    if (!m) return false;
    const numbers = m[0].split('.').map(stripZeros);
    return prefix.every((n, i) => (numbers[i] ?? '0') === n);
  };
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
    return isValid(v) ? render(parseItems(v)) || '0' : v;
  },
  compare,
  isPrerelease(v: string): boolean {
    return isValid(v) && hasPrereleaseQualifier(parseItems(v));
  },
  parseRange,
};
