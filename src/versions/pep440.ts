/**
 * PEP 440 (PyPI): versions, their order and specifiers, with the meaning pypa/packaging gives
 * them (checked against its own test data, tests/data/upstream/pep440). Specifiers are matched
 * with pre-releases admitted inside their bounds (pypa's `prereleases=True`): the task's
 * `prerelease` input is the one switch for those.
 */
import { memo } from './memo';
import { VersionRule, VersionSelectorError } from './types';
import { validFirst } from './order';

/** Numbers are kept as digit strings without leading zeros, so any length compares exactly. */
type Num = string;

interface Parsed {
  epoch: Num;
  release: Num[];
  /** Normalised letter (a, b, rc) and number. */
  pre: [string, Num] | null;
  post: Num | null;
  dev: Num | null;
  /** Lower-case segments; digit-only segments normalised as numbers. */
  local: string[] | null;
}

// PEP 440's permissive spelling: optional separators, alternative labels, implicit numbers.
const PRE = String.raw`[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d*)`;
const POST = String.raw`-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*)`;
const DEV = String.raw`[-_.]?dev[-_.]?(\d*)`;
const LOCAL = String.raw`[a-z0-9]+(?:[-_.][a-z0-9]+)*`;
// No `u` flag: with it, case-insensitive matching would fold non-ASCII letters (U+017F, U+212A)
// onto ASCII ones, which PEP 440 does not allow.
const VERSION_RE = new RegExp(
  String.raw`^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:${PRE})?(?:${POST})?(?:${DEV})?(?:\+(${LOCAL}))?$`,
  'i',
);

const num = (digits: string | undefined): Num => (digits ? digits.replace(/^0+(?=\d)/, '') : '0');

function cmpNum(a: Num, b: Num): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

const PRE_LABEL: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

const parse = memo(parseText);

function parseText(text: string): Parsed | null {
  const m = VERSION_RE.exec(text);
  if (!m) return null;
  const [, epoch, release, preLabel, preN, postDash, postLabel, postN, devN, local] = m;
  return {
    epoch: num(epoch),
    release: release.split('.').map(num),
    pre: preLabel ? [PRE_LABEL[preLabel.toLowerCase()], num(preN)] : null,
    post: postDash !== undefined ? num(postDash) : postLabel ? num(postN) : null,
    dev: devN !== undefined ? num(devN) : null,
    local: local ? local.toLowerCase().split(/[-_.]/).map((s) => (/^\d+$/.test(s) ? num(s) : s)) : null,
  };
}

function format(p: Parsed): string {
  let s = p.epoch === '0' ? '' : `${p.epoch}!`;
  s += p.release.join('.');
  if (p.pre) s += p.pre[0] + p.pre[1];
  if (p.post !== null) s += `.post${p.post}`;
  if (p.dev !== null) s += `.dev${p.dev}`;
  if (p.local) s += `+${p.local.join('.')}`;
  return s;
}

/** Release numbers, the shorter padded with zeros (1.0 == 1.0.0). */
function cmpRelease(a: Num[], b: Num[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = cmpNum(a[i] ?? '0', b[i] ?? '0');
    if (c) return c;
  }
  return 0;
}

const PRE_RANK: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** The pre-release slot: a dev release of a final sorts before its alphas; a final after its rcs. */
function cmpPre(a: Parsed, b: Parsed): number {
  const rank = (p: Parsed): number => (p.pre ? 0 : p.post === null && p.dev !== null ? -1 : 1);
  const r = rank(a) - rank(b);
  if (r || !a.pre || !b.pre) return r;
  return PRE_RANK[a.pre[0]] - PRE_RANK[b.pre[0]] || cmpNum(a.pre[1], b.pre[1]);
}

/** Optional numbers: absent sorts `absent` (-1 first, +1 last). */
function cmpOpt(a: Num | null, b: Num | null, absent: number): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? absent : -absent;
  return cmpNum(a, b);
}

/** Local labels: absent first; segment by segment, words before numbers; a prefix first. */
function cmpLocal(a: string[] | null, b: string[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const na = /^\d+$/.test(a[i]);
    const nb = /^\d+$/.test(b[i]);
    const c = na && nb ? cmpNum(a[i], b[i]) : na !== nb ? (na ? 1 : -1) : a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
    if (c) return c;
  }
  return a.length - b.length;
}

function cmpParsed(a: Parsed, b: Parsed, withLocal = true): number {
  return (
    cmpNum(a.epoch, b.epoch) ||
    cmpRelease(a.release, b.release) ||
    cmpPre(a, b) ||
    cmpOpt(a.post, b.post, -1) ||
    cmpOpt(a.dev, b.dev, 1) ||
    (withLocal ? cmpLocal(a.local, b.local) : 0)
  );
}

const isPre = (p: Parsed): boolean => p.pre !== null || p.dev !== null;

function isValid(v: string): boolean {
  return parse(v) !== null;
}

/**
 * The PEP 440 normalised form (`1.0-alpha1` → `1.0a1`, `1.0-1` → `1.0.post1`, `v1.0` → `1.0`,
 * local labels lower-case and joined with dots). The release segment keeps the parts it was
 * written with: `1.0` and `1.0.0` compare equal but normalise differently, as pip shows them.
 */
function normalize(v: string): string {
  const p = parse(v);
  return p ? format(p) : v;
}

const compare = validFirst(parse, cmpParsed);

/** a, b, rc and dev releases (including `1.0.post1.dev0`). */
function isPrerelease(v: string): boolean {
  const p = parse(v);
  return p !== null && isPre(p);
}

// ---- specifiers

