// The emulator's route table: ours, checked against Microsoft's OpenAPI files by
// test/conformance.test.ts. Templates are written after the `{organization}[/{project}]/`
// (or `{collection}[/{project}]/`) prefix, spelled as the OpenAPI path spells them.
import type { HostKey, ProtocolKey } from './types';

export type Method = 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'OPTIONS';
/** Which OpenAPI file family names the route; null = outside those files (location service, blob storage). */
export type SpecKey = 'feed' | ProtocolKey | null;

export interface Route {
  id: string;
  method: Method;
  host: Exclude<HostKey, 'collection'>;
  template: string;
  /** Other spellings the OpenAPI files use for the same operation (served and conforming too). */
  aliases?: string[];
  /** Set when the OpenAPI file spells this operation's path differently from the template (a known typo). */
  specTemplate?: string;
  /** api-versions accepted (the 7.1 and 7.2 files' values); empty = none required. */
  apiVersions: string[];
  /** Query parameters the operation has (besides api-version). */
  query: string[];
  /** Served by the on-premises server too (its OpenAPI files have it). */
  onprem: boolean;
  spec: SpecKey;
  protocol?: ProtocolKey;
  /** Whether a {project} segment may precede `_apis` (false: organization-level only). */
  project: boolean;
}

const FEED_V = ['7.1', '7.2-preview.1'];
const PREVIEW_V = ['7.1-preview.1', '7.2-preview.1'];
const CARGO_V = ['7.2-preview.1'];

const PACKAGES_QUERY = ['protocolType', 'packageNameQuery', 'normalizedPackageName', 'includeUrls', 'includeAllVersions', 'isListed',
  'getTopPackageVersions', 'isRelease', 'includeDescription', '$top', '$skip', 'includeDeleted', 'isCached', 'directUpstreamId'];

function feedRoute(id: string, method: Method, template: string, query: string[] = []): Route {
  return { id, method, host: 'feeds', template, apiVersions: FEED_V, query, onprem: true, spec: 'feed', project: true };
}

const routes: Route[] = [
  // Location service (organization host). Not in the artifacts OpenAPI files.
  { id: 'location.options', method: 'OPTIONS', host: 'org', template: '_apis/Location', apiVersions: [], query: [], onprem: true, spec: null, project: false },
  { id: 'location.resourceAreas', method: 'GET', host: 'org', template: '_apis/ResourceAreas', apiVersions: [], query: ['enterpriseName', 'organizationName'], onprem: true, spec: null, project: false },
  { id: 'location.resourceArea', method: 'GET', host: 'org', template: '_apis/ResourceAreas/{areaId}', apiVersions: [], query: ['enterpriseName', 'organizationName', 'accessMapping'], onprem: true, spec: null, project: false },

  // Feeds service: feeds, views, packages, versions, recycle bin.
  feedRoute('feeds.list', 'GET', '_apis/packaging/feeds', ['feedRole', 'includeDeletedUpstreams', 'includeUrls']),
  feedRoute('feeds.get', 'GET', '_apis/packaging/feeds/{feedId}', ['includeDeletedUpstreams']),
  feedRoute('views.list', 'GET', '_apis/packaging/Feeds/{feedId}/views'),
  feedRoute('views.get', 'GET', '_apis/packaging/Feeds/{feedId}/views/{viewId}'),
  feedRoute('packages.list', 'GET', '_apis/packaging/Feeds/{feedId}/packages', PACKAGES_QUERY),
  feedRoute('packages.get', 'GET', '_apis/packaging/Feeds/{feedId}/packages/{packageId}',
    ['includeAllVersions', 'includeUrls', 'isListed', 'isRelease', 'includeDeleted', 'includeDescription']),
  feedRoute('versions.list', 'GET', '_apis/packaging/Feeds/{feedId}/Packages/{packageId}/versions', ['includeUrls', 'isListed', 'isDeleted']),
  feedRoute('versions.get', 'GET', '_apis/packaging/Feeds/{feedId}/Packages/{packageId}/versions/{packageVersionId}', ['includeUrls', 'isListed', 'isDeleted']),
  feedRoute('recycleBin.list', 'GET', '_apis/packaging/Feeds/{feedId}/RecycleBin/Packages',
    ['protocolType', 'packageNameQuery', 'includeUrls', '$top', '$skip', 'includeAllVersions']),
  feedRoute('recycleBin.package', 'GET', '_apis/packaging/Feeds/{feedId}/RecycleBin/Packages/{packageId}', ['includeUrls']),
  feedRoute('recycleBin.versions', 'GET', '_apis/packaging/Feeds/{feedId}/RecycleBin/Packages/{packageId}/Versions', ['includeUrls']),
  feedRoute('recycleBin.version', 'GET', '_apis/packaging/Feeds/{feedId}/RecycleBin/Packages/{packageId}/Versions/{packageVersionId}', ['includeUrls']),

  // The agent's OIDC token for a workload identity service connection (SYSTEM_OIDCREQUESTURI). Not in the artifacts files.
  { id: 'distributedtask.oidctoken', method: 'POST', host: 'org', template: '_apis/distributedtask/hubs/{hubName}/plans/{planId}/jobs/{jobId}/oidctoken',
    apiVersions: ['7.1', '7.1-preview.1', '7.2-preview.1'], query: ['serviceConnectionId'], onprem: false, spec: null, project: true },
  // Entra ID's token endpoint, on its own host (no organization segment). Needs no Azure DevOps token.
  { id: 'entra.token', method: 'POST', host: 'entra', template: '{tenant}/oauth2/v2.0/token', apiVersions: [], query: [], onprem: true, spec: null, project: false },

  // Blob storage (package content, reached by redirect). Needs no token.
  { id: 'blob.content', method: 'GET', host: 'blob', template: 'artifacts/{blobId}/{fileName}', apiVersions: [], query: ['sv', 'se', 'sr', 'sp', 'sig'], onprem: true, spec: null, project: false },
];

