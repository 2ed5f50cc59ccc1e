import type { Feed, FeedLocation, FeedsClient, FeedView, PackageInfo, PackageVersionInfo } from '../azure/feeds';
import type { Protocol } from '../protocols';
import type { FeedRef } from './request';
import { UserError } from './messages';

export interface ResolvedFeed {
  feed: Feed;
  at: FeedLocation;
  /** `project/feed` or `feed`, for messages. */
  display: string;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** `project/feed` for project feeds, the bare name for organization feeds. */
export function feedDisplay(f: Feed): string {
  return f.project ? `${f.project.name}/${f.name}` : f.name;
}

function located(f: Feed): ResolvedFeed {
  return { feed: f, at: { feedId: f.id, projectId: f.project?.id ?? null }, display: feedDisplay(f) };
}

/**
 * The feed of the `feed` input. `project/feed` and `/feed` are asked for directly; a bare name
 * means the pipeline's project's feed of that name, else the organization's, else the only one of
 * that name in any project; several left is an error listing the choices.
 */
export async function resolveFeed(api: FeedsClient, ref: FeedRef, pipelineProject?: { id?: string; name?: string }): Promise<ResolvedFeed> {
  if (ref.project) {
    const found = await api.getFeed(ref.project, ref.feed);
    // Asked with a project, an organization feed is not found.
    if (found?.project) return located(found);
    throw await feedNotFound(api, ref.text);
  }
  if (ref.project === null) {
    // `/feedId`: the organization's feed by name or id, else the feed with that id in any project.
    const all = await api.listFeeds(null);
    const found = all.find((f) => !f.project && (same(f.id, ref.feed) || same(f.name, ref.feed))) ?? all.find((f) => same(f.id, ref.feed));
    if (found) return located(found);
    throw new UserError('FeedNotFound', ref.text, names(all.map(feedDisplay)));
  }
  const all = await api.listFeeds(null);
  const named = all.filter((f) => same(f.name, ref.feed) || same(f.id, ref.feed));
  const own = pipelineProject ? named.filter((f) => f.project && (same(f.project.id, pipelineProject.id) || same(f.project.name, pipelineProject.name))) : [];
  const organization = named.filter((f) => !f.project);
  const pick = own.length === 1 ? own : organization.length === 1 ? organization : named;
  if (pick.length === 1) return located(pick[0]);
  if (pick.length === 0) throw new UserError('FeedNotFound', ref.text, names(all.map(feedDisplay)));
  throw new UserError('FeedAmbiguous', ref.text, pick.map(feedDisplay).sort().join(', '));
}

async function feedNotFound(api: FeedsClient, text: string): Promise<UserError> {
  const all = await api.listFeeds(null).catch(() => [] as Feed[]);
  return new UserError('FeedNotFound', text, names(all.map(feedDisplay)));
}

/** A view by name (with or without `@`) or id. */
export async function resolveView(api: FeedsClient, feed: ResolvedFeed, view: string): Promise<FeedView> {
  const views = await api.listViews(feed.at);
  const found = views.find((v) => same(v.name, view) || same(v.id, view));
  if (!found) throw new UserError('ViewNotFound', view, feed.display, names(views.map((v) => v.name)));
  return found;
}

function names(list: string[]): string {
  return list.length ? [...new Set(list)].sort().join(', ') : '(none)';
}

/**
 * The packages of one protocol in a feed (live, or the recycle bin's), read once: exact names
 * with `packageNameQuery`, globs and many names from the whole listing, page by page.
 */
export class Catalog {
  private full: Promise<PackageInfo[]> | undefined;
  private readonly queried = new Map<string, Promise<PackageInfo | undefined>>();

  constructor(
    private readonly api: FeedsClient,
    private readonly at: FeedLocation,
    private readonly protocol: Protocol,
    readonly recycleBin: boolean,
  ) {}

  private list(nameQuery?: string): Promise<PackageInfo[]> {
    return this.recycleBin
      ? this.api.listRecycleBin(this.at, this.protocol, nameQuery)
      : this.api.listPackages(this.at, this.protocol, nameQuery);
  }

  all(): Promise<PackageInfo[]> {
    this.full ??= this.list();
    return this.full;
  }

  /** Loads the whole listing now: cheaper than one query per name when there are many names. */
  preferFull(): void {
    // Started now, awaited later (or never, when every name is found live): a failure is seen where it is awaited.
    this.all().catch(() => undefined);
  }

  async byName(name: string): Promise<PackageInfo | undefined> {
    const key = this.protocol.normalizeName(name);
    if (this.full) return (await this.full).find((p) => this.protocol.normalizeName(p.name) === key);
    let found = this.queried.get(key);
    if (!found) {
      // The query is a part of the name that every spelling the server takes for it contains
      // (`package` for PyPI's my_package, which finds My-Package); the answer is then compared the
      // way the server compares names.
      found = this.list(this.protocol.nameQuery(name)).then((ps) => ps.find((p) => this.protocol.normalizeName(p.name) === key));
      this.queried.set(key, found);
    }
    return found;
  }

  /** Packages whose name, or whose name in the form the server compares, the glob matches (`my_*` finds PyPI's `My-Package`). */
  async glob(pattern: string): Promise<PackageInfo[]> {
    const re = globToRegExp(pattern);
    const normalized = globToRegExp(this.protocol.normalizeName(pattern));
    return (await this.all()).filter((p) => re.test(p.name) || normalized.test(this.protocol.normalizeName(p.name)));
  }

  /** Forget what was read (after a change, or while waiting for a version). */
  forget(name?: string): void {
    if (name === undefined) {
      this.full = undefined;
      this.queried.clear();
    } else {
      this.queried.delete(this.protocol.normalizeName(name));
      this.full = undefined;
    }
  }

  /** The names closest to `name`, for a "package not found" message. */
  async closest(name: string, max = 3): Promise<string[]> {
    const all = await this.all();
    const target = name.toLowerCase();
    return all
      .map((p) => ({ name: p.name, d: distance(target, p.name.toLowerCase()) }))
      .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
      .slice(0, max)
      .map((x) => x.name);
  }
}

/** Glob with `*` and `?`, matched case-insensitively against the whole name. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\/@:-]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
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
