/**
 * Selectors -> candidates: the contract's selection, steps 1 to 5, per selector line, with waiting
 * for versions that are still being ingested. Reads the feed through FeedsPort only.
 */
import type { Protocol } from '../protocols';
import type { VersionRule } from '../versions/types';
import { VersionSelectorError } from '../versions/types';
import type { VersionState } from './actions';
import { badInput } from './failures';
import { Msg, msg } from './messages';
import type { FeedLocation, FeedsPort, FeedView, PackageInfo, PackageVersionInfo, Platform } from './ports';
import type { Prerelease, Request, Selector, Source } from './request';

/** What a version selector means. */
export type VersionMatcher =
  | { kind: 'latest' }
  | { kind: 'all' }
  | { kind: 'exact'; version: string }
  | { kind: 'range'; test: (v: string) => boolean }
  | { kind: 'glob'; pattern: RegExp };

/**
 * `latest`, `*`, an exact version, a range or wildcard in the protocol's grammar; else, when it
 * holds `*`, a glob over the version as the feed shows it; else an error naming the line.
 */
export function parseVersionSelector(s: Selector, rule: VersionRule): VersionMatcher {
  const text = s.version.trim();
  if (text.toLowerCase() === 'latest') return { kind: 'latest' };
  if (text === '*') return { kind: 'all' };
  if (rule.isValid(text)) return { kind: 'exact', version: text };
  let test: ((v: string) => boolean) | null = null;
  let reason = `not a ${rule.name} version, range or wildcard`;
  try {
    test = rule.parseRange(text);
  } catch (e) {
    reason = e instanceof VersionSelectorError ? e.reason : String(e);
  }
  if (test) return { kind: 'range', test };
  if (text.includes('*') && !/\s/.test(text)) return { kind: 'glob', pattern: globToRegExp(text) };
  throw badInput(msg('BadVersionSelector', { input: s.input, line: s.line }, s.text, text, reason));
}

export interface Filters {
  prerelease: Prerelease;
  source: Source;
  /** Keep only versions in this view now. */
  sourceView?: FeedView;
  /** Leave out versions in this view now. */
  exceptView?: FeedView;
  keepLatest: number;
  olderThanDays: number;
  now: number;
}

const day = 24 * 60 * 60 * 1000;

const inView = (v: PackageVersionInfo, view: FeedView) =>
  (v.views ?? []).some((x) => x.id.toLowerCase() === view.id.toLowerCase() || x.name.toLowerCase() === view.name.toLowerCase());

/** Saved from an upstream source rather than published here. */
export const isUpstream = (v: PackageVersionInfo): boolean => !!v.isCachedVersion || !!v.directUpstreamSourceId;

/**
 * The contract's selection, for one package: filters (prerelease, source, sourceView, exceptView),
 * then the version selector, then keepLatest, then olderThanDays. `matched` is what steps 1 to 3
 * left: a selector that matched nothing is reported even where steps 4 and 5 leave nothing to do.
 */
export function selectVersions(versions: PackageVersionInfo[], matcher: VersionMatcher, rule: VersionRule, f: Filters): { matched: PackageVersionInfo[]; selected: PackageVersionInfo[] } {
  const filtered = versions.filter((v) => passes(v, rule, f));
  // `latest` is found the same way where a listing is trimmed (matchedSet), so the two agree even
  // where a comparison is not transitive.
  const matched = matcher.kind === 'latest' ? latestOf(filtered, rule) : pick([...filtered].sort((a, b) => rule.compare(b.version, a.version)), matcher, rule);
  let selected = matched.slice(f.keepLatest);
  if (f.olderThanDays > 0) {
    const cutoff = f.now - f.olderThanDays * day;
    selected = selected.filter((v) => v.publishDate !== undefined && Date.parse(v.publishDate) < cutoff);
  }
  return { matched, selected };
}

