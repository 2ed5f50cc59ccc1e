// What each route does. Handlers return a Reply (or throw HttpError); the server writes it,
// so a fault can apply a change and still lose the answer.
import { createHash } from 'node:crypto';
import type { Route } from './routes';
import type { FeedState, PackageState, ProjectState, Store, TokenState, VersionState, ViewState } from './store';
import type { ProtocolKey, Role } from './types';
import { compareVersions, isPrerelease, normalizeName, protocolFromType, PROTOCOL_TYPE, wrapped, WrappedException } from './util';

export interface Urls { org: string; feeds: string; pkgs: string; blob: string; collection: string; entra: string; attacker: string }

export interface Reply {
  status: number;
  json?: unknown;
  text?: string;
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export class HttpError extends Error {
  constructor(public status: number, public body: WrappedException, public nonconforming?: string, public headers?: Record<string, string>) {
    super(body.message);
  }
}

export interface Ctx {
  store: Store;
  urls: Urls;
  mode: 'services' | 'onprem';
  route: Route;
  params: Record<string, string>;
  project: ProjectState | null;
  /** Query parameters with lower-cased names. */
  q: Map<string, string>;
  body: unknown;
  rawBody: string;
  contentType: string;
  identity: TokenState | null;
  now: number;
  /** A cap on `$top`, for servers that answer shorter pages than asked. */
  maxPageSize?: number;
}

const ROLE_RANK: Record<Role, number> = { reader: 0, contributor: 1, owner: 2 };

export const RESOURCE_AREAS: { id: string; name: string; host: 'feeds' | 'pkgs' | 'org' }[] = [
  { id: '7ab4e64e-c4d8-4f50-ae73-5ef2e21642a5', name: 'Packaging', host: 'feeds' },
  { id: 'b3be7473-68ea-4a81-bfc7-9530baaa19ad', name: 'nuget', host: 'pkgs' },
  { id: '4c83cfc1-f33a-477e-a789-29d38ffca52e', name: 'npm', host: 'pkgs' },
  { id: '92f0314b-06c5-46e0-abe7-15fd9d13276a', name: 'pypi', host: 'pkgs' },
  { id: '6f7f8c07-ff36-473c-bcf3-bd6cc9b6c066', name: 'maven', host: 'pkgs' },
  { id: 'd397749b-f115-4027-b6dd-77a65dd10d21', name: 'upack', host: 'pkgs' },
  { id: '71f96160-8701-4914-aed9-c44b89f20ccd', name: 'cargo', host: 'pkgs' },
  { id: '79134c72-4a58-4b42-976c-04e7115f32bf', name: 'core', host: 'org' },
];

export const LOCATION_AREA_ID = 'e81700f7-3be2-46de-8624-2eb35882fcaa';

// ---------------------------------------------------------------------------------------------
// Errors

export const bad = (message: string, nonconforming: string, typeKey = 'InvalidArgumentValueException'): HttpError =>
  new HttpError(400, wrapped(message, typeKey, 'Vss'), nonconforming);
const notFound = (message: string, typeKey: string): HttpError => new HttpError(404, wrapped(message, typeKey));

function feedNotFound(ref: string): HttpError {
  return notFound(`The feed with ID '${ref}' doesn't exist.`, 'FeedIdNotFoundException');
}
function packageNotFound(feed: FeedState, name: string): HttpError {
  return notFound(`The package '${name}' could not be found in feed '${feed.name}'.`, 'PackageNotFoundException');
}
function versionNotFound(feed: FeedState, name: string, version: string, extra = ''): HttpError {
  return notFound(`The version '${version}' of package '${name}' could not be found in feed '${feed.name}'.${extra}`, 'PackageVersionNotFoundException');
}

export function need(ctx: Ctx, role: Role, permission: string): void {
  const id = ctx.identity!;
  if (ROLE_RANK[id.role] >= ROLE_RANK[role]) return;
  throw new HttpError(403, wrapped(
    // The service's own wording: it names the identity and the permission, never the role.
    `User '${id.name}' lacks permission to complete this action. You need to have '${permission}'.`,
    'FeedNeedsPermissionsException'));
}

// ---------------------------------------------------------------------------------------------
// Query helpers

function qBool(ctx: Ctx, name: string): boolean | undefined {
  const v = ctx.q.get(name.toLowerCase());
  if (v === undefined) return undefined;
  if (/^true$/i.test(v)) return true;
  if (/^false$/i.test(v)) return false;
  throw bad(`The value '${v}' is not valid for ${name}.`, `query ${name} is not a boolean`);
}

function qInt(ctx: Ctx, name: string, dflt: number): number {
  const v = ctx.q.get(name.toLowerCase());
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw bad(`The value '${v}' is not valid for ${name}.`, `query ${name} is not a non-negative integer`);
  return Number(v);
}

// ---------------------------------------------------------------------------------------------
// JSON shapes

function projectRef(ctx: Ctx, id: string | null): unknown {
  if (!id) return null;
  return { id, name: ctx.store.projectName(id), visibility: 'private' };
}

function feedBase(ctx: Ctx, feed: FeedState): string {
  return `${ctx.urls.feeds}/${feed.projectId ? feed.projectId + '/' : ''}_apis/Packaging/Feeds/${feed.id}`;
}

function viewJson(ctx: Ctx, feed: FeedState, v: ViewState): unknown {
  const url = `${feedBase(ctx, feed)}/Views/${v.id}`;
  return { id: v.id, name: v.name, url, type: v.type, visibility: v.type === 'implicit' ? null : 'collection', _links: { self: { href: url } } };
}

function shortViewJson(ctx: Ctx, feed: FeedState, v: ViewState): unknown {
  return { id: v.id, name: v.name, url: `${feedBase(ctx, feed)}/Views/${v.id}`, type: v.type };
}

function feedJson(ctx: Ctx, feed: FeedState): unknown {
  const url = feedBase(ctx, feed);
  const local = feed.views[0];
  return {
    id: feed.id, name: feed.name, description: '', url,
    project: projectRef(ctx, feed.projectId),
    viewId: null, viewName: null, view: null,
    fullyQualifiedName: feed.name, fullyQualifiedId: feed.id,
    defaultViewId: local.id, isReadOnly: false, upstreamEnabled: false, upstreamSources: [],
    capabilities: 'defaultCapabilities', hideDeletedPackageVersions: true, badgesEnabled: false,
    _links: { self: { href: url }, packages: { href: `${url}/Packages` }, permissions: { href: `${url}/Permissions` } },
  };
}

function visible(ctx: Ctx, v: VersionState): boolean {
  return !v.permanentlyDeleted && ctx.now >= v.visibleAt;
}

function latestOf(ctx: Ctx, pkg: PackageState): VersionState | undefined {
  let best: VersionState | undefined;
  for (const v of pkg.versions.values()) {
    if (!visible(ctx, v) || v.deleted) continue;
    if (!best || compareVersions(v.normalized, best.normalized) > 0) best = v;
  }
  return best;
}

function versionViews(ctx: Ctx, feed: FeedState, v: VersionState): unknown[] {
  return feed.views.filter((x) => x.type === 'implicit' || v.views.has(x.id)).map((x) => shortViewJson(ctx, feed, x));
}

function packageUrl(ctx: Ctx, pkg: PackageState): string {
  return `${feedBase(ctx, pkg.feed)}/Packages/${pkg.id}`;
}

/** A version's storage id, derived from its id once (a hash per version per listing is most of a listing's time). */
const storageIds = new Map<string, string>();
function storageIdOf(id: string): string {
  let found = storageIds.get(id);
  if (!found) {
    found = createHash('sha1').update(id).digest('hex').toUpperCase();
    if (storageIds.size >= 500_000) storageIds.clear();
    storageIds.set(id, found);
  }
  return found;
}

function minimalVersionJson(ctx: Ctx, pkg: PackageState, v: VersionState, latest: VersionState | undefined, description: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: v.id, normalizedVersion: v.normalized, version: v.version,
    isLatest: latest === v, isListed: v.listed, storageId: storageIdOf(v.id),
    views: versionViews(ctx, pkg.feed, v), publishDate: v.publishDate, isDeleted: v.deleted,
    isCachedVersion: v.upstreamSourceId !== null,
  };
  if (v.upstreamSourceId !== null) out.directUpstreamSourceId = v.upstreamSourceId;
  if (v.deleted) out.deletedDate = v.deletedDate;
  if (description) out.packageDescription = `${pkg.name} ${v.version}`;
  return out;
}

