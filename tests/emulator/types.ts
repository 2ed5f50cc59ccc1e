// Public types of the Azure Artifacts emulator. Test authors import them from ./index.

export type Role = 'reader' | 'contributor' | 'owner';
export type ProtocolKey = 'nuget' | 'npm' | 'pypi' | 'maven' | 'upack' | 'cargo';
export type HostKey = 'org' | 'feeds' | 'pkgs' | 'blob' | 'collection';

export interface VersionSeed {
  version: string;
  /** Names of non-implicit views the version is in, e.g. ['Prerelease']. */
  views?: string[];
  /** Default true. */
  listed?: boolean;
  deleted?: boolean;
  deletedDate?: string;
  /** ISO date; default now. */
  publishDate?: string;
  /** npm deprecation message. */
  deprecated?: string | null;
  /** File bytes as UTF-8 text; default generated. */
  content?: string;
  /** Ingestion lag: the version is invisible to every route for this many ms after it is added. */
  visibleAfterMs?: number;
}

export interface PackageSeed {
  protocol: ProtocolKey;
  /** As published: 'Contoso.Core', '@scope/name', 'group:artifact' for Maven. */
  name: string;
  versions: VersionSeed[];
}

export interface FeedSeed {
  id?: string;
  name: string;
  /** Project NAME; absent = organization-scoped. */
  project?: string;
  /** Default ['Prerelease', 'Release']; the implicit 'Local' view always exists. */
  views?: string[];
  packages?: PackageSeed[];
}

export interface Fixture {
  /** Default 'fabrikam'. */
  organization?: string;
  projects?: { id?: string; name: string }[];
  tokens?: { token: string; role: Role; name?: string }[];
  feeds: FeedSeed[];
}

export interface StartOptions {
  /** Default 'services'. */
  mode?: 'services' | 'onprem';
  fixture?: Fixture;
  /** 0 (default) = ephemeral ports. In services mode every listener tries this port on its own address. */
  port?: number;
}

export interface RequestRecord {
  seq: number;
  host: HostKey;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | undefined>;
  /** Parsed JSON, or text, or undefined when there was no body. */
  body: unknown;
  auth: { scheme: 'Bearer' | 'Basic'; token: string } | null;
  /** 0 when the connection was dropped without an answer. */
  status: number;
  conforming: boolean;
  /** Route id when the request matched a route. */
  route?: string;
  /** Why the request is nonconforming (only when conforming is false). */
  reason?: string;
  /** Which fault, if any, shaped the answer. */
  fault?: string;
}

export interface FaultSpec {
  match?: { method?: string; host?: HostKey; pathIncludes?: string; route?: string };
  /** How many matching requests; default 1. */
  count?: number;
  status?: 429 | 500 | 502 | 503 | 504;
  /** With 429; default 1. */
  retryAfterSeconds?: number;
  /** Perform the change, then answer `status` or drop: the lost response. */
  afterApply?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  latencyMs?: number;
}

export interface VersionView {
  version: string;
  /** Includes 'Local'. */
  views: string[];
  listed: boolean;
  deleted: boolean;
  deletedDate: string | null;
  publishDate: string;
  deprecated: string | null;
  permanentlyDeleted: boolean;
}

export interface GenerateOptions {
  feed: string;
  project?: string;
  protocol: ProtocolKey;
  packages: number;
  versionsEach: number;
  prefix?: string;
}
