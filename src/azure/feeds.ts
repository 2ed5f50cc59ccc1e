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
import { type AnswerReader, withoutBom } from './http';
import { owe, relieve } from './memory';

interface ListAnswer<T> { count?: number; value?: T[] }

export const pageSize = 1000;

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
      // Read package by package, each trimmed at once: a page's full JSON is never held as objects;
      // a big page is read as it arrives, so its bytes are never held whole either.
      const read = await guard(() => this.connection.http.json<{ packages: PackageInfo[]; listed: number }>({
        method: 'GET',
        url: url.toString(),
        apiVersion: feedsApiVersion,
        parse: (body) => {
          owe(body.length);
          return readPage(body, views);
        },
        read: (announced) => (announced !== undefined && announced <= parseWholeAtMost ? undefined : countedReader(new PageReader(views))),
      }));
      const page = read.body?.packages ?? [];
      const listed = read.body?.listed ?? 0;
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
      relieve();
    }
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

/** A page reader that notes the bytes it reads (./memory: what a later collection gives back). */
function countedReader(reader: PageReader): AnswerReader {
  return {
    write: (chunk) => {
      owe(chunk.length);
      reader.write(chunk);
    },
    end: () => reader.end(),
  };
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
 * A listing page, `{"count":…,"value":[package, …]}`, read one package at a time straight from the
 * answer's bytes: each package's JSON is parsed on its own and trimmed to what the engine reads
 * (with each view object shared), so a page of a big feed is never held in full, as text or as
 * objects; an answer of at most `wholeAtMost` bytes is parsed whole, to the same result. `listed`
 * counts the entries the server sent (for paging), `packages` the usable ones.
 * Throws when the answer is not such JSON.
 */
export function readPage(body: Uint8Array | string, views: Map<string, FeedView>, wholeAtMost = parseWholeAtMost): { packages: PackageInfo[]; listed: number } {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (bytes.length <= wholeAtMost) return wholePage(bytes, views);
  const reader = new PageReader(views);
  reader.write(bytes);
  return reader.end();
}

/** A page parsed whole by the engine's own parser: many times faster than a scan in script, for an answer small enough to hold. */
function wholePage(bytes: Buffer, views: Map<string, FeedView>): { packages: PackageInfo[]; listed: number } {
  const packages: PackageInfo[] = [];
  const doc = JSON.parse(withoutBom(bytes.toString('utf8'))) as { value?: unknown } | null;
  const value = doc && typeof doc === 'object' && Array.isArray(doc.value) ? (doc.value as unknown[]) : [];
  for (const raw of value) {
    const p = trimPackage(raw, views);
    if (p) packages.push(p);
  }
  return { packages, listed: value.length };
}

/** Answers up to this size are parsed whole; bigger ones (a page of a big feed) package by package. */
export const parseWholeAtMost = 2 * 1024 * 1024;

/** Bytes before the `value` array that are looked through again as more arrive (a real answer has a few). */
const longestHead = 64 * 1024;

/** The bytes so far end inside a value: the scan waits for more. */
class MoreNeeded extends Error {}
const moreNeeded = new MoreNeeded('listing: the answer ends inside a value');

/**
 * Reads a listing page as its bytes arrive, chunk by chunk: every package whose JSON is complete
 * is parsed, trimmed and let go of at once, so neither the answer nor its objects are ever held
 * whole. Only what is not read yet (part of one package) is kept between chunks. `end()` gives
 * what `readPage` gives for the same bytes, and throws where they are not such JSON.
 */
export class PageReader {
  /** The bytes not read yet are `held[0, length)`: one buffer, reused and grown as needed, not one per chunk. */
  private held: Buffer = Buffer.alloc(0);
  private length = 0;
  /** head: before the `value` array; items: inside it; done: after it; whole: no such array, so the answer is kept to be judged whole. */
  private phase: 'head' | 'items' | 'done' | 'whole' = 'head';
  /** Inside the array, after a package: a `,` or the `]` comes next. */
  private afterItem = false;
  /** After a `,`: a package comes next, not the `]`. */
  private afterComma = false;
  /** The package being read, where the bytes so far end inside it. */
  private item: ItemScan | undefined;
  private readonly packages: PackageInfo[] = [];
  private listed = 0;
  /** The answer's text before the array, and its bytes after it: together they must be JSON, as a whole answer must. */
  private head = '';
  private readonly tail: Buffer[] = [];
  private tailLength = 0;

  constructor(private readonly views: Map<string, FeedView>) {}

  write(chunk: Buffer): void {
    if (this.phase === 'done') {
      this.keepTail(chunk);
      return;
    }
    if (this.length + chunk.length > this.held.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.length + chunk.length, this.held.length * 2, 64 * 1024));
      this.held.copy(grown, 0, 0, this.length);
      this.held = grown;
    }
    chunk.copy(this.held, this.length);
    this.length += chunk.length;
    if (this.phase !== 'whole') this.advance();
  }

  private get pending(): Buffer {
    return this.held.subarray(0, this.length);
  }

  end(): { packages: PackageInfo[]; listed: number } {
    // No `value` array found as the bytes came (or a head too long to look through again and
    // again): judged whole, where JSON without one is an empty page and anything else throws.
    if (this.phase === 'head' || this.phase === 'whole') return wholePage(this.pending, this.views);
    if (this.phase !== 'done') throw new SyntaxError('listing: the answer ends inside the value array');
    // What is around the array is checked as JSON.parse would check it, the array standing for one value.
    let envelope: unknown;
    try {
      envelope = JSON.parse(`${this.head}${JSON.stringify(arrayMark)}${Buffer.concat(this.tail).toString('utf8')}`);
    } catch {
      throw new SyntaxError('listing: the answer is not JSON around its value array');
    }
    // A later `value` would be the one a whole answer's reader takes: the answer says two things.
    if ((envelope as { value?: unknown }).value !== arrayMark) throw new SyntaxError('listing: the answer has a second value');
    return { packages: this.packages, listed: this.listed };
  }

  private keepTail(bytes: Buffer): void {
    // A real answer has a few bytes after its array; more than a page's worth is not an answer to keep.
    this.tailLength += bytes.length;
    if (this.tailLength > longestHead) throw new SyntaxError('listing: the answer goes on long after its value array');
    this.tail.push(Buffer.from(bytes));
  }

  private advance(): void {
    const b = this.pending;
    let i = 0;
    try {
      if (this.phase === 'head') {
        const at = findTopLevelArray(b, 'value');
        if (at < 0) {
          this.phase = 'whole';
          return;
        }
        this.phase = 'items';
        this.head = b.toString('utf8', hasBom(b) ? 3 : 0, at);
        i = at + 1;
      }
      for (;;) {
        if (!this.item) {
          i = skipSpace(b, i);
          if (i >= b.length) throw moreNeeded;
          if (b[i] === CLOSE_ARRAY) {
            if (this.afterComma) throw new SyntaxError('listing: a value was due after ,');
            this.phase = 'done';
            const rest = b.subarray(i + 1);
            this.held = Buffer.alloc(0);
            this.length = 0;
            this.keepTail(rest);
            return;
          }
          if (this.afterItem) {
            if (b[i] !== COMMA) throw new SyntaxError('listing: expected , or ]');
            this.afterItem = false;
            this.afterComma = true;
            i = skipSpace(b, i + 1);
            if (i >= b.length) throw moreNeeded;
            continue;
          }
          this.afterComma = false;
          this.item = new ItemScan(b[i], i);
        }
        // The scan goes on where the last chunk left it: each byte is looked at once.
        const end = this.item.scan(b);
        if (end < 0) {
          i = this.item.start;
          throw moreNeeded;
        }
        const start = this.item.start;
        this.item = undefined;
        this.listed++;
        const p = trimPackage(JSON.parse(b.toString('utf8', start, end)) as unknown, this.views);
        if (p) this.packages.push(p);
        this.afterItem = true;
        i = end;
      }
    } catch (e) {
      if (e !== moreNeeded) throw e;
      // Keep what is not read yet; in the head, all of it (the scan starts over with more, up to a
      // point: a head that long is kept to be judged whole).
      if (this.phase === 'head') {
        if (b.length > longestHead) this.phase = 'whole';
      } else {
        this.held.copyWithin(0, i, this.length);
        this.length -= i;
        this.item?.moved(i);
      }
    }
  }
}

