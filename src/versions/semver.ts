/**
 * SemVer 2 (npm, Universal Packages), as node-semver reads it with includePrerelease (checked
 * against its own fixtures, tests/data/upstream/node-semver). Parsing, ordering and range matching
 * come from the `semver` package; what counts as valid, as a range and as malformed is decided
 * here. Cargo's requirements are in cargo.ts.
 */
import * as semver from 'semver';
import { memo } from './memo';
import { validFirst } from './order';
import { VersionRule, VersionSelectorError } from './types';

const RANGE_OPTIONS = { includePrerelease: true } as const;

/** Strict SemVer 2 (no `v` or `=` prefix, no spaces, no leading zeros), each text parsed once; null when invalid. */
const parsed = memo((v: string): semver.SemVer | null => {
  const p = semver.parse(v);
  return p && v === p.version + (p.build.length > 0 ? `+${p.build.join('.')}` : '') ? p : null;
});

function isValid(v: string): boolean {
  return parsed(v) !== null;
}

// Build metadata plays no part.
const compare = validFirst(parsed, (a, b) => a.compare(b));

function normalize(v: string): string {
  return parsed(v)?.version ?? v;
}

function isPrerelease(v: string): boolean {
  return (parsed(v)?.prerelease.length ?? 0) > 0;
}

/** Characters that only a range would contain. */
const RANGE_LIKE = /[<>=^~*|\s,]|(^|\.)[xX](\.|$)/;

function toPredicate(selector: string, text: string): (v: string) => boolean {
  let range: semver.Range;
  try {
    range = new semver.Range(text, RANGE_OPTIONS);
  } catch (e) {
    throw new VersionSelectorError(selector, (e as Error).message);
  }
  return (v) => isValid(v) && semver.satisfies(v, range, RANGE_OPTIONS);
}

function checkAlternatives(selector: string, text: string): void {
  // The library reads an empty alternative (`>=1 ||`) as "any version"; that is a typo, not a wish.
  if (text.split('||').some((alt) => alt.trim() === '')) {
    throw new VersionSelectorError(selector, 'an empty alternative around ||');
  }
}

/**
 * npm ranges: `^1.2`, `~1.2.3`, `1.4.*`, `1.x`, `1.0.0 - 2.0.0`, `>=1.0.0 <2.0.0`, `a || b`, and
 * partial versions such as `1.2` (= `1.2.x`). A full valid version gives null (exact, decided by
 * the engine); other text that is not range-like gives null; range-like text that the library
 * rejects throws.
 */
function parseSemverRange(selector: string): ((v: string) => boolean) | null {
  const s = selector.trim();
  if (s === '' || isValid(s)) return null;
  if (!semver.validRange(s, RANGE_OPTIONS)) {
    if (RANGE_LIKE.test(s)) {
      return toPredicate(s, s); // throws with the library's reason
    }
    return null;
  }
  checkAlternatives(s, s);
  return toPredicate(s, s);
}

export const semverRule: VersionRule = {
  name: 'SemVer 2',
  isValid,
  normalize,
  compare,
  isPrerelease,
  parseRange: parseSemverRange,
};

/**
 * An npm dependency's range as npm installs it: node-semver without includePrerelease (npm's own
 * default for a dependency, unlike the selectors). Null where the text is not a range: dist-tags,
 * URLs, `file:` and aliases, and an empty alternative (`>=1 ||`), which the library reads as any version.
 */
export function npmDependencyRange(text: string): ((v: string) => boolean) | null {
  const t = text.trim() || '*';
  if (!semver.validRange(t) || (t.includes('||') && t.split('||').some((a) => !a.trim()))) return null;
  const range = new semver.Range(t);
  return (v) => range.test(v);
}