const BASE = String.raw`v?(?:\d+!)?\d+`;
const SUFFIXES = `(?:${PRE})?(?:${POST})?(?:${DEV})?`;
/** Each operator and the version forms it takes (only == and != take a wildcard or a local label). */
const SPEC_RES: Array<[RegExp, RegExp]> = [
  [/^===/, /^\S*$/],
  [/^(==|!=)/, new RegExp(String.raw`^${BASE}(?:\.\d+)*(?:\.\*|${SUFFIXES}(?:\+${LOCAL})?)$`, 'i')],
  [/^~=/, new RegExp(String.raw`^${BASE}(?:\.\d+)+${SUFFIXES}$`, 'i')],
  [/^(<=|>=|<|>)/, new RegExp(String.raw`^${BASE}(?:\.\d+)*${SUFFIXES}$`, 'i')],
];

type Match = (text: string, p: Parsed | null) => boolean;

/** The same version with this dev number and no local label. */
const withDev = (p: Parsed, dev: Num): Parsed => ({ ...p, dev, local: null });

/** The first dev release after every version that starts with `release`: 1.2 → 1.3.dev0. */
function nextPrefixDev0(p: Parsed, release: Num[]): Parsed {
  const last = release.length - 1;
  const bumped = [...release.slice(0, last), (BigInt(release[last]) + 1n).toString()];
  return { epoch: p.epoch, release: bumped, pre: null, post: null, dev: '0', local: null };
}

/** One specifier (`>=1.0`, `==1.4.*`, `===foo`) as a predicate; null when it is not one. */
function specifier(clause: string): Match | null {
  const found = SPEC_RES.find(([op]) => op.test(clause));
  if (!found) return null;
  const op = found[0].exec(clause)![0];
  const text = clause.slice(op.length).trim();
  if (!found[1].test(text)) return null;
  // Arbitrary equality is plain, case-insensitive string identity, valid version or not.
  if (op === '===') return (v) => v.toLowerCase() === text.toLowerCase();

  const wildcard = text.endsWith('.*');
  const V = parse(wildcard ? text.slice(0, -2) : text)!;
  const rel = (p: Parsed) => cmpParsed(p, V);
  const pub = (p: Parsed) => cmpParsed(p, V, false);
  let test: (p: Parsed) => boolean;
  if (wildcard) {
    const lower = withDev(V, '0');
    const upper = nextPrefixDev0(V, V.release);
    const inside = (p: Parsed) => cmpParsed(p, lower) >= 0 && cmpParsed(p, upper) < 0;
    test = op === '==' ? inside : (p) => !inside(p);
  } else if (op === '==' || op === '!=') {
    // Without a local label of its own, V matches every local build of V.
    const equal = V.local ? (p: Parsed) => rel(p) === 0 : (p: Parsed) => pub(p) === 0;
    test = op === '==' ? equal : (p) => !equal(p);
  } else if (op === '~=') {
    const upper = nextPrefixDev0(V, V.release.slice(0, -1));
    test = (p) => rel(p) >= 0 && cmpParsed(p, upper) < 0;
  } else if (op === '>=') {
    test = (p) => rel(p) >= 0;
  } else if (op === '<=') {
    test = (p) => pub(p) <= 0;
  } else if (op === '>') {
    if (V.dev !== null || V.post !== null) {
      test = (p) => pub(p) > 0;
    } else {
      // `>V` leaves out V's own post-releases and local builds.
      const sameFamily = (p: Parsed) =>
        p.epoch === V.epoch &&
        cmpRelease(p.release, V.release) === 0 &&
        (p.pre === null ? V.pre === null : V.pre !== null && p.pre[0] === V.pre[0] && p.pre[1] === V.pre[1]);
      test = (p) => rel(p) > 0 && !sameFamily(p);
    }
  } else {
    // `<V` leaves out V's own pre-releases unless V is one.
    const bound = isPre(V) ? V : withDev(V, '0');
    test = (p) => cmpParsed(p, bound) < 0;
  }
  return (_v, p) => p !== null && test(p);
}

const BARE_WILDCARD = /^(\d+!)?\d+(\.\d+)*\.\*$/;
const OPERATOR_START = /^(===|~=|==|!=|<=|>=|<|>)/;
const RANGE_LIKE = /[<>=!~*,\s]/;

/**
 * Specifier sets (`>=1.0,<2`, `~=1.4`, `==1.4.*`, `!=1.5`, `===1.0`), every clause holding. A bare
 * wildcard `1.4.*` means `==1.4.*`. A bare valid version gives null (exact, decided by the
 * engine); other text that is not range-like gives null; range-like text that is not a valid
 * specifier set, or one with an empty clause, throws.
 */
function parseRange(selector: string): ((v: string) => boolean) | null {
  const s = selector.trim();
  if (s === '' || isValid(s)) return null;
  let spec: string;
  if (BARE_WILDCARD.test(s)) spec = `==${s}`;
  else if (OPERATOR_START.test(s) || s.includes(',')) spec = s;
  else if (RANGE_LIKE.test(s)) {
    throw new VersionSelectorError(s, 'not a PEP 440 specifier: write one such as >=1.0,<2 or ~=1.4 or 1.4.*');
  } else return null;
  const clauses = spec.split(',').map((c) => c.trim());
  if (clauses.some((c) => c === '')) throw new VersionSelectorError(s, 'an empty specifier between commas');
  const matches = clauses.map((c) => {
    const m = specifier(c);
    if (!m) throw new VersionSelectorError(s, `${JSON.stringify(c)} is not a valid PEP 440 specifier`);
    return m;
  });
  return (v) => {
    const p = parse(v);
    return matches.every((m) => m(v, p));
  };
}

export const pep440Rule: VersionRule = {
  name: 'PEP 440',
  isValid,
  normalize,
  compare,
  isPrerelease,
  parseRange,
};
