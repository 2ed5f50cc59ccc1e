import type { PackageVersionInfo } from '../azure/feeds';
import type { VersionRule } from '../versions/types';
import { VersionSelectorError } from '../versions/types';
import { UserError } from './messages';
import type { Request, Selector } from './request';

/** What a version selector means. */
export type VersionMatcher =
  | { kind: 'latest' }
  | { kind: 'all' }
  | { kind: 'exact'; version: string }
  | { kind: 'range'; test: (v: string) => boolean };

export function parseVersionSelector(s: Selector, rule: VersionRule): VersionMatcher {
  const text = s.version.trim();
  if (text.toLowerCase() === 'latest') return { kind: 'latest' };
  if (text === '*') return { kind: 'all' };
  if (rule.isValid(text)) return { kind: 'exact', version: text };
  let test: ((v: string) => boolean) | null;
  try {
    test = rule.parseRange(text);
  } catch (e) {
    const reason = e instanceof VersionSelectorError ? e.reason : String(e);
    throw new UserError('BadVersionSelector', s.line, s.text, text, reason);
  }
  if (!test) throw new UserError('BadVersionSelector', s.line, s.text, text, `not a ${rule.name} version, range or wildcard`);
  return { kind: 'range', test };
}

export interface Filters {
  prerelease: Request['prerelease'];
  sourceView?: string;
  keepLatest: number;
  olderThanDays: number;
  now: number;
}

const day = 24 * 60 * 60 * 1000;

/**
 * The contract's selection, for one package: filters (prerelease, sourceView), then the version
 * selector, then keepLatest, then olderThanDays. `matched` is what steps 1 to 3 left: a selector
 * that matched nothing is reported even where keepLatest or olderThanDays leave nothing to do.
 */
export function selectVersions(
  versions: PackageVersionInfo[],
  matcher: VersionMatcher,
  rule: VersionRule,
  f: Filters,
): { matched: PackageVersionInfo[]; selected: PackageVersionInfo[] } {
  const view = f.sourceView?.toLowerCase();
  const filtered = versions.filter((v) => {
    const pre = rule.isPrerelease(v.version);
    if (f.prerelease === 'exclude' && pre) return false;
    if (f.prerelease === 'only' && !pre) return false;
    if (view && !(v.views ?? []).some((x) => x.name.toLowerCase() === view || x.id.toLowerCase() === view)) return false;
    return true;
  });
  const desc = [...filtered].sort((a, b) => rule.compare(b.version, a.version));
  let matched: PackageVersionInfo[];
  switch (matcher.kind) {
    case 'latest':
      matched = desc.slice(0, 1);
      break;
    case 'all':
      matched = desc;
      break;
    case 'exact': {
      matched = desc.filter((v) => rule.compare(v.version, matcher.version) === 0);
      break;
    }
    case 'range':
      matched = desc.filter((v) => matcher.test(v.version));
      break;
  }
  let selected = matched.slice(f.keepLatest);
  if (f.olderThanDays > 0) {
    const cutoff = f.now - f.olderThanDays * day;
    selected = selected.filter((v) => v.publishDate !== undefined && Date.parse(v.publishDate) < cutoff);
  }
  return { matched, selected };
}
