/**
 * What the engine needs from the world, and nothing more. The Azure client implements FeedsPort;
 * the adapters (pipeline task, command line) provide Platform and FilesPort through src/wiring.ts.
 * Nothing in src/engine imports task-lib, node:fs or process.
 */
import type { Protocol } from '../protocols';
import type { Msg } from './messages';

/** Shapes of the feeds API's answers, as far as the engine reads them. */
export interface FeedView { id: string; name: string; type?: string }
export interface Feed { id: string; name: string; project?: { id: string; name: string } | null }
export interface PackageVersionInfo {
  id?: string;
  version: string;
  normalizedVersion?: string;
  isListed?: boolean;
  isDeleted?: boolean;
  publishDate?: string;
  deletedDate?: string;
  views?: FeedView[];
  /** Saved from an upstream source rather than published to this feed. */
  isCachedVersion?: boolean;
  directUpstreamSourceId?: string | null;
}
/** One of a version's dependencies, as the feed records it (`PackageVersion.dependencies`). */
export interface PackageDependency {
  packageName: string;
  /** In the protocol's own syntax (NuGet `[5.2.2, )`, an npm range, PyPI specifiers, ...); may be empty. */
  versionRange: string;
  /** NuGet: the target framework; npm `dependencies`/`devDependencies`; Maven the scope; Cargo the kind. */
  group?: string;
}

export interface PackageInfo { id: string; name: string; normalizedName?: string; protocolType?: string; versions: PackageVersionInfo[] }

/** Where a feed lives: its project (id), or null for an organization-scoped feed. */
export interface FeedLocation { feedId: string; projectId: string | null }

/** A change to one version through its own endpoint. */
export type SingleChange =
  | { kind: 'update'; body: unknown }
  | { kind: 'delete' }
  | { kind: 'restore' }
  | { kind: 'purge' };

/** A change to several versions through the protocol's batch endpoint (at most 100 a request). */
export interface BatchChange {
  recycleBin: boolean;
  operation: string;
  data?: unknown;
}

export interface VersionRef { name: string; version: string }

/** Bytes as they arrive. */
export type ByteStream = AsyncIterable<Uint8Array>;

/**
 * The feeds API and each protocol's own API. Failures are thrown as FailureError (./failures).
 * Names and versions are path segments: the implementation encodes them, and refuses what cannot be one.
 */
export interface FeedsPort {
  /** Looks up the Packaging area (once) and tells the kind of server. */
  serverKind(): Promise<'services' | 'onPremises'>;
  /** Every feed the identity can see; with a project, that project's. */
  listFeeds(project: string | null): Promise<Feed[]>;
  /** One feed of a project by name or id; undefined when there is none. */
  getFeed(project: string, feed: string): Promise<Feed | undefined>;
  listViews(at: FeedLocation): Promise<FeedView[]>;
  /**
   * The packages of one protocol with all their versions, page by page as they arrive, live or the
   * recycle bin's; `nameQuery` is the listing's `packageNameQuery` (a case-insensitive "contains").
   */
  packagePages(at: FeedLocation, protocol: Protocol, query: { recycleBin: boolean; nameQuery?: string }): AsyncIterable<PackageInfo[]>;
  /**
   * A version's dependencies, from the feeds API's single-version GET (package and version by
   * their ids, as the listing gives them); undefined: 404.
   */
  versionDependencies(at: FeedLocation, packageId: string, versionId: string): Promise<PackageDependency[] | undefined>;
  /** A version through the protocol's own GET (npm's carries the deprecation message); undefined: 404. */
  getVersion<T>(at: FeedLocation, protocol: Protocol, ref: VersionRef): Promise<T | undefined>;
  changeOne(at: FeedLocation, protocol: Protocol, ref: VersionRef, change: SingleChange): Promise<void>;
  changeMany(at: FeedLocation, protocol: Protocol, refs: VersionRef[], change: BatchChange): Promise<void>;
  /** A version's file, streamed; never sent with the token to storage it is redirected to. */
  content(at: FeedLocation, protocol: Protocol, ref: VersionRef): Promise<ByteStream>;
  /** The feed's endpoint for the protocol's own client (the `feedUrl` output). */
  clientUrl(protocol: Protocol, feed: Feed): Promise<string>;
  /** Requests sent so far, for the log and the benchmarks. */
  requestCount(): number;
  /** Lets go of connections kept open; called once the run is over. */
  close(): void;
}

export interface FilesPort {
  /**
   * Writes `content` to a file named `fileName` directly inside `directory`, replacing one of that
   * name. Refuses (FailureError badInput) a name that is not a plain file name or that would land
   * outside the directory. Returns the path written and its size.
   */
  write(directory: string, fileName: string, content: ByteStream): Promise<{ path: string; bytes: number }>;
}

/** The host: how to speak, wait and tell the time. */
export interface Platform {
  info(m: Msg): void;
  warn(m: Msg): void;
  debug(line: string): void;
  /** A pause; one given `signal` may end early, when it aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

export interface Ports {
  feeds: FeedsPort;
  files: FilesPort;
  platform: Platform;
}