/** Step 1, the filters. */
function passes(v: PackageVersionInfo, rule: VersionRule, f: Filters): boolean {
  const pre = rule.isPrerelease(v.version);
  if (f.prerelease === 'exclude' && pre) return false;
  if (f.prerelease === 'only' && !pre) return false;
  if (f.source === 'local' && isUpstream(v)) return false;
  if (f.source === 'upstream' && !isUpstream(v)) return false;
  if (f.sourceView && !inView(v, f.sourceView)) return false;
  if (f.exceptView && inView(v, f.exceptView)) return false;
  return true;
}

/** The versions the filters leave and the selector matches (selectVersions' `matched`), as a set: no sorting. */
function matchedSet(versions: PackageVersionInfo[], m: VersionMatcher, rule: VersionRule, f: Filters): PackageVersionInfo[] {
  return pick(versions.filter((v) => passes(v, rule, f)), m, rule);
}

/**
 * What the package manager installs when asked for no version: the highest stable version; the
 * highest pre-release only where nothing else is left (after the filters: with `prerelease: only`
 * that is every version, with `exclude` none is a pre-release).
 */
function latestOf(versions: PackageVersionInfo[], rule: VersionRule): PackageVersionInfo[] {
  const stable = versions.filter((v) => !rule.isPrerelease(v.version));
  return firstGreatest(stable.length ? stable : versions, rule);
}

/** The first of the greatest versions, in one pass (what a stable sort puts first, where the order is total). */
function firstGreatest(versions: PackageVersionInfo[], rule: VersionRule): PackageVersionInfo[] {
  let best: PackageVersionInfo | undefined;
  for (const v of versions) if (!best || rule.compare(v.version, best.version) > 0) best = v;
  return best ? [best] : [];
}

function pick(desc: PackageVersionInfo[], m: VersionMatcher, rule: VersionRule): PackageVersionInfo[] {
  switch (m.kind) {
    case 'latest':
      return latestOf(desc, rule);
    case 'all':
      return desc;
    case 'exact':
      return desc.filter((v) => rule.compare(v.version, m.version) === 0);
    case 'range':
      return desc.filter((v) => m.test(v.version));
    case 'glob':
      return desc.filter((v) => m.pattern.test(v.version));
  }
}

/** Glob with `*` and `?`, matched against the whole text: case-insensitively unless `caseSensitive`. */
export function globToRegExp(pattern: string, caseSensitive = false): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\/@:-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, caseSensitive ? 's' : 'is');
}

/**
 * A name glob as the server compares names: both sides in the protocol's comparison form
 * (lower case for NuGet, Universal, PyPI and Cargo, PEP 503 and `-`/`_` folded), case-sensitive
 * for npm and Maven, whose names the server takes as given.
 */
function nameGlob(protocol: Protocol, pattern: string): (name: string) => boolean {
  const re = globToRegExp(protocol.normalizeName(pattern), true);
  return (name) => re.test(protocol.normalizeName(name));
}

/** Levenshtein distance. */
export function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The versions of a package that are live (not deleted) or, for the recycle bin, deleted. */
export function versionsOf(p: PackageInfo, recycleBin: boolean): PackageVersionInfo[] {
  return recycleBin ? p.versions : p.versions.filter((v) => !v.isDeleted);
}

/** The state of a listed version; `deleted` from where it was found or its own flag. */
export function stateOf(v: PackageVersionInfo, protocol: Protocol, inRecycleBin: boolean): VersionState {
  return {
    views: (v.views ?? []).map((x) => x.name),
    listed: protocol.hasListing ? v.isListed ?? true : null,
    deleted: inRecycleBin || !!v.isDeleted,
    deprecated: null,
  };
}

/**
 * The packages of one protocol in a feed (live, or the recycle bin's). Exact names are asked with
 * `packageNameQuery`; globs and many names are found in one pass over the whole listing, page by
 * page, keeping only the packages some selector wants.
 */