function packageJson(ctx: Ctx, pkg: PackageState, versions: VersionState[], includeUrls: boolean, description: boolean): unknown {
  const latest = latestOf(ctx, pkg);
  const url = packageUrl(ctx, pkg);
  const out: Record<string, unknown> = {
    id: pkg.id, normalizedName: pkg.normalizedName, name: pkg.name, protocolType: PROTOCOL_TYPE[pkg.protocol], url,
    versions: versions.map((v) => minimalVersionJson(ctx, pkg, v, latest, description)),
  };
  if (includeUrls) out._links = { self: { href: url }, feed: { href: feedBase(ctx, pkg.feed) }, versions: { href: `${url}/Versions` } };
  return out;
}

function packageVersionJson(ctx: Ctx, pkg: PackageState, v: VersionState, recycleBin: boolean): unknown {
  const url = `${packageUrl(ctx, pkg)}/Versions/${v.id}`;
  const out: Record<string, unknown> = {
    ...minimalVersionJson(ctx, pkg, v, latestOf(ctx, pkg), false),
    author: '', description: '', summary: '', tags: [], files: [], otherVersions: [], sourceChain: [],
    dependencies: v.dependencies.map((d) => (d.group === undefined ? { packageName: d.packageName, versionRange: d.versionRange } : { packageName: d.packageName, versionRange: d.versionRange, group: d.group })),
    protocolMetadata: { schemaVersion: 1, data: {} }, url,
    _links: { self: { href: url }, feed: { href: feedBase(ctx, pkg.feed) }, package: { href: packageUrl(ctx, pkg) } },
  };
  if (recycleBin) out.scheduledPermanentDeleteDate = scheduled(v);
  return out;
}

