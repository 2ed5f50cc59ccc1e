// The emulator's state: organization, projects, tokens, feeds, views, packages and versions,
// indexed by feed + protocol + normalised name (and by id) so no request scans every package.
import type { DependencySeed, Fixture, GenerateOptions, ProtocolKey, Role, VersionSeed, VersionView, WifConnectionSeed } from './types';
import { compareVersions, normalizeName, normalizeVersion, stableGuid, PROTOCOLS } from './util';

export interface ProjectState { id: string; name: string }
export interface TokenState { token: string; role: Role; name: string; id: string }
export interface WifConnectionState extends Required<Omit<WifConnectionSeed, 'project'>> { projectId: string; projectName: string }
export interface ViewState { id: string; name: string; type: 'implicit' | 'release' }

export interface VersionState {
  id: string;
  version: string;
  normalized: string;
  /** Ids of the non-implicit views the version is in. */
  views: Set<string>;
  listed: boolean;
  deleted: boolean;
  deletedDate: string | null;
  publishDate: string;
  deprecated: string | null;
  content: string | null;
  visibleAt: number;
  permanentlyDeleted: boolean;
  /** The upstream source it was saved from; null: published to this feed. */
  upstreamSourceId: string | null;
  /** `PackageVersion.dependencies`, as the version's own GET serves them. */
  dependencies: DependencySeed[];
}

export interface PackageState {
  id: string;
  protocol: ProtocolKey;
  name: string;
  normalizedName: string;
  feed: FeedState;
  versions: Map<string, VersionState>;
}

export interface FeedState {
  id: string;
  name: string;
  projectId: string | null;
  views: ViewState[];
  packages: Map<string, PackageState>;
  byId: Map<string, PackageState>;
  sorted: Map<string, PackageState[]>;
}

export const DEFAULT_TOKENS: { token: string; role: Role; name: string }[] = [
  { token: 'owner-token', role: 'owner', name: 'Fabrikam Feed Owner' },
  { token: 'contributor-token', role: 'contributor', name: 'Fabrikam Build Service (fabrikam)' },
  { token: 'reader-token', role: 'reader', name: 'Project Collection Build Service (fabrikam)' },
];

const pkgKey = (protocol: ProtocolKey, normalized: string) => `${protocol}\u0000${normalized}`;

export class Store {
  organization = 'fabrikam';
  projects: ProjectState[] = [];
  tokens = new Map<string, TokenState>();
  feeds: FeedState[] = [];
  /** Workload identity service connections by id (lower case). */
  serviceConnections = new Map<string, WifConnectionState>();
  /** Entra access tokens issued so far (they make tokens unique). */
  issuedEntraTokens = 0;
  /** version id -> version and its package (blob lookups, version-by-id routes). */
  versionsById = new Map<string, { pkg: PackageState; ver: VersionState }>();

  constructor(fixture: Fixture) {
    this.organization = fixture.organization ?? 'fabrikam';
    for (const t of DEFAULT_TOKENS) this.addToken(t.token, t.role, t.name);
    this.seed(fixture);
  }

  addToken(token: string, role: Role, name?: string): void {
    this.tokens.set(token, { token, role, name: name ?? `${role} (${token.slice(0, 4)}…)`, id: stableGuid('identity', token) });
  }

  /** The token tests should use for a role: the fixture's first of that role, else the default one. */
  tokenFor(role: Role): string {
    const all = [...this.tokens.values()].filter((t) => t.role === role);
    const custom = all.find((t) => !DEFAULT_TOKENS.some((d) => d.token === t.token));
    return (custom ?? all[0])?.token ?? '';
  }

  seed(fixture: Fixture): void {
    for (const p of fixture.projects ?? []) {
      if (!this.findProject(p.name)) this.projects.push({ id: p.id ?? stableGuid('project', this.organization, p.name.toLowerCase()), name: p.name });
    }
    for (const t of fixture.tokens ?? []) this.addToken(t.token, t.role, t.name);
    for (const c of fixture.serviceConnections ?? []) this.addServiceConnection(c);
    for (const f of fixture.feeds ?? []) {
      let project: ProjectState | null = null;
      if (f.project) {
        project = this.findProject(f.project) ?? null;
        if (!project) {
          project = { id: stableGuid('project', this.organization, f.project.toLowerCase()), name: f.project };
          this.projects.push(project);
        }
      }
      const feed = this.ensureFeed(f.name, project, f.id, f.views);
      for (const p of f.packages ?? []) for (const v of p.versions) this.addVersion(feed, p.protocol, p.name, v);
    }
  }