export class Catalog {
  private wanted: { names: Set<string>; globs: ((name: string) => boolean)[] } | undefined;
  private pass: Promise<Map<string, PackageInfo>> | undefined;
  private readonly queried = new Map<string, Promise<PackageInfo | undefined>>();
  private names: Promise<string[]> | undefined;
  /** Pages the last full pass read: what a read-back through the listing costs. */
  pages = 0;

  constructor(
    private readonly feeds: FeedsPort,
    private readonly at: FeedLocation,
    private readonly protocol: Protocol,
    readonly recycleBin: boolean,
    /** What a full pass keeps of each package it keeps (`versionsWanted`); all of it by default. */
    private readonly trim?: (p: PackageInfo) => PackageInfo,
  ) {}

  /**
   * Reads the listing once for these selectors, when that is cheaper than one query per name: for
   * globs, and for more names than the listing has pages (`pages`, where a pass already told).
   * `lazily`: the pass starts when a name is first asked for (a side that most runs never read).
   */
  prepare(selectors: { name: string; glob: boolean }[], pages = 10, lazily = false): void {
    if (!selectors.some((s) => s.glob) && selectors.length <= pages) return;
    const names = new Set(selectors.filter((s) => !s.glob).map((s) => this.protocol.normalizeName(s.name)));
    const globs = selectors.filter((s) => s.glob).map((s) => nameGlob(this.protocol, s.name));
    this.wanted = { names, globs };
    this.pass = undefined;
    // Started now, awaited later: a failure is seen where it is awaited.
    if (!lazily) this.fullPass().catch(() => undefined);
  }

  private fullPass(): Promise<Map<string, PackageInfo>> {
    this.pass ??= (async () => {
      const kept = new Map<string, PackageInfo>();
      const w = this.wanted!;
      let pages = 0;
      for await (const page of this.feeds.packagePages(this.at, this.protocol, { recycleBin: this.recycleBin })) {
        pages++;
        for (const p of page) {
          const key = this.protocol.normalizeName(p.name);
          if (w.names.has(key) || w.globs.some((g) => g(p.name))) kept.set(key, this.trim ? this.trim(p) : p);
        }
      }
      this.pages = pages;
      return kept;
    })();
    return this.pass;
  }

  /** Starts the queries of the exact names the listing pass does not read, so they travel with other look-ups. */
  prefetch(selectors: { name: string; glob: boolean }[]): void {
    for (const s of selectors) if (!s.glob) this.byName(s.name).catch(() => undefined);
  }

  async byName(name: string): Promise<PackageInfo | undefined> {
    const key = this.protocol.normalizeName(name);
    if (this.wanted?.names.has(key)) return (await this.fullPass()).get(key);
    let found = this.queried.get(key);
    if (!found) {
      // The query is a part of the name that every spelling the server takes for it contains
      // (`package` for PyPI's my_package, which finds My-Package); the answer is then compared the
      // way the server compares names.
      found = this.query(this.protocol.nameQuery(name), (p) => this.protocol.normalizeName(p.name) === key).then((ps) => ps[0]);
      this.queried.set(key, found);
    }
    return found;
  }

  /** Packages whose name, or whose name in the form the server compares, the glob matches (`my_*` finds PyPI's `My-Package`). */
  async glob(pattern: string): Promise<PackageInfo[]> {
    if (!this.wanted) this.prepare([{ name: pattern, glob: true }]);
    const matches = nameGlob(this.protocol, pattern);
    return [...(await this.fullPass()).values()].filter((p) => matches(p.name));
  }

  private async query(nameQuery: string | undefined, keep: (p: PackageInfo) => boolean): Promise<PackageInfo[]> {
    const out: PackageInfo[] = [];
    for await (const page of this.feeds.packagePages(this.at, this.protocol, { recycleBin: this.recycleBin, nameQuery })) {
      for (const p of page) if (keep(p)) out.push(p);
    }
    return out;
  }