function scheduled(v: VersionState): string | null {
  return v.deletedDate ? new Date(Date.parse(v.deletedDate) + 30 * 86_400_000).toISOString() : null;
}

const list = (value: unknown[]): Reply => ({ status: 200, json: { count: value.length, value } });

// ---------------------------------------------------------------------------------------------
// Location service

export function locationOptions(ctx: Ctx): Reply {
  return list([{
    id: LOCATION_AREA_ID, area: 'Location', resourceName: 'ResourceAreas', routeTemplate: '_apis/{resource}/{areaId}',
    resourceVersion: 1, minVersion: '3.2', maxVersion: '7.2', releasedVersion: '0.0',
  }]);
}

function areaJson(ctx: Ctx, a: (typeof RESOURCE_AREAS)[number]): unknown {
  return { id: a.id, name: a.name, locationUrl: `${ctx.urls[a.host]}/` };
}

export function resourceAreas(ctx: Ctx): Reply {
  if (ctx.mode === 'onprem') return list([]);
  return list(RESOURCE_AREAS.map((a) => areaJson(ctx, a)));
}

export function resourceArea(ctx: Ctx): Reply {
  const id = ctx.params.areaId.toLowerCase();
  const a = ctx.mode === 'services' ? RESOURCE_AREAS.find((x) => x.id === id) : undefined;
  if (!a) throw notFound(`Resource area '${ctx.params.areaId}' was not found.`, 'ResourceAreaNotFoundException');
  return { status: 200, json: areaJson(ctx, a) };
}

// ---------------------------------------------------------------------------------------------
// Feeds, views

export function routeFeed(ctx: Ctx): FeedState {
  const ref = ctx.params.feedId ?? ctx.params.feed;
  const feed = ctx.store.routeFeed(ref, ctx.project);
  if (!feed) throw feedNotFound(ref);
  return feed;
}

export function feedsList(ctx: Ctx): Reply {
  const feeds = ctx.store.feeds.filter((f) => (ctx.project ? f.projectId === ctx.project.id : true));
  return list([...feeds].sort((a, b) => a.name.localeCompare(b.name)).map((f) => feedJson(ctx, f)));
}

export function feedGet(ctx: Ctx): Reply {
  return { status: 200, json: feedJson(ctx, routeFeed(ctx)) };
}

export function viewsList(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  return list(feed.views.map((v) => viewJson(ctx, feed, v)));
}

export function viewGet(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const v = ctx.store.view(feed, ctx.params.viewId);
  if (!v) throw notFound(`The view '${ctx.params.viewId}' doesn't exist in feed '${feed.name}'.`, 'FeedViewNotFoundException');
  return { status: 200, json: viewJson(ctx, feed, v) };
}

// ---------------------------------------------------------------------------------------------
// Packages listing and versions (feeds API)

interface VersionFilter { includeDeleted?: boolean; isListed?: boolean; isRelease?: boolean; isDeleted?: boolean }

function admits(ctx: Ctx, pkg: PackageState, v: VersionState, f: VersionFilter): boolean {
  if (!visible(ctx, v)) return false;
  if (f.includeDeleted === false && v.deleted) return false;
  if (f.isDeleted !== undefined && v.deleted !== f.isDeleted) return false;
  if (f.isListed !== undefined && v.listed !== f.isListed) return false;
  if (f.isRelease !== undefined && isPrerelease(pkg.protocol, v.version) === f.isRelease) return false;
  return true;
}

/** The package's versions that pass the filter, highest first. */
function filterVersions(ctx: Ctx, pkg: PackageState, f: VersionFilter): VersionState[] {
  const out: VersionState[] = [];
  for (const v of pkg.versions.values()) if (admits(ctx, pkg, v, f)) out.push(v);
  return out.sort((a, b) => compareVersions(b.normalized, a.normalized));
}

/** Whether any version passes (stops at the first: skipped pages cost no sorting). */
function anyVersion(ctx: Ctx, pkg: PackageState, f: VersionFilter): boolean {
  for (const v of pkg.versions.values()) if (admits(ctx, pkg, v, f)) return true;
  return false;
}

function candidatePackages(ctx: Ctx, feed: FeedState, protocolType: string | undefined, nameQuery: string | undefined, normalized: string | undefined): PackageState[] {
  let protocol: ProtocolKey | undefined;
  if (protocolType !== undefined) {
    protocol = protocolFromType(protocolType);
    if (!protocol) return [];
  }
  if (normalized !== undefined) {
    // Index lookup: one probe per protocol, never a scan.
    const out: PackageState[] = [];
    for (const p of protocol ? [protocol] : (['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'] as ProtocolKey[])) {
      const pkg = ctx.store.getPackage(feed, p, normalized);
      if (pkg) out.push(pkg);
    }
    return out.filter((p) => !nameQuery || p.name.toLowerCase().includes(nameQuery.toLowerCase()));
  }
  const all = ctx.store.sortedPackages(feed, protocol);
  if (!nameQuery) return all;
  const l = nameQuery.toLowerCase();
  return all.filter((p) => p.name.toLowerCase().includes(l) || p.normalizedName.toLowerCase().includes(l));
}