/**
 * Where one value of the array ends, found across chunks: the scan keeps its place (and whether it
 * is inside a string, after a backslash, how deep in brackets), so more bytes continue it.
 */
class ItemScan {
  private at: number;
  private depth = 0;
  private inString: boolean;
  private escaped = false;
  private readonly kind: 'string' | 'nested' | 'word';

  constructor(first: number | undefined, public start: number) {
    this.kind = first === QUOTE ? 'string' : first === OPEN_OBJECT || first === OPEN_ARRAY ? 'nested' : 'word';
    this.inString = this.kind === 'string';
    this.at = this.kind === 'string' ? start + 1 : start;
  }

  /** The bytes before `by` were let go of: positions move back. */
  moved(by: number): void {
    this.start -= by;
    this.at -= by;
  }

  /** The end (exclusive) of the value, or -1 where the bytes so far end first. */
  scan(b: Buffer): number {
    for (; this.at < b.length; this.at++) {
      const c = b[this.at];
      if (this.kind === 'word') {
        if (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT || isSpace(c)) return this.at;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.kind === 'string') return this.at + 1;
        }
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.depth === 0) return this.at + 1;
      }
    }
    return -1;
  }
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

// JSON's structural characters are ASCII, so the bytes of UTF-8 text can be scanned as they are.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const isSpace = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