  /** Forget what was read (while waiting for a version). */
  forget(name: string): void {
    this.queried.delete(this.protocol.normalizeName(name));
    this.pass = undefined;
  }

  /**
   * The names closest to `name`, for a "package not found" message. The names come from one pass
   * over the listing, kept (names only) for every later missing name of the run.
   */
  async closest(name: string, max = 3): Promise<string[]> {
    this.names ??= (async () => {
      const names = new Set<string>();
      for await (const page of this.feeds.packagePages(this.at, this.protocol, { recycleBin: this.recycleBin })) {
        for (const p of page) names.add(p.name);
      }
      return [...names];
    })();
    const target = name.toLowerCase();
    return (await this.names)
      .map((n) => ({ name: n, d: distance(target, n.toLowerCase()) }))
      .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
      .slice(0, max)
      .map((x) => x.name);
  }
}

/**
 * What a listing pass needs to keep of a package for these selectors: a big feed's glob would
 * otherwise hold every version of every package until the selection, which then keeps a few. A
 * version is kept when some selector whose name takes the package could select it under the
 * filters known before the views are read (prerelease, source): that is a superset of what the
 * selection picks, and the same set for `latest` where no view filter applies (with one, `latest`
 * needs every version). An exact version is kept whatever the filters (the selection tells a
 * version that exists but is left out from one still to come), and a package some selector
 * may match no version of keeps its first eleven (the message about it lists ten, and says
 * whether there are more).
 */
export function versionsWanted(protocol: Protocol, selectors: Selector[], matchers: VersionMatcher[], req: Pick<Request, 'prerelease' | 'source' | 'sourceView' | 'exceptView'>, recycleBin: boolean): (p: PackageInfo) => PackageInfo {
  const rule = protocol.versionRule;
  const viewFilter = !!(req.sourceView || req.exceptView);
  const filters: Filters = { prerelease: req.prerelease, source: req.source, keepLatest: 0, olderThanDays: 0, now: 0 };
  const takes = selectors.map((s) => {
    if (s.glob) return nameGlob(protocol, s.name);
    const key = protocol.normalizeName(s.name);
    return (name: string) => protocol.normalizeName(name) === key;
  });
  return (p) => {
    const versions = versionsOf(p, recycleBin);
    const keep = new Set<PackageVersionInfo>();
    let firstTen = false;
    for (let i = 0; i < selectors.length; i++) {
      if (!takes[i](p.name)) continue;
      const m = matchers[i];
      if (m.kind === 'latest' && viewFilter) return p;
      const matched = matchedSet(versions, m, rule, filters);
      for (const v of matched) keep.add(v);
      if (m.kind === 'exact') for (const v of versions) if (rule.compare(v.version, m.version) === 0) keep.add(v);
      // Under a view filter, versions kept here may still all be left out later.
      if (!matched.length || viewFilter) firstTen = true;
    }
    // Ten to list, and one more to tell that there are more.
    if (firstTen) for (const v of versions.slice(0, 11)) keep.add(v);
    return keep.size === versions.length && versions.length === p.versions.length ? p : { ...p, versions: versions.filter((v) => keep.has(v)) };
  };
}

/** One selected version, with its state now. */
export interface Candidate {
  name: string;
  version: string;
  before: VersionState;
  published?: string;
  source: 'local' | 'upstream';
  /** The package's and the version's ids in the feed, where the listing gave them (for the version's own GET). */
  ids?: { packageId: string; versionId: string };
  /** Added by includeDependencies: `"<package>@<version>"` of the first version that needed it. */
  requiredBy?: string;
}

export interface SelectDeps {
  feeds: FeedsPort;
  platform: Platform;
  at: FeedLocation;
  protocol: Protocol;
  /** Where the action selects from, and the other side (for delete of what is deleted, restore of what is live). */
  catalog: Catalog;
  other: Catalog;
  /** Whether an exact version found on the other side counts as done (unchanged). */
  doneWhenElsewhere: boolean;
}

