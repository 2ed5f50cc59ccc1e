// Public types of the Azure Artifacts emulator. Test authors import them from ./index.

export type Role = 'reader' | 'contributor' | 'owner';
export type ProtocolKey = 'nuget' | 'npm' | 'pypi' | 'maven' | 'upack' | 'cargo';
/** `entra`: the Entra ID token endpoint (127.0.0.6); `attacker`: a foreign listener (127.0.0.5) for redirect targets. */
export type HostKey = 'org' | 'feeds' | 'pkgs' | 'blob' | 'collection' | 'entra' | 'attacker';

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
  /** Saved from this upstream source (its id) rather than published to the feed: `isCachedVersion`. */
  upstreamSourceId?: string;
  /** What the version's own GET serves as `dependencies`, in the protocol's own formats (see DependencySeed). */
  dependencies?: DependencySeed[];
}

/**
 * One `PackageDependency` as the feed records it. The formats the emulator's data uses: NuGet
 * intervals such as `[5.2.2, )` with the target framework as `group` (or none); npm ranges with
 * `group` `dependencies` or `devDependencies`; PyPI specifiers (`>=1.0,<2`); Maven versions and
 * ranges with the scope as `group`; Cargo requirements with the kind (`normal`, `dev`, `build`).
 */
export interface DependencySeed {
  packageName: string;
  versionRange: string;
  group?: string;
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
  /** Azure DevOps service connections with workload identity federation (`workloadidentityuser`). */
  serviceConnections?: WifConnectionSeed[];
  feeds: FeedSeed[];
}

export interface WifConnectionSeed {
  /** The service connection's id (what `azureDevOpsServiceConnection` holds). */
  id: string;
  /** Default 'wif-<first 8 of id>'. */
  name?: string;
  /** Project NAME that owns the connection (the OIDC subject names it); default the first project. */
  project?: string;
  /** Entra tenant id (endpoint auth parameter `tenantid`). */
  tenantId: string;
  /** The app registration / managed identity's client id (endpoint auth parameter `serviceprincipalid`). */
  clientId: string;
  /** The role its Entra access token has in the feeds. */
  role: Role;
  /** Display name of the identity (403 messages); default '<name> (service principal)'. */
  identityName?: string;
  /** Lifetime of issued Entra access tokens in seconds; default 3599. */
  expiresInSeconds?: number;
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
  /** Arrival time, epoch milliseconds with sub-millisecond precision. */
  at: number;
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
  /** When the answer was written in full (or the connection dropped), on the clock of `at`. */
  answeredAt?: number;
}

export interface FaultMatch {
  method?: string;
  host?: HostKey;
  pathIncludes?: string;
  route?: string;
  /** Every listed query parameter (name case-insensitive) must be present with exactly this value. */
  query?: Record<string, string>;
  /** The raw request body must contain this text. */
  bodyIncludes?: string;
  /** The request's token (Bearer or the Basic password) must be this one. */
  token?: string;
}

/**
 * One fault: the `skip` first matching requests pass untouched, the next `count` get it.
 * Latency-only faults stack with every other fault; of the faults that shape the answer,
 * the first one added that matches wins.
 */
export interface FaultSpec {
  match?: FaultMatch;
  /** How many matching requests get the fault; default 1. */
  count?: number;
  /** Let this many matching requests through untouched first ("fail only the 2nd batch": skip 1). Default 0. */
  skip?: number;
  /**
   * The status to answer: 429/5xx (with the service's own bodies), 4xx (with `message`/`body`),
   * 301/302/303/307/308 (with `redirect`), or a 2xx (with `lie`).
   */
  status?: number;
  /** With 429; default 1. */
  retryAfterSeconds?: number;
  /** Perform the change, then answer `status` or drop: the lost response. */
  afterApply?: boolean;
  /** Destroy the socket without answering. */
  drop?: boolean;
  /** Delay before the request is handled. */
  latencyMs?: number;
  /** Answer body: JSON text of the wrapped exception with this message (`{{authorization}}` is replaced by the request's Authorization header). */
  message?: string;
  /** typeKey of the wrapped exception with `message`; default 'InvalidArgumentValueException'. */
  typeKey?: string;
  /** Raw answer body (object: sent as JSON); `{{authorization}}` is replaced. Wins over `message`. */
  body?: string | object;
  /** Content-Type of `body`; default application/json for objects, text/plain otherwise. */
  contentType?: string;
  /** Extra answer headers (CR/LF are refused by Node, so they cannot carry header injection). */
  headers?: Record<string, string>;
  /** Shorthand: the error message echoes the request's Authorization header (default status 400). */
  echoAuthorization?: boolean;
  /**
   * Answer a redirect (default 302) to the same path and query on another origin: 'blob', 'attacker'
   * (the emulator's foreign listener on 127.0.0.5), or any loopback origin such as 'http://127.0.0.9:8080'.
   */
  redirect?: 'blob' | 'attacker' | string;
  /**
   * A change answered 2xx (default 202) but not applied. `{ applyFirst: n }`: a batch of which
   * only the first n items are applied (a single-version change: none).
   */
  lie?: boolean | { applyFirst: number };
  /**
   * Another actor was first: before the request is handled, the same change is made by someone
   * else to these versions of the request (default: the request's first item; a single-version
   * request: its version). The request then gets the service's honest answer (a restore 409,
   * a delete 404, ...).
   */
  preempt?: boolean | { versions: string[] };
  /** Listing answers leave out these versions (packages, package, versions and recycle-bin listings). */
  omit?: { version: string; package?: string }[];
  /** Send the headers, then stall this long before the body (the task's timeout must cover the body). */
  stallBodyMs?: number;
  /**
   * The identity of the request's token changes before the request is handled, for good:
   * 'revoked' (401/203 from then on) or a role (a role dropped: 403 naming the identity).
   */
  identity?: 'revoked' | Role;
  /**
   * The service's rate-limit headers on the answers (whatever their status), as Azure DevOps sends
   * them before it throttles: `delaySeconds` gives `X-RateLimit-Delay` (the caller is being
   * delayed); `remaining` and `limit` give `X-RateLimit-Remaining` / `X-RateLimit-Limit`.
   */
  rateLimit?: { delaySeconds?: number; remaining?: number; limit?: number };
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
