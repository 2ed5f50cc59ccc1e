/**
 * The feeds API (feeds, views, package listings, the recycle bin) and each protocol's own API, over
 * the one HTTP client: the engine's FeedsPort. Names and versions become path segments here and
 * nowhere else.
 */
import { failureOf, FailureError } from '../engine/failures';
import type { BatchChange, ByteStream, Feed, FeedLocation, FeedsPort, FeedView, PackageDependency, PackageInfo, PackageVersionInfo, SingleChange, VersionRef } from '../engine/ports';
import { feedsApiVersion, packagingAreaId, Protocol } from '../protocols';
import { segment } from '../protocols/names';
import type { Connection } from './connection';

interface ListAnswer<T> { count?: number; value?: T[] }

/**
 * Packages a listing page asks for. Each page is parsed whole, so this bounds memory: `show` over
 * 10,000 packages of 10 versions peaked at 190 MB with pages of 1,000 and 161 MB with 500, for a
 * request more per 500 packages.
 */
export const pageSize = 500;

export class FeedsClient implements FeedsPort {
  constructor(private readonly connection: Connection) {}

  requestCount(): number {
    return this.connection.http.stats.requests;
  }

  close(): void {
    this.connection.http.close();
  }

  async serverKind(): Promise<'services' | 'onPremises'> {
    await guard(() => this.connection.areaUrl(packagingAreaId));
    return this.connection.onPremises ? 'onPremises' : 'services';
  }

  private async feedsBase(project: string | null): Promise<string> {
    const base = await this.connection.areaUrl(packagingAreaId);
    return project ? `${base}${segment(project, 'project')}/` : base;
  }

  private versions(protocol: Protocol) {
    const v = this.connection.onPremises ? protocol.apiVersions.onPremises : protocol.apiVersions.services;
    if (!v) throw new FailureError({ kind: 'bug', detail: `${protocol.displayName} is not available on this server` });
    return v;
  }

  private async get<T>(url: string, apiVersion = feedsApiVersion): Promise<T | undefined> {
    return (await this.connection.http.json<T>({ method: 'GET', url, apiVersion })).body;
  }

  listFeeds(project: string | null): Promise<Feed[]> {
    return guard(async () => (await this.get<ListAnswer<Feed>>(`${await this.feedsBase(project)}_apis/packaging/feeds`))?.value ?? []);
  }

  getFeed(project: string, feed: string): Promise<Feed | undefined> {
    return guard(async () => this.get<Feed>(`${await this.feedsBase(project)}_apis/packaging/feeds/${segment(feed, 'feed')}`), true);
  }

  listViews(at: FeedLocation): Promise<FeedView[]> {
    return guard(async () => (await this.get<ListAnswer<FeedView>>(`${await this.feedsBase(at.projectId)}_apis/packaging/Feeds/${segment(at.feedId, 'feed')}/views`))?.value ?? []);
  }

  /**
   * Packages of one protocol with all their versions, a page at a time. No listing filter is sent
   * (isListed, isRelease, includeDeleted): the engine filters on its own side.
   */
  async *packagePages(at: FeedLocation, protocol: Protocol, query: { recycleBin: boolean; nameQuery?: string }): AsyncIterable<PackageInfo[]> {
    const base = await guard(() => this.feedsBase(at.projectId));
    const views = new Map<string, FeedView>();
    // A server that ignores $skip answers the same full page for ever: a page that brings no
    // package not seen before ends the listing with a failure, so that a run always ends.
    const seen = new Set<string>();
    for (let skip = 0; ; ) {
      const url = new URL(`${base}_apis/packaging/Feeds/${segment(at.feedId, 'feed')}/${query.recycleBin ? 'RecycleBin/Packages' : 'packages'}`);
      url.searchParams.set('protocolType', protocol.protocolType);
      if (query.nameQuery) url.searchParams.set('packageNameQuery', query.nameQuery);
      url.searchParams.set('includeAllVersions', 'true');
      // The links are not read: leaving them out makes a page of a big feed a fraction of the size.
      url.searchParams.set('includeUrls', 'false');
      url.searchParams.set('$top', String(pageSize));
      if (skip) url.searchParams.set('$skip', String(skip));
      const { packages: page, listed } = await this.listingPage(url, views);
      if (skip > 0 && page.length > 0) {
        const fresh = page.filter((p) => !seen.has(`${p.id}|${p.name}`)).length;
        if (fresh === 0) throw new FailureError({ kind: 'refused', status: 200, method: 'GET', url: url.toString().split('?')[0], detail: `the listing answered the same packages again for $skip=${skip}: paging is broken on the server` });
      }
      for (const p of page) seen.add(`${p.id}|${p.name}`);
      yield page;
      // A page shorter than asked for is the last, unless the server caps pages below $top (a
      // round number of entries): then the next page tells.
      if (listed === 0 || (listed < pageSize && listed % 100 !== 0)) return;
      skip += listed;
    }
  }

