/**
 * PEP 440 (PyPI). Parsing, ordering and specifier matching come from `@renovatebot/pep440`;
 * the normalised spelling, pre-release test and what counts as a range are ours.
 */
import * as pep440 from '@renovatebot/pep440';
import { VersionRule, VersionSelectorError } from './types';

function isValid(v: string): boolean {
  return pep440.valid(v) !== null;
}

/**
 * The PEP 440 normalised form (`1.0-alpha1` → `1.0a1`, `1.0-1` → `1.0.post1`, `v1.0` → `1.0`,
 * local labels lower-case and joined with dots). The release segment keeps the parts it was
 * written with: `1.0` and `1.0.0` compare equal but normalise differently, as pip shows them.
 */
function normalize(v: string): string {
  const e = pep440.explain(v);
  if (!e) return v;
  return e.local ? `${e.public}+${e.local}` : e.public;
}

function compare(a: string, b: string): number {
  const va = isValid(a);
  const vb = isValid(b);
  if (va && vb) return pep440.compare(a, b);
  if (va) return 1;
  if (vb) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** a, b, rc and dev releases (including `1.0.post1.dev0`). */
function isPrerelease(v: string): boolean {
  const e = pep440.explain(v);
  return e !== null && e.is_prerelease;
}

const OPERATOR_START = /^(===|~=|==|!=|<=|>=|<|>)/;
const BARE_WILDCARD = /^(\d+!)?\d+(\.\d+)*\.\*$/;
const RANGE_LIKE = /[<>=!~*,\s]/;

/**
 * Specifiers (`>=1.0,<2`, `~=1.4`, `==1.4.*`, `!=1.5`, `===1.0`), matched with pre-releases
 * admitted (PEP 440's own exclusions still hold: `<2` admits no pre-release of 2). A bare
 * wildcard `1.4.*` means `==1.4.*`. A bare valid version gives null (exact, decided by the
 * engine); other text that is not range-like gives null; range-like text that is not a valid
 * specifier throws.
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
  if (!pep440.validRange(spec)) {
    throw new VersionSelectorError(s, 'not a valid PEP 440 specifier set');
  }
  // `===` is plain (case-insensitive) string identity; the library would let `===1.0` match
  // `1.0+local` by dropping the local label, so those clauses are checked here.
  const clauses = spec.split(',').map((c) => c.trim());
  const identities = clauses.filter((c) => c.startsWith('===')).map((c) => c.slice(3).trim().toLowerCase());
  const others = clauses.filter((c) => !c.startsWith('===')).join(',');
  return (v) =>
    isValid(v) &&
    identities.every((text) => v.toLowerCase() === text) &&
    (others === '' || pep440.satisfies(v, others, { prereleases: true }));
}

export const pep440Rule: VersionRule = {
  name: 'PEP 440',
  isValid,
  normalize,
  compare,
  isPrerelease,
  parseRange,
};