export function packagesList(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const top = Math.min(qInt(ctx, '$top', 1000), ctx.maxPageSize ?? Infinity);
  const skip = qInt(ctx, '$skip', 0);
  const all = qBool(ctx, 'includeAllVersions') === true;
  const topVersions = qBool(ctx, 'getTopPackageVersions') === true && all;
  const includeUrls = qBool(ctx, 'includeUrls') !== false;
  const description = qBool(ctx, 'includeDescription') === true;
  qBool(ctx, 'isCached');
  const filter: VersionFilter = { includeDeleted: qBool(ctx, 'includeDeleted'), isListed: qBool(ctx, 'isListed'), isRelease: qBool(ctx, 'isRelease') };
  const cands = candidatePackages(ctx, feed, ctx.q.get('protocoltype'), ctx.q.get('packagenamequery'), ctx.q.get('normalizedpackagename'));
  const out: unknown[] = [];
  let skipped = 0;
  let taken = 0;
  for (const pkg of cands) {
    if (taken >= top) break;
    if (!topVersions && skipped < skip) {
      if (anyVersion(ctx, pkg, filter)) skipped++;
      continue;
    }
    let vs = filterVersions(ctx, pkg, filter);
    if (vs.length === 0) continue;
    if (!all) {
      const latest = latestOf(ctx, pkg);
      vs = [vs.includes(latest!) ? latest! : vs[0]];
    }
    if (topVersions) {
      // $top/$skip count versions, not packages.
      const drop = Math.min(skip - skipped, vs.length);
      skipped += drop;
      vs = vs.slice(drop, drop + (top - taken));
      if (vs.length === 0) continue;
      taken += vs.length;
    } else {
      if (skipped < skip) { skipped++; continue; }
      taken++;
    }
    out.push(packageJson(ctx, pkg, vs, includeUrls, description));
  }
  return list(out);
}

function pkgById(ctx: Ctx, feed: FeedState): PackageState {
  const pkg = feed.byId.get(ctx.params.packageId.toLowerCase());
  if (!pkg || !anyVersion(ctx, pkg, {})) throw notFound(`The package with ID '${ctx.params.packageId}' could not be found in feed '${feed.name}'.`, 'PackageNotFoundException');
  return pkg;
}

export function packageGet(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const pkg = pkgById(ctx, feed);
  let vs = filterVersions(ctx, pkg, { includeDeleted: qBool(ctx, 'includeDeleted'), isListed: qBool(ctx, 'isListed'), isRelease: qBool(ctx, 'isRelease') });
  if (qBool(ctx, 'includeAllVersions') !== true && vs.length) {
    const latest = latestOf(ctx, pkg);
    vs = [latest && vs.includes(latest) ? latest : vs[0]];
  }
  return { status: 200, json: packageJson(ctx, pkg, vs, qBool(ctx, 'includeUrls') !== false, qBool(ctx, 'includeDescription') === true) };
}

export function versionsList(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const pkg = pkgById(ctx, feed);
  qBool(ctx, 'includeUrls');
  const vs = filterVersions(ctx, pkg, { isListed: qBool(ctx, 'isListed'), isDeleted: qBool(ctx, 'isDeleted') });
  return list(vs.map((v) => packageVersionJson(ctx, pkg, v, false)));
}

function versionById(ctx: Ctx, pkg: PackageState): VersionState {
  const hit = ctx.store.versionsById.get(ctx.params.packageVersionId.toLowerCase());
  if (!hit || hit.pkg !== pkg || !visible(ctx, hit.ver)) throw versionNotFound(pkg.feed, pkg.name, ctx.params.packageVersionId);
  return hit.ver;
}

export function versionGet(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const pkg = pkgById(ctx, feed);
  const v = versionById(ctx, pkg);
  const isDeleted = qBool(ctx, 'isDeleted');
  const isListed = qBool(ctx, 'isListed');
  if ((isDeleted !== undefined && v.deleted !== isDeleted) || (isListed !== undefined && v.listed !== isListed)) throw versionNotFound(feed, pkg.name, v.version);
  return { status: 200, json: packageVersionJson(ctx, pkg, v, false) };
}

// ---------------------------------------------------------------------------------------------
// Recycle bin (feeds API)

function deletedVersions(ctx: Ctx, pkg: PackageState): VersionState[] {
  return filterVersions(ctx, pkg, { isDeleted: true });
}

export function recycleBinList(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const top = Math.min(qInt(ctx, '$top', 1000), ctx.maxPageSize ?? Infinity);
  const skip = qInt(ctx, '$skip', 0);
  const all = qBool(ctx, 'includeAllVersions') === true;
  const includeUrls = qBool(ctx, 'includeUrls') !== false;
  const out: unknown[] = [];
  let skipped = 0;
  for (const pkg of candidatePackages(ctx, feed, ctx.q.get('protocoltype'), ctx.q.get('packagenamequery'), undefined)) {
    if (out.length >= top) break;
    if (skipped < skip) {
      if (anyVersion(ctx, pkg, { isDeleted: true })) skipped++;
      continue;
    }
    const vs = deletedVersions(ctx, pkg);
    if (!vs.length) continue;
    out.push(recycleBinPackageJson(ctx, pkg, all ? vs : vs.slice(0, 1), includeUrls));
  }
  return list(out);
}