function skipSpace(b: Buffer, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** The end (exclusive) of the string starting at `i` (a quote). */
function endOfString(b: Buffer, i: number): number {
  for (let j = i + 1; j < b.length; j++) {
    if (b[j] === BACKSLASH) j++;
    else if (b[j] === QUOTE) return j + 1;
  }
  throw moreNeeded;
}

/** The end (exclusive) of the JSON value starting at `i`. */
function endOfValue(b: Buffer, i: number): number {
  if (b[i] === QUOTE) return endOfString(b, i);
  if (b[i] !== OPEN_OBJECT && b[i] !== OPEN_ARRAY) {
    let j = i;
    while (j < b.length && b[j] !== COMMA && b[j] !== CLOSE_ARRAY && b[j] !== CLOSE_OBJECT && !isSpace(b[j])) j++;
    // A number or a word running to the end of the bytes so far may go on in the next chunk.
    if (j >= b.length) throw moreNeeded;
    return j;
  }
  let depth = 0;
  for (let j = i; j < b.length; j++) {
    const c = b[j];
    if (c === QUOTE) j = endOfString(b, j) - 1;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
    else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  throw moreNeeded;
}

/**
 * Where the top-level object's array `key` opens (the index of its `[`); -1 where the answer is
 * not an object or the object ends without one. Throws `moreNeeded` where the bytes end first.
 */
const hasBom = (b: Buffer) => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** Stands for the value array when what is around it is checked: no listing holds this text. */
const arrayMark = '\u0000value array\u0000';

function findTopLevelArray(b: Buffer, key: string): number {
  if (b.length < 3 && b[0] === 0xef) throw moreNeeded;
  let i = skipSpace(b, hasBom(b) ? 3 : 0);
  if (i >= b.length) throw moreNeeded;
  if (b[i] !== OPEN_OBJECT) return -1;
  i = skipSpace(b, i + 1);
  while (i < b.length && b[i] !== CLOSE_OBJECT) {
    if (b[i] !== QUOTE) throw new SyntaxError('listing: expected a key');
    const keyEnd = endOfString(b, i);
    const name = JSON.parse(b.toString('utf8', i, keyEnd)) as string;
    i = skipSpace(b, keyEnd);
    if (i >= b.length) throw moreNeeded;
    if (b[i] !== COLON) throw new SyntaxError('listing: expected :');
    i = skipSpace(b, i + 1);
    if (i >= b.length) throw moreNeeded;
    if (name === key && b[i] === OPEN_ARRAY) return i;
    i = skipSpace(b, endOfValue(b, i));
    if (b[i] === COMMA) i = skipSpace(b, i + 1);
  }
  if (i >= b.length) throw moreNeeded;
  return -1;
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
