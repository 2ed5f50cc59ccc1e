import type { VersionRule } from '../versions/types';

export type ProtocolKey = 'nuget' | 'npm' | 'pypi' | 'maven' | 'upack' | 'cargo';
export type ActionKey =
  | 'promote' | 'unlist' | 'relist' | 'deprecate' | 'undeprecate'
  | 'delete' | 'restore' | 'permanentDelete' | 'download' | 'show';

/** How one protocol carries out one changing action. */
export interface ActionRoute {
  /** The `operation` of the protocol's packagesbatch (or RecycleBin/packagesBatch) request. */
  batchOperation: string;
  /** False where the protocol has no single-version endpoint for the change (Cargo yank). */
  single: boolean;
}

/** The API versions a protocol's operations take, per kind of server. */
export interface ApiVersions {
  version: string;
  batch: string;
  recycleBin: string;
  recycleBinBatch: string;
  content?: string;
}

/**
 * One protocol as data: everything the engine needs to know about NuGet, npm, ... lives here.
 * Adding a protocol means adding one of these to the table in index.ts.
 */
export interface Protocol {
  key: ProtocolKey;
  /** Name for people: "NuGet". */
  displayName: string;
  /** The feeds API's `protocolType` value. */
  protocolType: string;
  /** Resource area of the protocol's own API in the location service. */
  areaId: string;
  /** API versions on Azure DevOps Services; on an on-premises server (absent: not available there). */
  apiVersions: { services: ApiVersions; onPremises?: ApiVersions };
  versionRule: VersionRule;
  /** The form two names the server treats as one share. */
  normalizeName(name: string): string;
  /**
   * What to send as `packageNameQuery` (a case-insensitive "contains" filter) to find a name: a part
   * that every spelling of it the server treats as the same contains.
   */
  nameQuery(name: string): string;
  /** Checks an exact package name (or glob) from a selector line; returns a reason when it is not one. */
  checkName(name: string): string | null;
  /** Path of one version, below `_apis/packaging/feeds/{feed}/`. */
  versionPath(name: string, version: string): string;
  /** Path of one version in the recycle bin, below `_apis/packaging/feeds/{feed}/`. */
  recycleBinVersionPath(name: string, version: string): string;
  /** Paths of the batch endpoints, below `_apis/packaging/feeds/{feed}/`. */
  batchPath: string;
  recycleBinBatchPath: string;
  /** Path of a version's content (download), when the protocol has one. */
  contentPath?(name: string, version: string): string;
  /** The file name a download writes. */
  downloadFileName?(name: string, version: string): string;
  /** One item of a batch request. */
  batchItem(name: string, version: string): Record<string, string>;
  /** Whether the protocol has package files (`packageFiles`) that name and version can be read from. */
  files: boolean;
  /** Whether versions carry a listed flag the task can change (NuGet, Cargo). */
  hasListing: boolean;
  /** Whether versions carry a deprecation message (npm). */
  hasDeprecation: boolean;
  /** The changing actions this protocol supports, and how. `show` always is; `download` where there is a content route. */
  actions: Partial<Record<ActionKey, ActionRoute>>;
  /** The client endpoint below `{packagesUrl}/{project}/_packaging/{feed}/`; null: the organization URL. */
  clientPath: string | null;
}