function recycleBinPackageJson(ctx: Ctx, pkg: PackageState, vs: VersionState[], includeUrls: boolean): unknown {
  const p = packageJson(ctx, pkg, [], includeUrls, false) as Record<string, unknown>;
  p.url = `${feedBase(ctx, pkg.feed)}/RecycleBin/Packages/${pkg.id}`;
  p.versions = vs.map((v) => ({ ...minimalVersionJson(ctx, pkg, v, undefined, false), deletedDate: v.deletedDate, scheduledPermanentDeleteDate: scheduled(v) }));
  return p;
}

function recycleBinPkg(ctx: Ctx): { feed: FeedState; pkg: PackageState; vs: VersionState[] } {
  const feed = routeFeed(ctx);
  const pkg = feed.byId.get(ctx.params.packageId.toLowerCase());
  const vs = pkg ? deletedVersions(ctx, pkg) : [];
  if (!pkg || !vs.length) throw notFound(`The package with ID '${ctx.params.packageId}' could not be found in the recycle bin of feed '${feed.name}'.`, 'PackageNotFoundException');
  return { feed, pkg, vs };
}

export function recycleBinPackage(ctx: Ctx): Reply {
  const { pkg, vs } = recycleBinPkg(ctx);
  return { status: 200, json: recycleBinPackageJson(ctx, pkg, vs, qBool(ctx, 'includeUrls') !== false) };
}

export function recycleBinVersions(ctx: Ctx): Reply {
  const { pkg, vs } = recycleBinPkg(ctx);
  return list(vs.map((v) => packageVersionJson(ctx, pkg, v, true)));
}

export function recycleBinVersion(ctx: Ctx): Reply {
  const { feed, pkg } = recycleBinPkg(ctx);
  const v = versionById(ctx, pkg);
  if (!v.deleted) throw versionNotFound(feed, pkg.name, v.version, ' It is not in the recycle bin.');
  return { status: 200, json: packageVersionJson(ctx, pkg, v, true) };
}

// ---------------------------------------------------------------------------------------------
// Protocol routes

function routeNameVersion(ctx: Ctx): { name: string; version: string } {
  const p = ctx.params;
  if (ctx.route.protocol === 'maven') return { name: `${p.groupId}:${p.artifactId}`, version: p.version };
  if (p.packageScope !== undefined) return { name: `@${p.packageScope}/${p.unscopedPackageName}`, version: p.packageVersion };
  return { name: p.packageName, version: p.packageVersion };
}

interface Found { feed: FeedState; pkg: PackageState; ver: VersionState }

function findVersion(ctx: Ctx, feed: FeedState, protocol: ProtocolKey, name: string, version: string): { pkg: PackageState; ver: VersionState } {
  const pkg = ctx.store.getPackage(feed, protocol, name);
  if (!pkg || !anyVersion(ctx, pkg, {})) throw packageNotFound(feed, name);
  const ver = ctx.store.getVersion(pkg, version);
  if (!ver || !visible(ctx, ver)) throw versionNotFound(feed, name, version);
  return { pkg, ver };
}

function live(ctx: Ctx, f: Found, name: string, version: string): void {
  if (f.ver.deleted) throw versionNotFound(f.feed, name, version, ' It is in the recycle bin.');
}

function protocolPackageJson(ctx: Ctx, f: Found): unknown {
  const { pkg, ver } = f;
  const self = `${ctx.urls.pkgs}/${pkg.feed.projectId ? pkg.feed.projectId + '/' : ''}_apis/packaging/feeds/${pkg.feed.id}/${pkg.protocol}/packages/${encodeURIComponent(pkg.name)}/versions/${encodeURIComponent(ver.version)}`;
  const base: Record<string, unknown> = { id: ver.id, name: pkg.name, version: ver.version, permanentlyDeletedDate: null, sourceChain: [], _links: { self: { href: self }, feed: { href: feedBase(ctx, pkg.feed) } } };
  switch (pkg.protocol) {
    case 'nuget': return { ...base, listed: ver.listed, deletedDate: ver.deletedDate };
    case 'npm': return { ...base, deprecateMessage: ver.deprecated, unpublishedDate: ver.deletedDate };
    default: return { ...base, deletedDate: ver.deletedDate };
  }
}

export function protocolVersionGet(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const { name, version } = routeNameVersion(ctx);
  const f = { feed, ...findVersion(ctx, feed, ctx.route.protocol!, name, version) };
  const showDeleted = ctx.route.protocol === 'npm' ? true : qBool(ctx, 'showDeleted') === true;
  if (f.ver.deleted && !showDeleted) live(ctx, f, name, version);
  return { status: 200, json: protocolPackageJson(ctx, f) };
}