  addServiceConnection(c: WifConnectionSeed): WifConnectionState {
    const project = c.project ? (this.findProject(c.project) ?? this.addProject(c.project)) : this.projects[0] ?? this.addProject('Fabrikam');
    const name = c.name ?? `wif-${c.id.slice(0, 8)}`;
    const state: WifConnectionState = {
      id: c.id, name, projectId: project.id, projectName: project.name, tenantId: c.tenantId, clientId: c.clientId, role: c.role,
      identityName: c.identityName ?? `${name} (service principal)`, expiresInSeconds: c.expiresInSeconds ?? 3599,
    };
    this.serviceConnections.set(c.id.toLowerCase(), state);
    return state;
  }

  /** A change of identity in the middle of a run: the token stops working, or keeps working with another role. */
  setIdentity(token: string, what: 'revoked' | Role): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    if (what === 'revoked') this.tokens.delete(token);
    else t.role = what;
    return true;
  }

  findProject(nameOrId: string): ProjectState | undefined {
    const l = nameOrId.toLowerCase();
    return this.projects.find((p) => p.id.toLowerCase() === l || p.name.toLowerCase() === l);
  }

  ensureFeed(name: string, project: ProjectState | null, id?: string, views?: string[]): FeedState {
    const existing = this.feeds.find((f) => f.name.toLowerCase() === name.toLowerCase() && f.projectId === (project?.id ?? null));
    if (existing) return existing;
    const feedId = id ?? stableGuid('feed', this.organization, project?.id ?? '', name.toLowerCase());
    const feed: FeedState = {
      id: feedId, name, projectId: project?.id ?? null, views: [{ id: stableGuid('view', feedId, 'local'), name: 'Local', type: 'implicit' }],
      packages: new Map(), byId: new Map(), sorted: new Map(),
    };
    for (const v of views ?? ['Prerelease', 'Release']) {
      if (v.toLowerCase() !== 'local') feed.views.push({ id: stableGuid('view', feedId, v.toLowerCase()), name: v, type: 'release' });
    }
    this.feeds.push(feed);
    return feed;
  }

  /** A feed as a route addresses it: by name or id, within the project segment (or organization-scoped without one). */
  routeFeed(nameOrId: string, project: ProjectState | null): FeedState | undefined {
    const l = nameOrId.toLowerCase();
    const pid = project?.id ?? null;
    return this.feeds.find((f) => f.projectId === pid && (f.id.toLowerCase() === l || f.name.toLowerCase() === l));
  }

  /** A feed as the programmatic API names it: 'name', 'id', or 'project/name'. */
  feedByRef(ref: string, project?: string): FeedState {
    let proj = project;
    let name = ref;
    const slash = ref.indexOf('/');
    // 'project/name' when the part before the first '/' is a project (or empty); a feed name may hold '/' itself.
    if (proj === undefined && slash >= 0 && (slash === 0 || this.findProject(ref.slice(0, slash)))) {
      proj = ref.slice(0, slash);
      name = ref.slice(slash + 1);
    }
    const l = name.toLowerCase();
    let cands = this.feeds.filter((f) => f.id.toLowerCase() === l || f.name.toLowerCase() === l);
    if (proj !== undefined) {
      const p = proj ? this.findProject(proj) : undefined;
      cands = cands.filter((f) => f.projectId === (p?.id ?? null));
    }
    if (cands.length === 0) throw new Error(`emulator: no feed '${ref}'`);
    if (cands.length > 1) {
      const org = cands.filter((f) => f.projectId === null);
      if (org.length === 1) return org[0];
      throw new Error(`emulator: feed '${ref}' is ambiguous: ${cands.map((f) => `${this.projectName(f.projectId)}/${f.name}`).join(', ')}`);
    }
    return cands[0];
  }

  projectName(id: string | null): string {
    return id ? (this.projects.find((p) => p.id === id)?.name ?? id) : '';
  }

  view(feed: FeedState, nameOrId: string): ViewState | undefined {
    const l = nameOrId.toLowerCase();
    return feed.views.find((v) => v.id.toLowerCase() === l || v.name.toLowerCase() === l);
  }

  getPackage(feed: FeedState, protocol: ProtocolKey, name: string): PackageState | undefined {
    return feed.packages.get(pkgKey(protocol, normalizeName(protocol, name)));
  }

  getVersion(pkg: PackageState, version: string): VersionState | undefined {
    return pkg.versions.get(normalizeVersion(pkg.protocol, version));
  }

  addVersion(feed: FeedState, protocol: ProtocolKey, name: string, seed: VersionSeed, now = Date.now()): VersionState {
    const normalizedName = normalizeName(protocol, name);
    const key = pkgKey(protocol, normalizedName);
    let pkg = feed.packages.get(key);
    if (!pkg) {
      pkg = { id: stableGuid('package', feed.id, protocol, normalizedName), protocol, name, normalizedName, feed, versions: new Map() };
      feed.packages.set(key, pkg);
      feed.byId.set(pkg.id, pkg);
      feed.sorted.clear();
    }
    const normalized = normalizeVersion(protocol, seed.version);
    const views = new Set<string>();
    for (const vn of seed.views ?? []) {
      if (vn.toLowerCase() === 'local') continue;
      const view = this.view(feed, vn);
      if (!view) throw new Error(`emulator: feed '${feed.name}' has no view '${vn}'`);
      views.add(view.id);
    }
    const old = pkg.versions.get(normalized);
    const ver: VersionState = {
      id: old?.id ?? stableGuid('version', pkg.id, normalized),
      version: seed.version,
      normalized,
      views,
      listed: seed.listed ?? true,
      deleted: seed.deleted ?? false,
      deletedDate: seed.deleted ? (seed.deletedDate ?? new Date(now).toISOString()) : null,
      publishDate: seed.publishDate ?? new Date(now).toISOString(),
      deprecated: seed.deprecated ?? null,
      content: seed.content ?? null,
      visibleAt: seed.visibleAfterMs ? now + seed.visibleAfterMs : 0,
      permanentlyDeleted: false,
      upstreamSourceId: seed.upstreamSourceId ?? null,
      dependencies: (seed.dependencies ?? []).map((d) => ({ ...d })),
    };
    pkg.versions.set(normalized, ver);
    this.versionsById.set(ver.id, { pkg, ver });
    return ver;
  }

  /** Packages of a feed in listing order (normalised name, then protocol), cached until a package is added. */
  sortedPackages(feed: FeedState, protocol?: ProtocolKey): PackageState[] {
    const k = protocol ?? '*';
    let list = feed.sorted.get(k);
    if (!list) {
      list = [...feed.packages.values()].filter((p) => !protocol || p.protocol === protocol);
      list.sort((a, b) => (a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : a.protocol < b.protocol ? -1 : a.protocol > b.protocol ? 1 : 0));
      feed.sorted.set(k, list);
    }
    return list;
  }

  generate(o: GenerateOptions): void {
    const project = o.project ? (this.findProject(o.project) ?? this.addProject(o.project)) : null;
    const feed = o.project ? this.ensureFeed(o.feed, project) : (this.feeds.find((f) => f.id === o.feed || f.name.toLowerCase() === o.feed.toLowerCase()) ?? this.ensureFeed(o.feed, null));
    const prefix = o.prefix ?? 'Generated.Package';
    const width = String(o.packages).length;
    const base = Date.now() - o.versionsEach * 86_400_000;
    for (let i = 0; i < o.packages; i++) {
      const n = String(i).padStart(width, '0');
      const name = o.protocol === 'npm' ? `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${n}`
        : o.protocol === 'maven' ? `com.generated:${prefix.toLowerCase().replace(/[^a-z0-9.-]/g, '-')}-${n}` : `${prefix}${o.protocol === 'nuget' ? '.' : '-'}${n}`;
      for (let j = 0; j < o.versionsEach; j++) {
        this.addVersion(feed, o.protocol, name, { version: `1.${j}.0`, publishDate: new Date(base + j * 86_400_000).toISOString() });
      }
    }
  }

  addProject(name: string): ProjectState {
    const p = { id: stableGuid('project', this.organization, name.toLowerCase()), name };
    this.projects.push(p);
    return p;
  }

  versionView(feed: FeedState, v: VersionState): VersionView {
    return {
      version: v.version,
      views: feed.views.filter((x) => x.type === 'implicit' || v.views.has(x.id)).map((x) => x.name),
      listed: v.listed,
      deleted: v.deleted,
      deletedDate: v.deletedDate,
      publishDate: v.publishDate,
      deprecated: v.deprecated,
      permanentlyDeleted: v.permanentlyDeleted,
    };
  }

  sortedVersions(pkg: PackageState): VersionState[] {
    return [...pkg.versions.values()].sort((a, b) => compareVersions(a.normalized, b.normalized));
  }

  snapshot(): unknown {
    return {
      organization: this.organization,
      projects: this.projects.map((p) => ({ ...p })),
      tokens: [...this.tokens.values()].map((t) => ({ token: t.token, role: t.role, name: t.name, id: t.id })),
      serviceConnections: [...this.serviceConnections.values()].map((c) => ({ ...c })),
      feeds: this.feeds.map((f) => ({
        id: f.id, name: f.name, project: f.projectId ? { id: f.projectId, name: this.projectName(f.projectId) } : null,
        views: f.views.map((v) => ({ ...v })),
        packages: this.sortedPackages(f).map((p) => ({
          id: p.id, protocol: p.protocol, name: p.name, normalizedName: p.normalizedName,
          versions: this.sortedVersions(p).map((v) => ({ id: v.id, normalizedVersion: v.normalized, ...this.versionView(f, v), visibleAt: v.visibleAt ? new Date(v.visibleAt).toISOString() : null })),
        })),
      })),
    };
  }
}

export { PROTOCOLS };
