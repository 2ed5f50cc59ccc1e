import { feedsApiVersion, packagingAreaId, Protocol } from '../protocols';
import type { Connection } from './connection';
import { HttpError } from './errors';

/** Shapes of the feeds API answers, as far as the task reads them. */
export interface FeedView { id: string; name: string; type?: string }
export interface Feed { id: string; name: string; project?: { id: string; name: string } | null; url?: string }
export interface PackageVersionInfo {
  id?: string;
  version: string;
  normalizedVersion?: string;
  isListed?: boolean;
  isDeleted?: boolean;
  publishDate?: string;
  deletedDate?: string;
  views?: FeedView[];
}
export interface PackageInfo { id: string; name: string; normalizedName?: string; protocolType?: string; versions: PackageVersionInfo[] }

interface ListAnswer<T> { count?: number; value?: T[] }

export const pageSize = 1000;

/** Where a feed lives: its project (id) or none for an organization-scoped feed. */
export interface FeedLocation { feedId: string; projectId: string | null }

/**
 * The feeds API (feeds, views, package listings, the recycle bin) and each protocol's own API,
 * over the one HTTP client.
 */
export class FeedsClient {
  constructor(private readonly connection: Connection) {}

  private async feedsBase(project: string | null): Promise<string> {
    const base = await this.connection.areaUrl(packagingAreaId);
    return project ? `${base}${encodeURIComponent(project)}/` : base;
  }

  private versions(protocol: Protocol) {
    const v = this.connection.onPremises ? protocol.apiVersions.onPremises : protocol.apiVersions.services;
    if (!v) throw new Error(`${protocol.displayName} is not available on this server`);
    return v;
  }

  private async get<T>(url: string, apiVersion = feedsApiVersion): Promise<T | undefined> {
    return (await this.connection.http.json<T>({ method: 'GET', url, apiVersion })).body;
  }

  /** Every feed the identity can see; without a project, the whole organization's. */
  async listFeeds(project: string | null): Promise<Feed[]> {
    const base = await this.feedsBase(project);
    const answer = await this.get<ListAnswer<Feed>>(`${base}_apis/packaging/feeds`);
    return answer?.value ?? [];
  }

  /** One feed by name or id, or undefined when there is none. */
  async getFeed(project: string | null, feed: string): Promise<Feed | undefined> {
    const base = await this.feedsBase(project);
    try {
      return await this.get<Feed>(`${base}_apis/packaging/feeds/${encodeURIComponent(feed)}`);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  async listViews(at: FeedLocation): Promise<FeedView[]> {
    const base = await this.feedsBase(at.projectId);
    const answer = await this.get<ListAnswer<FeedView>>(`${base}_apis/packaging/Feeds/${at.feedId}/views`);
    return answer?.value ?? [];
  }

  /**
   * Packages of one protocol with all their versions, page by page. No listing filter is sent
   * (isListed, isRelease, includeDeleted): the engine filters on its own side.
   */
  async listPackages(at: FeedLocation, protocol: Protocol, nameQuery?: string): Promise<PackageInfo[]> {
    return this.paged(at, 'packages', protocol, nameQuery, { includeAllVersions: 'true' });
  }

  /** The recycle bin's packages of one protocol, with their deleted versions. */
  async listRecycleBin(at: FeedLocation, protocol: Protocol, nameQuery?: string): Promise<PackageInfo[]> {
    return this.paged(at, 'RecycleBin/Packages', protocol, nameQuery, { includeAllVersions: 'true' });
  }

  private async paged(at: FeedLocation, what: string, protocol: Protocol, nameQuery: string | undefined, extra: Record<string, string>): Promise<PackageInfo[]> {
    const base = await this.feedsBase(at.projectId);
    const all: PackageInfo[] = [];
    for (let skip = 0; ; skip += pageSize) {
      const url = new URL(`${base}_apis/packaging/Feeds/${at.feedId}/${what}`);
      url.searchParams.set('protocolType', protocol.protocolType);
      if (nameQuery) url.searchParams.set('packageNameQuery', nameQuery);
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      url.searchParams.set('$top', String(pageSize));
      if (skip) url.searchParams.set('$skip', String(skip));
      const page = (await this.get<ListAnswer<PackageInfo>>(url.toString()))?.value ?? [];
      for (const p of page) all.push({ ...p, versions: p.versions ?? [] });
      if (page.length < pageSize) return all;
    }
  }

  private async protocolBase(at: FeedLocation, protocol: Protocol): Promise<string> {
    const base = await this.connection.areaUrl(protocol.areaId);
    const project = at.projectId ? `${encodeURIComponent(at.projectId)}/` : '';
    return `${base}${project}_apis/packaging/feeds/${at.feedId}/`;
  }

  /** A version through the protocol's own API (npm's carries the deprecation message). */
  async getVersion<T>(at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<T | undefined> {
    const url = (await this.protocolBase(at, protocol)) + protocol.versionPath(name, version);
    try {
      return await this.get<T>(url, this.versions(protocol).version);
    } catch (e) {
      if (e instanceof HttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  async updateVersion(at: FeedLocation, protocol: Protocol, name: string, version: string, body: unknown): Promise<void> {
    const url = (await this.protocolBase(at, protocol)) + protocol.versionPath(name, version);
    await this.connection.http.json({ method: 'PATCH', url, apiVersion: this.versions(protocol).version, body, changes: true });
  }

  async deleteVersion(at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<void> {
    const url = (await this.protocolBase(at, protocol)) + protocol.versionPath(name, version);
    await this.connection.http.json({ method: 'DELETE', url, apiVersion: this.versions(protocol).version, changes: true });
  }

  async restoreVersion(at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<void> {
    const url = (await this.protocolBase(at, protocol)) + protocol.recycleBinVersionPath(name, version);
    await this.connection.http.json({ method: 'PATCH', url, apiVersion: this.versions(protocol).recycleBin, body: { deleted: false }, changes: true });
  }

  async purgeVersion(at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<void> {
    const url = (await this.protocolBase(at, protocol)) + protocol.recycleBinVersionPath(name, version);
    await this.connection.http.json({ method: 'DELETE', url, apiVersion: this.versions(protocol).recycleBin, changes: true });
  }

  async batch(at: FeedLocation, protocol: Protocol, recycleBin: boolean, operation: string, data: unknown, items: { name: string; version: string }[]): Promise<void> {
    const v = this.versions(protocol);
    const url = (await this.protocolBase(at, protocol)) + (recycleBin ? protocol.recycleBinBatchPath : protocol.batchPath);
    const body: Record<string, unknown> = { operation, packages: items.map((i) => protocol.batchItem(i.name, i.version)) };
    if (data !== undefined) body.data = data;
    await this.connection.http.json({ method: 'POST', url, apiVersion: recycleBin ? v.recycleBinBatch : v.batch, body, changes: true });
  }

  /** A version's file: the API answers with a redirect to storage, which is fetched without the token. */
  async content(at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<Buffer> {
    if (!protocol.contentPath) throw new Error(`${protocol.displayName} has no download`);
    const url = (await this.protocolBase(at, protocol)) + protocol.contentPath(name, version);
    const v = this.versions(protocol);
    const answer = await this.connection.http.json({ method: 'GET', url, apiVersion: v.content ?? v.version, manualRedirect: true });
    const location = answer.headers['location'];
    const target = Array.isArray(location) ? location[0] : location;
    if (answer.status >= 300 && answer.status < 400 && target) {
      return this.connection.http.download(new URL(target, url).toString());
    }
    throw new HttpError(answer.status, 'GET', url, 'expected a redirect to the package content', undefined);
  }
}