function requireJsonBody(ctx: Ctx): Record<string, unknown> {
  const ct = ctx.contentType.toLowerCase();
  if (ct.includes('json-patch')) throw bad('The content type application/json-patch+json is not supported here; send application/json.', 'PATCH with application/json-patch+json', 'VssRequestContentTypeNotSupportedException');
  if (!ct.startsWith('application/json')) throw bad(`The content type '${ctx.contentType}' is not supported; send application/json.`, `body content type '${ctx.contentType}'`, 'VssRequestContentTypeNotSupportedException');
  const b = ctx.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw bad('The request body must be a JSON object.', 'body is not a JSON object', 'VssRequestContentTypeNotSupportedException');
  return b as Record<string, unknown>;
}

const PATCH_KEYS: Record<ProtocolKey, string[]> = {
  nuget: ['views', 'listed'], npm: ['views', 'deprecateMessage'], pypi: ['views'], maven: ['views'], upack: ['views'], cargo: ['views'],
};

function resolvePromotionView(ctx: Ctx, feed: FeedState, value: unknown, where: string): ViewState {
  if (typeof value !== 'string' || !value) throw bad(`${where} must name a view.`, `${where} is not a view name or id`);
  const view = ctx.store.view(feed, value);
  if (!view) throw notFound(`The view '${value}' doesn't exist in feed '${feed.name}'.`, 'FeedViewNotFoundException');
  if (view.type === 'implicit') throw bad(`Package versions cannot be promoted to the implicit view '${view.name}'.`, `${where} names the implicit view`, 'InvalidViewOperationException');
  return view;
}

export function protocolVersionPatch(ctx: Ctx): Reply {
  const protocol = ctx.route.protocol!;
  const feed = routeFeed(ctx);
  const body = requireJsonBody(ctx);
  const keys = Object.keys(body);
  const allowed = PATCH_KEYS[protocol];
  const unknown = keys.filter((k) => !allowed.includes(k));
  if (unknown.length || !keys.length) throw bad(`The request body may only contain ${allowed.join(', ')}.`, `PATCH body keys [${keys.join(', ')}]`);
  const views = body.views;
  if (views !== undefined) {
    const op = views as Record<string, unknown>;
    if (!op || typeof op !== 'object' || Array.isArray(op) || op.op !== 'add' || op.path !== '/views/-' || Object.keys(op).some((k) => !['op', 'path', 'value', 'from'].includes(k))) {
      throw bad('Only {"op":"add","path":"/views/-","value":"<view>"} is supported for views.', `views operation ${JSON.stringify(views)}`);
    }
  }
  if (body.listed !== undefined && typeof body.listed !== 'boolean') throw bad('listed must be true or false.', 'listed is not a boolean');
  if (body.deprecateMessage !== undefined && typeof body.deprecateMessage !== 'string') throw bad('deprecateMessage must be a string.', 'deprecateMessage is not a string');
  need(ctx, 'contributor', views !== undefined ? 'PromotePackage' : 'UpdatePackage');
  const { name, version } = routeNameVersion(ctx);
  const f = { feed, ...findVersion(ctx, feed, protocol, name, version) };
  live(ctx, f, name, version);
  const view = views !== undefined ? resolvePromotionView(ctx, feed, (views as Record<string, unknown>).value, 'views.value') : undefined;
  if (view) f.ver.views.add(view.id);
  if (typeof body.listed === 'boolean') f.ver.listed = body.listed;
  if (typeof body.deprecateMessage === 'string') f.ver.deprecated = body.deprecateMessage === '' ? null : body.deprecateMessage;
  return { status: 202 };
}

function deleteLive(f: Found, now: number): void {
  f.ver.deleted = true;
  f.ver.deletedDate = new Date(now).toISOString();
}

export function protocolVersionDelete(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  need(ctx, 'owner', 'DeletePackage');
  const { name, version } = routeNameVersion(ctx);
  const f = { feed, ...findVersion(ctx, feed, ctx.route.protocol!, name, version) };
  live(ctx, f, name, version);
  deleteLive(f, ctx.now);
  return { status: 202 };
}

function inRecycleBin(ctx: Ctx, feed: FeedState, name: string, version: string): Found {
  const f = { feed, ...findVersion(ctx, feed, ctx.route.protocol!, name, version) };
  return f;
}

export function recycleBinGet(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const { name, version } = routeNameVersion(ctx);
  const f = inRecycleBin(ctx, feed, name, version);
  if (!f.ver.deleted) throw versionNotFound(feed, name, version, ' It is not in the recycle bin.');
  const { pkg, ver } = f;
  switch (pkg.protocol) {
    case 'npm': return { status: 200, json: { name: pkg.name, version: ver.version, unpublishedDate: ver.deletedDate } };
    case 'maven': {
      const [groupId, artifactId] = pkg.name.split(':');
      return { status: 200, json: { groupId, artifactId, version: ver.version, deletedDate: ver.deletedDate } };
    }
    default: return { status: 200, json: { name: pkg.name, version: ver.version, deletedDate: ver.deletedDate } };
  }
}