/** Per protocol: the version segment paths (name part) of its routes. */
interface ProtocolShape {
  key: ProtocolKey;
  /** Version route templates after `_apis/packaging/feeds/{feedId}/`. */
  version: string[];
  recycleBin: string[];
  content: string[];
  contentQuery: string[];
  batch: string;
  batchAliases?: string[];
  recycleBinBatch: string;
  versions: { version: string[]; other: string[] };
  onprem: boolean;
}

const SHAPES: ProtocolShape[] = [
  {
    key: 'nuget', onprem: true,
    version: ['nuget/packages/{packageName}/versions/{packageVersion}'],
    recycleBin: ['nuget/RecycleBin/packages/{packageName}/versions/{packageVersion}'],
    content: ['nuget/packages/{packageName}/versions/{packageVersion}/content'], contentQuery: ['sourceProtocolVersion'],
    batch: 'nuget/packagesbatch', recycleBinBatch: 'nuget/RecycleBin/packagesBatch',
    versions: { version: FEED_V, other: PREVIEW_V },
  },
  {
    key: 'npm', onprem: true,
    version: ['npm/{packageName}/versions/{packageVersion}', 'npm/@{packageScope}/{unscopedPackageName}/versions/{packageVersion}'],
    recycleBin: ['npm/RecycleBin/packages/{packageName}/versions/{packageVersion}', 'npm/RecycleBin/packages/@{packageScope}/{unscopedPackageName}/versions/{packageVersion}'],
    content: ['npm/packages/{packageName}/versions/{packageVersion}/content', 'npm/packages/@{packageScope}/{unscopedPackageName}/versions/{packageVersion}/content'], contentQuery: [],
    batch: 'npm/packagesbatch', recycleBinBatch: 'npm/RecycleBin/PackagesBatch',
    versions: { version: FEED_V, other: FEED_V },
  },
  {
    key: 'pypi', onprem: false,
    version: ['pypi/packages/{packageName}/versions/{packageVersion}'],
    recycleBin: ['pypi/RecycleBin/packages/{packageName}/versions/{packageVersion}'],
    content: [], contentQuery: [],
    batch: 'pypi/packagesbatch', recycleBinBatch: 'pypi/RecycleBin/packagesBatch',
    versions: { version: PREVIEW_V, other: PREVIEW_V },
  },
  {
    key: 'maven', onprem: true,
    version: ['maven/groups/{groupId}/artifacts/{artifactId}/versions/{version}'],
    recycleBin: ['maven/RecycleBin/groups/{groupId}/artifacts/{artifactId}/versions/{version}'],
    content: [], contentQuery: [],
    batch: 'maven/packagesbatch', recycleBinBatch: 'maven/RecycleBin/packagesBatch',
    versions: { version: PREVIEW_V, other: PREVIEW_V },
  },
  {
    key: 'upack', onprem: false,
    version: ['upack/packages/{packageName}/versions/{packageVersion}'],
    recycleBin: ['upack/RecycleBin/packages/{packageName}/versions/{packageVersion}'],
    content: [], contentQuery: [],
    batch: 'upack/packagesbatch', recycleBinBatch: 'upack/RecycleBin/packagesBatch',
    versions: { version: PREVIEW_V, other: PREVIEW_V },
  },
  {
    key: 'cargo', onprem: false,
    version: ['cargo/packages/{packageName}/versions/{packageVersion}'],
    recycleBin: ['cargo/RecycleBin/packages/{packageName}/versions/{packageVersion}'],
    content: [], contentQuery: [],
    batch: 'cargo/packagesbatch',
    // The OpenAPI file spells this one `_packaging/packaging/...`, which looks like a typo; both are served.
    batchAliases: ['_packaging/packaging/feeds/{feedId}/cargo/packagesbatch'],
    recycleBinBatch: 'cargo/RecycleBin/packagesBatch',
    versions: { version: CARGO_V, other: CARGO_V },
  },
];