  /**
   * One page of a listing, each package trimmed at once to what the engine reads. The page's whole
   * answer lives only in here: the caller keeps the trimmed packages while the next page is read.
   */
  private async listingPage(url: URL, views: Map<string, FeedView>): Promise<{ packages: PackageInfo[]; listed: number }> {
    const answer = await guard(() => this.connection.http.json<unknown>({ method: 'GET', url: url.toString(), apiVersion: feedsApiVersion }));
    return readPage(answer.body, views);
  }

  versionDependencies(at: FeedLocation, packageId: string, versionId: string): Promise<PackageDependency[] | undefined> {
    return guard(async () => {
      const url = `${await this.feedsBase(at.projectId)}_apis/packaging/Feeds/${segment(at.feedId, 'feed')}/Packages/${segment(packageId, 'package')}/versions/${segment(versionId, 'version')}?includeUrls=false`;
      const version = await this.get<{ dependencies?: unknown }>(url);
      if (!version) return undefined;
      const out: PackageDependency[] = [];
      for (const d of Array.isArray(version.dependencies) ? (version.dependencies as Partial<PackageDependency>[]) : []) {
        if (!d || typeof d.packageName !== 'string' || !d.packageName) continue;
        out.push({ packageName: d.packageName, versionRange: typeof d.versionRange === 'string' ? d.versionRange : '', ...(typeof d.group === 'string' ? { group: d.group } : {}) });
      }
      return out;
    }, true);
  }

  private async protocolBase(at: FeedLocation, protocol: Protocol): Promise<string> {
    const base = await this.connection.areaUrl(protocol.areaId);
    const project = at.projectId ? `${segment(at.projectId, 'project')}/` : '';
    return `${base}${project}_apis/packaging/feeds/${segment(at.feedId, 'feed')}/`;
  }

  getVersion<T>(at: FeedLocation, protocol: Protocol, ref: VersionRef): Promise<T | undefined> {
    return guard(async () => this.get<T>((await this.protocolBase(at, protocol)) + protocol.versionPath(ref.name, ref.version), this.versions(protocol).version), true);
  }

  changeOne(at: FeedLocation, protocol: Protocol, ref: VersionRef, change: SingleChange): Promise<void> {
    return guard(async () => {
      const base = await this.protocolBase(at, protocol);
      const v = this.versions(protocol);
      const http = this.connection.http;
      switch (change.kind) {
        case 'update':
          await http.json({ method: 'PATCH', url: base + protocol.versionPath(ref.name, ref.version), apiVersion: v.version, body: change.body, changes: true });
          return;
        case 'delete':
          await http.json({ method: 'DELETE', url: base + protocol.versionPath(ref.name, ref.version), apiVersion: v.version, changes: true });
          return;
        case 'restore':
          await http.json({ method: 'PATCH', url: base + protocol.recycleBinVersionPath(ref.name, ref.version), apiVersion: v.recycleBin, body: { deleted: false }, changes: true });
          return;
        case 'purge':
          await http.json({ method: 'DELETE', url: base + protocol.recycleBinVersionPath(ref.name, ref.version), apiVersion: v.recycleBin, changes: true });
          return;
      }
    });
  }

  changeMany(at: FeedLocation, protocol: Protocol, refs: VersionRef[], change: BatchChange): Promise<void> {
    return guard(async () => {
      const v = this.versions(protocol);
      const url = (await this.protocolBase(at, protocol)) + (change.recycleBin ? protocol.recycleBinBatchPath : protocol.batchPath);
      const body: Record<string, unknown> = { operation: change.operation, packages: refs.map((r) => protocol.batchItem(r.name, r.version)) };
      if (change.data !== undefined) body.data = change.data;
      await this.connection.http.json({ method: 'POST', url, apiVersion: change.recycleBin ? v.recycleBinBatch : v.batch, body, changes: true });
    });
  }