export function recycleBinPatch(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const body = requireJsonBody(ctx);
  if (Object.keys(body).length !== 1 || body.deleted !== false) throw bad('The only change allowed here is {"deleted": false}.', `recycle bin PATCH body ${JSON.stringify(body)}`);
  need(ctx, 'owner', 'DeletePackage');
  const { name, version } = routeNameVersion(ctx);
  const f = inRecycleBin(ctx, feed, name, version);
  if (!f.ver.deleted) {
    throw new HttpError(409, wrapped(`The version '${version}' of package '${name}' is not in the recycle bin of feed '${feed.name}'.`, 'PackageVersionNotDeletedException'));
  }
  f.ver.deleted = false;
  f.ver.deletedDate = null;
  return { status: 202 };
}

export function recycleBinDelete(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  need(ctx, 'owner', 'DeletePackage');
  const { name, version } = routeNameVersion(ctx);
  const f = inRecycleBin(ctx, feed, name, version);
  if (!f.ver.deleted) throw versionNotFound(feed, name, version, ' It is not in the recycle bin.');
  f.ver.permanentlyDeleted = true;
  return { status: 202 };
}

// ---------------------------------------------------------------------------------------------
// Batches

type Op = 'promote' | 'list' | 'yank' | 'deprecate' | 'delete' | 'unpublish' | 'permanentDelete' | 'restoreToFeed';
const BATCH_OPS: Record<ProtocolKey, Op[]> = {
  nuget: ['promote', 'list', 'delete', 'permanentDelete', 'restoreToFeed'],
  npm: ['promote', 'deprecate', 'unpublish', 'delete', 'permanentDelete', 'restoreToFeed'],
  pypi: ['promote', 'delete', 'permanentDelete', 'restoreToFeed'],
  maven: ['promote', 'delete', 'permanentDelete', 'restoreToFeed'],
  upack: ['promote', 'delete', 'permanentDelete', 'restoreToFeed'],
  cargo: ['promote', 'yank', 'delete', 'permanentDelete', 'restoreToFeed'],
};
const RECYCLE_OPS: Op[] = ['permanentDelete', 'restoreToFeed'];
const OWNER_OPS: Op[] = ['delete', 'unpublish', 'permanentDelete', 'restoreToFeed'];

export function batch(ctx: Ctx): Reply {
  const protocol = ctx.route.protocol!;
  const recycle = ctx.route.id.includes('recycleBin');
  const feed = routeFeed(ctx);
  const body = requireJsonBody(ctx);
  const opName = typeof body.operation === 'string' ? body.operation : '';
  const op = BATCH_OPS[protocol].find((o) => o.toLowerCase() === opName.toLowerCase());
  if (!op) throw bad(`The operation '${String(body.operation)}' is not supported for ${PROTOCOL_TYPE[protocol]} packages.`, `batch operation '${String(body.operation)}'`);
  if (recycle !== RECYCLE_OPS.includes(op)) {
    throw bad(`The operation '${op}' is ${recycle ? 'not supported in' : 'only supported in'} the recycle bin.`, `batch operation '${op}' sent to ${recycle ? 'RecycleBin/packagesBatch' : 'packagesbatch'}`);
  }
  const pkgs = body.packages;
  if (!Array.isArray(pkgs) || pkgs.length < 1 || pkgs.length > 100) {
    throw bad(`A batch must hold between 1 and 100 packages; this one holds ${Array.isArray(pkgs) ? pkgs.length : 'none'}.`, `batch of ${Array.isArray(pkgs) ? pkgs.length : 'no'} packages`);
  }
  const items: { name: string; version: string }[] = [];
  for (const it of pkgs as unknown[]) {
    const o = (it && typeof it === 'object' ? it : {}) as Record<string, unknown>;
    if (protocol === 'maven') {
      if (typeof o.group !== 'string' || typeof o.artifact !== 'string' || typeof o.version !== 'string') throw bad('Each package needs group, artifact and version.', 'Maven batch item without group/artifact/version');
      items.push({ name: `${o.group}:${o.artifact}`, version: o.version });
    } else {
      if (typeof o.id !== 'string' || typeof o.version !== 'string') throw bad('Each package needs id and version.', 'batch item without id/version');
      items.push({ name: o.id, version: o.version });
    }
  }
  const data = (body.data && typeof body.data === 'object' ? body.data : {}) as Record<string, unknown>;
  if ((op === 'list' || op === 'yank') && typeof data.listed !== 'boolean') throw bad(`The ${op} operation needs data.listed (true or false).`, `${op} without data.listed`);
  if (op === 'deprecate' && typeof data.message !== 'string') throw bad('The deprecate operation needs data.message.', 'deprecate without data.message');
  if (op === 'promote' && (typeof data.viewId !== 'string' || !data.viewId)) throw bad('The promote operation needs data.viewId.', 'promote without data.viewId');
  need(ctx, OWNER_OPS.includes(op) ? 'owner' : 'contributor', OWNER_OPS.includes(op) ? 'DeletePackage' : op === 'promote' ? 'PromotePackage' : 'UpdatePackage');
  const view = op === 'promote' ? resolvePromotionView(ctx, feed, data.viewId, 'data.viewId') : undefined;
  // Resolve every item first: one missing version fails the whole batch and changes nothing.
  const found: Found[] = items.map((it) => {
    const f = { feed, ...findVersion(ctx, feed, protocol, it.name, it.version) };
    if (op === 'restoreToFeed' && !f.ver.deleted) {
      throw new HttpError(409, wrapped(`The version '${it.version}' of package '${it.name}' is not in the recycle bin of feed '${feed.name}'.`, 'PackageVersionNotDeletedException'));
    }
    if (recycle && !f.ver.deleted) throw versionNotFound(feed, it.name, it.version, ' It is not in the recycle bin.');
    if (!recycle) live(ctx, f, it.name, it.version);
    return f;
  });
  for (const f of found) {
    switch (op) {
      case 'promote': f.ver.views.add(view!.id); break;
      case 'list': case 'yank': f.ver.listed = data.listed as boolean; break;
      case 'deprecate': f.ver.deprecated = data.message === '' ? null : (data.message as string); break;
      case 'delete': case 'unpublish': deleteLive(f, ctx.now); break;
      case 'restoreToFeed': f.ver.deleted = false; f.ver.deletedDate = null; break;
      case 'permanentDelete': f.ver.permanentlyDeleted = true; break;
    }
  }
  return { status: 202 };
}

