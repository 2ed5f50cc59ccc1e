/**
 * How each protocol's package manager resolves a dependency for a consumer, as data: the groups a
 * consumer never installs, how a `versionRange` is read in the protocol's own grammar, and which of
 * the versions it admits the package manager takes. Ranges are matched by the version rules in
 * ../versions; what differs from the task's own selectors is the pre-release gate: a package
 * manager takes a pre-release for a dependency only where the range names one.
 */
import { cargoRule, mavenRule, npmDependencyRange, nugetRule, pep440Rule, semverRule } from '../versions';
import type { VersionRule } from '../versions';
import type { ProtocolKey } from './types';

/** A dependency's range as the package manager reads it. */
export interface DependencyRange {
  /** Whether the range admits the version, pre-release gate included. */
  admits(version: string): boolean;
  /** Which admitted version is taken: the lowest (NuGet) or the highest. */
  pick: 'lowest' | 'highest';
  /** PyPI: where no version is admitted, pre-releases the range admits without its gate. */
  fallback?: (version: string) => boolean;
}

export interface DependencyRule {
  /** `group` values (compared without regard to case) whose dependencies a consumer never installs. */
  skipGroups: readonly string[];
  /** The range read in the protocol's grammar; null where the grammar does not take it. */
  read(range: string): DependencyRange | null;
}

/** A range predicate from a version rule; null where the rule rejects the text or does not take it as a range. */
function ranged(rule: VersionRule, text: string): ((v: string) => boolean) | null {
  try {
    return rule.parseRange(text);
  } catch {
    return null;
  }
}

/** The `major.minor.patch` of a SemVer version (without its label). */
const release = (rule: VersionRule, v: string) => rule.normalize(v).split(/[-+]/)[0];

/**
 * NuGet: a bare version is "that version or higher"; the lowest admitted version wins, a floating
 * range takes the highest it matches. Pre-releases only where a bound, or the float, is one
 * (NuGet's VersionRange.IsBetter: a range of stable bounds never takes a pre-release).
 */
function nugetRange(text: string): DependencyRange | null {
  const t = text.trim() || '0.0.0';
  const interval = nugetRule.isValid(t) ? `[${t}, )` : t;
  const inRange = ranged(nugetRule, interval);
  if (!inRange) return null;
  const bounds = interval.replace(/[[\]()]/g, '').split(',').map((b) => b.trim().split('+')[0]);
  const named = bounds.some((b) => b.includes('-'));
  return {
    admits: (v) => inRange(v) && (named || !nugetRule.isPrerelease(v)),
    pick: t.includes('*') ? 'highest' : 'lowest',
  };
}

/** npm: node-semver without `includePrerelease`, npm's own default for a dependency; the highest wins. */
function npmRange(text: string): DependencyRange | null {
  const matches = npmDependencyRange(text);
  return matches && { admits: (v) => semverRule.isValid(v) && matches(v), pick: 'highest' };
}

/**
 * PyPI: a specifier set (`>=1.0,<2`, optionally in parentheses as older metadata writes it); none
 * is any version. Pre-releases where a specifier names one, else only where nothing else matches
 * (pypa/packaging's SpecifierSet.filter); the highest wins.
 */
function pypiRange(text: string): DependencyRange | null {
  let t = text.trim();
  if (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  if (t === '') return { admits: (v) => pep440Rule.isValid(v) && !pep440Rule.isPrerelease(v), pick: 'highest', fallback: (v) => pep440Rule.isValid(v) };
  // A bare version is no specifier (it needs an operator); parseRange would leave it to the engine.
  if (pep440Rule.isValid(t)) return null;
  const inRange = ranged(pep440Rule, t);
  if (!inRange) return null;
  const named = t.split(',').some((c) => {
    const m = /^\s*(===|~=|==|!=|<=|>=|<|>)\s*(.*?)(\.\*)?\s*$/.exec(c);
    return !!m && m[1] !== '!=' && pep440Rule.isPrerelease(m[2]);
  });
  return { admits: (v) => inRange(v) && (named || !pep440Rule.isPrerelease(v)), pick: 'highest', fallback: inRange };
}

/**
 * Cargo: a requirement as the `semver` crate reads it (a bare version is a caret requirement);
 * a pre-release only where a comparator names a pre-release of the same major.minor.patch (the
 * crate's own gate); the highest wins.
 */
function cargoRange(text: string): DependencyRange | null {
  const t = text.trim() || '*';
  const inRange = ranged(cargoRule, cargoRule.isValid(t) ? `^${t}` : t);
  if (!inRange) return null;
  const named = t.split(',').map((c) => c.trim().replace(/^(=|>=|<=|>|<|~|\^)\s*/, '')).filter((c) => cargoRule.isValid(c) && cargoRule.isPrerelease(c));
  return {
    admits: (v) => inRange(v) && (!cargoRule.isPrerelease(v) || named.some((c) => release(cargoRule, c) === release(cargoRule, v))),
    pick: 'highest',
  };
}

/** Maven: a plain version is that version; a range (`[1.0,2.0)`, `[1.0,)`) its highest. A property (`${…}`) or nothing is not readable. */
function mavenRange(text: string): DependencyRange | null {
  const t = text.trim();
  if (t === '' || t.includes('${')) return null;
  if (!/[[\]()]/.test(t)) return mavenRule.isValid(t) ? { admits: (v) => mavenRule.compare(v, t) === 0, pick: 'highest' } : null;
  const inRange = ranged(mavenRule, t);
  return inRange && { admits: inRange, pick: 'highest' };
}

export const dependencyRules: Readonly<Record<ProtocolKey, DependencyRule>> = {
  // Groups are target frameworks: every one is followed.
  nuget: { skipGroups: [], read: nugetRange },
  npm: { skipGroups: ['devDependencies'], read: npmRange },
  pypi: { skipGroups: [], read: pypiRange },
  maven: { skipGroups: ['test', 'provided'], read: mavenRange },
  // Universal packages have no dependencies of their own; anything the feed says is read as npm reads it.
  upack: { skipGroups: [], read: npmRange },
  cargo: { skipGroups: ['dev'], read: cargoRange },
};

/** Whether a consumer installs what a dependency of this group names: unknown groups are followed. */
export function followsGroup(rule: DependencyRule, group: string | undefined): boolean {
  const g = (group ?? '').trim().toLowerCase();
  return !rule.skipGroups.some((s) => s.toLowerCase() === g);
}

/**
 * The version the package manager takes from `versions` (the package's versions in the feed), or
 * undefined where none satisfies the range.
 */
export function resolveDependency(range: DependencyRange, versions: string[], rule: VersionRule): string | undefined {
  const best = (admits: (v: string) => boolean): string | undefined => {
    let found: string | undefined;
    for (const v of versions) {
      if (!admits(v)) continue;
      const c = found === undefined ? 0 : rule.compare(v, found);
      if (found === undefined || (range.pick === 'lowest' ? c < 0 : c > 0)) found = v;
    }
    return found;
  };
  return best(range.admits) ?? (range.fallback && best(range.fallback));
}