const BASE = '_apis/packaging/feeds/{feedId}/';
for (const s of SHAPES) {
  const mk = (id: string, method: Method, tail: string, apiVersions: string[], query: string[] = [], aliases?: string[]): Route => ({
    id, method, host: 'pkgs', template: BASE + tail, ...(aliases ? { aliases, specTemplate: aliases[0] } : {}), apiVersions, query, onprem: s.onprem, spec: s.key, protocol: s.key, project: true,
  });
  s.version.forEach((t, i) => {
    const sfx = i ? '.scoped' : '';
    const showDeleted = s.key === 'npm' ? [] : ['showDeleted'];
    routes.push(mk(`${s.key}.version.get${sfx}`, 'GET', t, s.versions.version, showDeleted));
    routes.push(mk(`${s.key}.version.patch${sfx}`, 'PATCH', t, s.versions.version));
    routes.push(mk(`${s.key}.version.delete${sfx}`, 'DELETE', t, s.versions.version));
  });
  s.recycleBin.forEach((t, i) => {
    const sfx = i ? '.scoped' : '';
    routes.push(mk(`${s.key}.recycleBin.get${sfx}`, 'GET', t, s.versions.other));
    routes.push(mk(`${s.key}.recycleBin.patch${sfx}`, 'PATCH', t, s.versions.other));
    routes.push(mk(`${s.key}.recycleBin.delete${sfx}`, 'DELETE', t, s.versions.other));
  });
  s.content.forEach((t, i) => routes.push(mk(`${s.key}.content${i ? '.scoped' : ''}`, 'GET', t, s.versions.other, s.contentQuery)));
  routes.push(mk(`${s.key}.batch`, 'POST', s.batch, s.versions.other, [], s.batchAliases));
  routes.push(mk(`${s.key}.recycleBin.batch`, 'POST', s.recycleBinBatch, s.versions.other));
}

export const ROUTES: readonly Route[] = routes;

// ---------------------------------------------------------------------------------------------
// Matching

interface Compiled {
  route: Route;
  segs: { lit?: string; param?: string; at?: boolean }[];
  literals: number;
}

function compile(route: Route, template: string): Compiled {
  const segs = template.split('/').map((s) => {
    const m = /^(@?)\{([^}]+)\}$/.exec(s);
    if (m) return { param: m[2], at: m[1] === '@' };
    return { lit: s.toLowerCase() };
  });
  return { route, segs, literals: segs.filter((s) => s.lit !== undefined).length };
}

const COMPILED: Compiled[] = [];
for (const r of ROUTES) {
  COMPILED.push(compile(r, r.template));
  for (const a of r.aliases ?? []) COMPILED.push(compile(r, a));
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** Every route whose template fits the segments (any method, any host), best fit first. */
export function matchTemplate(segments: string[]): Match[] {
  const found: { m: Match; score: number }[] = [];
  for (const c of COMPILED) {
    if (c.segs.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let ok = true;
    for (let i = 0; i < c.segs.length && ok; i++) {
      const s = c.segs[i];
      const v = segments[i];
      if (s.lit !== undefined) ok = s.lit === v.toLowerCase();
      else if (s.at) {
        ok = v.length > 1 && v.startsWith('@');
        params[s.param!] = v.slice(1);
      } else {
        ok = v.length > 0;
        params[s.param!] = v;
      }
    }
    if (ok) found.push({ m: { route: c.route, params }, score: c.literals * 2 + c.segs.filter((s) => s.at).length });
  }
  found.sort((a, b) => b.score - a.score);
  return found.map((f) => f.m);
}