// ---------------------------------------------------------------------------------------------
// Content: a redirect to blob storage, and the blob itself

const BLOB_SECRET = 'emulator-blob-signing-key';
export const blobSig = (versionId: string): string => createHash('sha256').update(BLOB_SECRET + versionId).digest('hex').slice(0, 43);

export function fileName(pkg: PackageState, ver: VersionState): string {
  if (pkg.protocol === 'npm') {
    const m = /^@([^/]+)\/(.+)$/.exec(pkg.name);
    return m ? `${m[1]}-${m[2]}-${ver.version}.tgz` : `${pkg.name}-${ver.version}.tgz`;
  }
  return `${pkg.name}.${ver.version}.nupkg`;
}

export function content(ctx: Ctx): Reply {
  const feed = routeFeed(ctx);
  const { name, version } = routeNameVersion(ctx);
  const f = { feed, ...findVersion(ctx, feed, ctx.route.protocol!, name, version) };
  live(ctx, f, name, version);
  const expires = new Date(ctx.now + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const location = `${ctx.urls.blob}/artifacts/${f.ver.id}/${encodeURIComponent(fileName(f.pkg, f.ver))}?sv=2021-08-06&se=${encodeURIComponent(expires)}&sr=b&sp=r&sig=${blobSig(f.ver.id)}`;
  return { status: 303, headers: { Location: location }, text: '' };
}

/** A header value for any file name (crafted names hold CR, LF, quotes or non-Latin-1 text). */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

export function blob(ctx: Ctx): Reply {
  const hit = ctx.store.versionsById.get(ctx.params.blobId.toLowerCase());
  if (!hit || ctx.q.get('sig') !== blobSig(hit.ver.id) || hit.ver.permanentlyDeleted) {
    return { status: 404, text: '<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>', headers: { 'Content-Type': 'application/xml' } };
  }
  const bytes = Buffer.from(hit.ver.content ?? `${hit.pkg.protocol}:${hit.pkg.name}@${hit.ver.version}\n`, 'utf8');
  return {
    status: 200, bytes,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': contentDisposition(fileName(hit.pkg, hit.ver)), 'x-ms-blob-type': 'BlockBlob' },
  };
}

export const HANDLERS: Record<string, (ctx: Ctx) => Reply> = {
  'location.options': locationOptions,
  'location.resourceAreas': resourceAreas,
  'location.resourceArea': resourceArea,
  'feeds.list': feedsList,
  'feeds.get': feedGet,
  'views.list': viewsList,
  'views.get': viewGet,
  'packages.list': packagesList,
  'packages.get': packageGet,
  'versions.list': versionsList,
  'versions.get': versionGet,
  'recycleBin.list': recycleBinList,
  'recycleBin.package': recycleBinPackage,
  'recycleBin.versions': recycleBinVersions,
  'recycleBin.version': recycleBinVersion,
  'blob.content': blob,
};

/** The handler for a route id (protocol routes share handlers by kind). */
export function handlerFor(routeId: string): (ctx: Ctx) => Reply {
  if (HANDLERS[routeId]) return HANDLERS[routeId];
  const kind = routeId.split('.').slice(1).join('.').replace(/\.scoped$/, '');
  switch (kind) {
    case 'version.get': return protocolVersionGet;
    case 'version.patch': return protocolVersionPatch;
    case 'version.delete': return protocolVersionDelete;
    case 'recycleBin.get': return recycleBinGet;
    case 'recycleBin.patch': return recycleBinPatch;
    case 'recycleBin.delete': return recycleBinDelete;
    case 'batch': case 'recycleBin.batch': return batch;
    case 'content': return content;
  }
  throw new Error(`emulator: no handler for route ${routeId}`);
}

export { normalizeName };