  /** A version's file: the API answers with a redirect to storage, which is fetched without the token. */
  content(at: FeedLocation, protocol: Protocol, ref: VersionRef): Promise<ByteStream> {
    return guard(async () => {
      if (!protocol.contentPath) throw new FailureError({ kind: 'bug', detail: `${protocol.displayName} has no download` });
      const url = (await this.protocolBase(at, protocol)) + protocol.contentPath(ref.name, ref.version);
      const v = this.versions(protocol);
      const answer = await this.connection.http.json({ method: 'GET', url, apiVersion: v.content ?? v.version, manualRedirect: true });
      const location = answer.headers['location'];
      const target = Array.isArray(location) ? location[0] : location;
      if (answer.status >= 300 && answer.status < 400 && target) {
        return this.connection.http.download(new URL(target, url).toString());
      }
      throw new FailureError({ kind: 'refused', status: answer.status, method: 'GET', url: url.split('?')[0], detail: 'expected a redirect to the package content' });
    });
  }

  /** The feed's endpoint for the protocol's own client, from the location service's answer. */
  clientUrl(protocol: Protocol, feed: Feed): Promise<string> {
    return guard(async () => {
      if (protocol.clientPath === null) return this.connection.collectionUrl;
      const base = await this.connection.areaUrl(protocol.areaId);
      const project = feed.project ? `${segment(feed.project.name, 'project')}/` : '';
      return `${base}${project}_packaging/${segment(feed.name, 'feed')}/${protocol.clientPath}`;
    });
  }
}

/** Runs a call, turning every failure into a FailureError; `absentOn404`: a 404 is `undefined`. */
async function guard<T>(fn: () => Promise<T>, absentOn404 = false): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const f = failureOf(e);
    if (absentOn404 && f.kind === 'notFound') return undefined as T;
    throw new FailureError(f);
  }
}

/**
 * A listing page, `{"count":…,"value":[package, …]}`, each package trimmed to what the engine reads
 * (with each view object shared): `listed` counts the entries the server sent (for paging),
 * `packages` the usable ones. An answer without such an array is an empty page.
 */
export function readPage(doc: unknown, views: Map<string, FeedView>): { packages: PackageInfo[]; listed: number } {
  const value = doc && typeof doc === 'object' && Array.isArray((doc as { value?: unknown }).value) ? ((doc as { value: unknown[] }).value) : [];
  const packages: PackageInfo[] = [];
  for (const raw of value) {
    const p = trimPackage(raw, views);
    if (p) packages.push(p);
  }
  return { packages, listed: value.length };
}

function trimPackage(raw: unknown, views: Map<string, FeedView>): PackageInfo | undefined {
  const p = raw as Partial<PackageInfo> | null;
  if (!p || typeof p !== 'object' || typeof p.name !== 'string') return undefined;
  const versions: PackageVersionInfo[] = [];
  for (const v of Array.isArray(p.versions) ? p.versions : []) {
    if (!v || typeof v.version !== 'string') continue;
    // Only the fields present: a feed of 100,000 versions holds this object 100,000 times.
    const kept: PackageVersionInfo = { ...(typeof v.id === 'string' && v.id ? { id: v.id } : {}), version: v.version, views: Array.isArray(v.views) ? v.views.filter((x) => x && typeof x.id === 'string' && typeof x.name === 'string').map((x) => shared(views, x)) : [] };
    if (typeof v.isListed === 'boolean') kept.isListed = v.isListed;
    if (v.isDeleted === true) kept.isDeleted = true;
    if (typeof v.publishDate === 'string') kept.publishDate = v.publishDate;
    if (v.isCachedVersion === true) kept.isCachedVersion = true;
    if (typeof v.directUpstreamSourceId === 'string' && v.directUpstreamSourceId) kept.directUpstreamSourceId = v.directUpstreamSourceId;
    versions.push(kept);
  }
  return { id: String(p.id ?? ''), name: p.name, versions };
}

function shared(views: Map<string, FeedView>, v: FeedView): FeedView {
  const key = `${v.id}\u0000${v.name}`;
  let found = views.get(key);
  if (!found) {
    found = { id: v.id, name: v.name };
    views.set(key, found);
  }
  return found;
}