export function candidate(p: PackageInfo, v: PackageVersionInfo, protocol: Protocol, inRecycleBin: boolean): Candidate {
  const c: Candidate = { name: p.name, version: v.version, before: stateOf(v, protocol, inRecycleBin), published: v.publishDate, source: isUpstream(v) ? 'upstream' : 'local' };
  if (p.id && v.id) c.ids = { packageId: p.id, versionId: v.id };
  return c;
}

/** Steps 1 to 5 of the contract's selection for one selector line; waits for an exact version while waitSeconds allows. */
export async function selectOne(
  d: SelectDeps,
  req: Pick<Request, 'waitSeconds'>,
  s: Selector,
  matcher: VersionMatcher,
  filters: Filters,
): Promise<{ candidates: Candidate[]; problem?: Msg }> {
  const { protocol, catalog, other, platform } = d;
  const rule = protocol.versionRule;
  const deadline = platform.now() + req.waitSeconds * 1000;
  for (let pause = 1000; ; pause = Math.min(pause * 2, 10_000)) {
    const packages = s.glob ? await catalog.glob(s.name) : [await catalog.byName(s.name)].filter((p): p is PackageInfo => !!p);
    const candidates: Candidate[] = [];
    let matched = 0;
    for (const p of packages) {
      const r = selectVersions(versionsOf(p, catalog.recycleBin), matcher, rule, filters);
      matched += r.matched.length;
      for (const v of r.selected) candidates.push(candidate(p, v, protocol, catalog.recycleBin));
    }
    if (matched > 0) return { candidates };
    if (matcher.kind === 'exact') {
      // An exact version that exists but the filters leave out will not turn up by waiting.
      const exists = packages.some((p) => versionsOf(p, catalog.recycleBin).some((v) => rule.compare(v.version, matcher.version) === 0));
      if (!exists) {
        // Already where the action would take it: deleted for delete, live for restore.
        if (d.doneWhenElsewhere) {
          const p = await other.byName(s.name);
          const v = p && versionsOf(p, other.recycleBin).find((x) => rule.compare(x.version, matcher.version) === 0);
          if (p && v) return { candidates: [candidate(p, v, protocol, other.recycleBin)] };
        }
        const left = deadline - platform.now();
        if (left > 0) {
          platform.info(msg('Waiting', s.name, matcher.version, Math.ceil(left / 1000)));
          await platform.sleep(Math.min(pause, left));
          catalog.forget(s.name);
          other.forget(s.name);
          continue;
        }
      }
    }
    return { candidates: [], problem: await noMatch(d, s, packages) };
  }
}

async function noMatch(d: SelectDeps, s: Selector, packages: PackageInfo[]): Promise<Msg> {
  const { catalog, other } = d;
  if (!s.glob && packages.length === 0) {
    if (catalog.recycleBin && (await other.byName(s.name))) return msg('PackageNotInRecycleBin', { input: s.input, line: s.line }, s.text);
    // From the listing the action selects from, read once for every missing name of the run.
    const closest = await catalog.closest(s.name);
    return msg('PackageNotFound', { input: s.input, line: s.line }, s.text, closest.length ? closest.join(', ') : '(none)');
  }
  if (packages.length === 0) return msg('GlobNoMatch', { input: s.input, line: s.line }, s.text);
  const versions = packages.flatMap((p) => versionsOf(p, catalog.recycleBin).map((v) => v.version));
  const shown = versions.slice(0, 10).join(', ') + (versions.length > 10 ? ', …' : '');
  return msg('NoVersionMatch', { input: s.input, line: s.line }, s.text, s.version, { input: 'prerelease' }, { input: 'source' }, { input: 'sourceView' }, { input: 'exceptView' }, shown || '(none)');
}
