/**
 * Sends the plan's changes and reads back what arrived. One version goes through its own endpoint;
 * more go through the protocol's batch, at most 100 a request and at most 4 requests in flight
 * (the HTTP client's shared back-off slows all of them on a 429). A lost answer, and a batch the
 * service refused (404, 409), is read back before anything is sent again, and only what has not
 * arrived is resent. The rows that come out never claim more than is known.
 */
import type { Protocol } from '../protocols';
import type { ActionContext, AnyChange, VersionState } from './actions';
import { Failure, failureOf, isFatal } from './failures';
import { Msg, msg } from './messages';
import type { Row } from './plan';
import type { FeedLocation, FeedsPort, PackageInfo, PackageVersionInfo, Platform, VersionRef } from './ports';
import { Catalog, stateOf } from './select';

export const batchLimit = 100;
export const inFlight = 4;

export interface ApplyDeps {
  feeds: FeedsPort;
  platform: Pick<Platform, 'sleep' | 'debug'>;
  at: FeedLocation;
  protocol: Protocol;
  def: AnyChange;
  ctx: ActionContext;
  /** Pauses between read-backs while listings catch up. */
  readBackDelaysMs?: number[];
  /** Pages the selection's pass over the whole listing read (0: it asked name by name). */
  listingPages?: number;
}

/** What this run knows about one version's request. */
type Sent =
  | 'accepted' // a 2xx for a request that carried it
  | 'lost' // the answer was lost; a read-back decides
  | 'refused' // the server refused the request that carried it (404/409 or another 4xx)
  | 'unsent'; // never sent (a fatal failure stopped the run first)

export interface Applied {
  /** One for each planned row, in the same order. */
  rows: Row[];
  /** Failures in the order that explains them best: what stopped the run first. */
  failures: Failure[];
  /** Messages about the rows that follow the failures. */
  notes: Msg[];
}

/** Identifies a version across listings: the protocol's normal name and version. */
export const stateKey = (p: Protocol, name: string, version: string): string => `${p.normalizeName(name)}@${p.versionRule.normalize(version)}`;

/**
 * `levelOf` (promote with dependencies, ./graph): the rows go in level by level, lowest first, each
 * level in batches; a level starts once the one before is done, and none starts after a failure, so
 * a version never reaches the view before what it needs.
 */
export async function apply(d: ApplyDeps, planned: Row[], levelOf?: (r: Row) => number): Promise<Applied> {
  const { protocol } = d;
  const sent = new Map<string, Sent>(planned.map((r) => [key(d, r), 'unsent']));
  const failures: Failure[] = [];
  let fatal: Failure | undefined;
  const route = protocol.actions[d.ctx.action];
  for (const refs of byLevel(planned, levelOf)) {
    const single = refs.length === 1 && !!route?.single;
    const batches: VersionRef[][] = [];
    for (let i = 0; i < refs.length; i += batchLimit) batches.push(refs.slice(i, i + batchLimit));
    let next = 0;
    const worker = async () => {
      while (!fatal && next < batches.length) {
        const batch = batches[next++];
        const f = await sendBatch(d, batch, single, sent);
        if (!f) continue;
        if (isFatal(f)) fatal ??= f;
        else failures.push(f);
      }
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, worker));
    if (fatal || failures.length) break;
  }
  if (fatal) failures.unshift(fatal);

  let states: Map<string, VersionState | null> | undefined;
  let unread = fatal?.kind === 'authentication' ? 'the identity was refused' : '';
  if (!unread) {
    try {
      // After a failure once, since waiting will not change it.
      states = await readBack(d, planned, sent, failures.length ? [0] : undefined);
    } catch (e) {
      // Whatever stopped the read-back, the rows say only what is known.
      const f = failureOf(e);
      if (f.kind === 'bug') throw e;
      if (!fatal) failures.unshift(f);
      unread = isFatal(f) ? 'the identity was refused' : 'the read-back failed';
    }
  }
  return states ? judged(d, planned, sent, states, failures, !!fatal) : unverified(d, planned, sent, failures, unread);
}

/** The rows' versions by level, lowest first (all in one without `levelOf`). */
export function byLevel(rows: Row[], levelOf?: (r: Row) => number): VersionRef[][] {
  const levels = new Map<number, VersionRef[]>();
  for (const r of rows) {
    const level = levelOf?.(r) ?? 0;
    let refs = levels.get(level);
    if (!refs) levels.set(level, (refs = []));
    refs.push({ name: r.package, version: r.version });
  }
  return [...levels.keys()].sort((a, b) => a - b).map((level) => levels.get(level)!);
}

/** The requests that sending these levels takes: one for a lone version, else a batch for each 100. */
export const requestsFor = (levels: VersionRef[][]): number => levels.reduce((n, refs) => n + (refs.length === 1 ? 1 : Math.ceil(refs.length / batchLimit)), 0);

const key = (d: ApplyDeps, r: { package?: string; name?: string; version: string }) => stateKey(d.protocol, r.package ?? r.name!, r.version);

/** With read-back: each row as the feed shows it now. */
function judged(d: ApplyDeps, planned: Row[], sent: Map<string, Sent>, states: Map<string, VersionState | null>, failures: Failure[], stopped: boolean): Applied {
  const notes: Msg[] = [];
  let unsent = 0;
  const rows = planned.map((r): Row => {
    const k = key(d, r);
    const now = states.has(k) ? states.get(k)! : null;
    // The deprecation message is read back only by the actions that change it; the rest keep it.
    const after = now && d.protocol.hasDeprecation && !d.def.changesDeprecation ? { ...now, deprecated: r.before?.deprecated ?? null } : now;
    const reached = d.def.reached(now, d.ctx);
    const how = sent.get(k)!;
    if (reached) return { ...r, after, outcome: how === 'accepted' || how === 'lost' ? 'changed' : 'unchanged' };
    if (how === 'unsent') unsent++;
    // What the other failures explain is not listed once more, version by version.
    else if (!stopped && !failures.length) notes.push(msg('VersionFailed', r.package, r.version));
    return { ...r, after, outcome: 'failed' };
  });
  if (unsent) notes.push(msg('NotSent', unsent));
  return { rows, failures, notes };
}

/** Without read-back (the identity was lost, or reading failed): accepted is changed but unverified; unsent as before; lost unknown. */
function unverified(d: ApplyDeps, planned: Row[], sent: Map<string, Sent>, failures: Failure[], why: string): Applied {
  let accepted = 0;
  let unsent = 0;
  const rows = planned.map((r): Row => {
    const how = sent.get(key(d, r))!;
    if (how === 'accepted') {
      accepted++;
      return { ...r, outcome: 'changed' };
    }
    if (how === 'lost') return { ...r, after: null, outcome: 'failed' };
    unsent++;
    return { ...r, after: r.before, outcome: 'failed' };
  });
  const notes: Msg[] = [];
  if (accepted) notes.push(msg('Unverified', accepted, why));
  if (unsent) notes.push(msg('NotSent', unsent));
  return { rows, failures, notes };
}

const maxRounds = 3;

/** One request's versions, until they are accepted, read back as arrived, or given up; returns what stopped it. */
async function sendBatch(d: ApplyDeps, batch: VersionRef[], single: boolean, sent: Map<string, Sent>): Promise<Failure | undefined> {
  let pending = batch;
  for (let round = 0; ; round++) {
    try {
      if (single) await d.feeds.changeOne(d.at, d.protocol, pending[0], d.def.single(d.ctx));
      else await d.feeds.changeMany(d.at, d.protocol, pending, { recycleBin: d.def.fromRecycleBin, operation: d.protocol.actions[d.ctx.action]!.batchOperation, data: d.def.batch.data(d.ctx) });
      for (const r of pending) sent.set(key(d, r), 'accepted');
      return undefined;
    } catch (e) {
      const f = failureOf(e);
      if (f.kind === 'bug') throw e;
      const lost = f.kind === 'lostAnswer';
      // Deleting what is already in the recycle bin (404), restoring what is already live (409), or a
      // batch one of whose versions changed meanwhile: the read-back tells what is left to send.
      const refused = f.kind === 'notFound' || f.kind === 'conflict';
      for (const r of pending) sent.set(key(d, r), lost ? 'lost' : isFatal(f) || f.kind === 'transient' ? 'unsent' : 'refused');
      if ((!lost && !refused) || round >= maxRounds) return f;
      d.platform.debug(`${f.kind} for ${pending.length} version(s); reading back before sending again`);
      let states: Map<string, VersionState | null>;
      try {
        if (lost) await d.platform.sleep(1000 * 2 ** round);
        states = await readStates(d, pending);
      } catch (readError) {
        return failureOf(readError);
      }
      const state = (r: VersionRef) => states.get(key(d, r)) ?? null;
      const unreached = pending.filter((r) => !d.def.reached(state(r), d.ctx));
      // A version found nowhere any more cannot be sent again; the read-back after reports it.
      const sendable = unreached.filter((r) => state(r) !== null);
      d.platform.debug(`${unreached.length} of ${pending.length} version(s) not there yet, ${sendable.length} to send again`);
      if (sendable.length === 0 || (refused && sendable.length === pending.length)) {
        // Nothing left to send, or nothing the read-back shows explains the refusal: it stands.
        return unreached.length > 0 ? f : undefined;
      }
      for (const r of sendable) sent.set(key(d, r), 'unsent');
      pending = sendable;
    }
  }
}

/** Reads back until every change this run sent has arrived, or the pauses run out. */
async function readBack(d: ApplyDeps, rows: Row[], sent: Map<string, Sent>, delays = d.readBackDelaysMs ?? [0, 500, 1000, 2000]): Promise<Map<string, VersionState | null>> {
  const refs = rows.map((r) => ({ name: r.package, version: r.version }));
  // Only what was accepted is waited for.
  const accepted = rows.map((r) => key(d, r)).filter((k) => sent.get(k) === 'accepted');
  let states = new Map<string, VersionState | null>();
  for (const delay of delays) {
    if (delay) await d.platform.sleep(delay);
    states = await readStates(d, refs);
    const waiting = accepted.some((k) => !d.def.reached(states.get(k) ?? null, d.ctx));
    if (!waiting) break;
  }
  return states;
}

/**
 * The current state of versions: live listing, the recycle bin where the action touches it, and
 * npm's own version GET for deprecation messages. Null: found nowhere. Many names are read with
 * the whole listing (a page per 1,000 packages) rather than one query each.
 */
export async function readStates(d: ApplyDeps, refs: VersionRef[]): Promise<Map<string, VersionState | null>> {
  const { feeds, at, protocol, def } = d;
  const live = new Catalog(feeds, at, protocol, false);
  const bin = def.fromRecycleBin || def.role === 'owner' ? new Catalog(feeds, at, protocol, true) : undefined;
  const names = [...new Map(refs.map((r) => [protocol.normalizeName(r.name), { name: r.name, glob: false }])).values()];
  // The whole listing where it takes fewer requests than one query per name.
  live.prepare(names, d.listingPages || 10);
  bin?.prepare(names, d.listingPages || 10);
  // Each package's versions indexed once by their normal form: a read-back of thousands of
  // versions compares each version once, not once per version asked for.
  const indexes = new Map<PackageInfo, { live: Map<string, PackageVersionInfo>; deleted: Map<string, PackageVersionInfo> }>();
  const find = (p: PackageInfo | undefined, version: string, live: boolean): PackageVersionInfo | undefined => {
    if (!p) return undefined;
    let index = indexes.get(p);
    if (!index) {
      index = { live: new Map(), deleted: new Map() };
      for (const v of p.versions) (v.isDeleted ? index.deleted : index.live).set(protocol.versionRule.normalize(v.version), v);
      indexes.set(p, index);
    }
    const n = protocol.versionRule.normalize(version);
    return live ? index.live.get(n) : index.deleted.get(n) ?? index.live.get(n);
  };
  // Each package once (the listing pass, or one query a name), then the versions without awaiting each.
  const packagesOf = async (catalog: Catalog, wanted: VersionRef[]): Promise<Map<string, PackageInfo | undefined>> => {
    const found = new Map<string, PackageInfo | undefined>();
    const distinct = [...new Map(wanted.map((r) => [protocol.normalizeName(r.name), r.name])).entries()];
    await forEachLimited(distinct, 8, async ([k, name]) => {
      found.set(k, await catalog.byName(name));
    });
    return found;
  };
  const livePackages = await packagesOf(live, refs);
  const out = new Map<string, VersionState | null>();
  const missing: VersionRef[] = [];
  for (const ref of refs) {
    const liveVersion = find(livePackages.get(protocol.normalizeName(ref.name)), ref.version, true);
    if (liveVersion) out.set(key(d, ref), stateOf(liveVersion, protocol, false));
    else missing.push(ref);
  }
  const binPackages = bin && missing.length ? await packagesOf(bin, missing) : undefined;
  for (const ref of missing) {
    let state: VersionState | null = null;
    const binVersion = binPackages && find(binPackages.get(protocol.normalizeName(ref.name)), ref.version, false);
    if (binVersion) state = stateOf(binVersion, protocol, true);
    if (!state) {
      const deleted = find(livePackages.get(protocol.normalizeName(ref.name)), ref.version, false);
      if (deleted) state = stateOf(deleted, protocol, true);
    }
    out.set(key(d, ref), state);
  }
  if (protocol.hasDeprecation && def.changesDeprecation) {
    await forEachLimited(refs, 8, async (ref) => {
      const state = out.get(key(d, ref));
      if (state) state.deprecated = await readDeprecation(feeds, at, protocol, ref);
    });
  }
  return out;
}

/**
 * A version's deprecation message: npm keeps it only on the version's own GET, never in the feed's
 * listings. That GET answers for unpublished versions too; the recycle bin's own GET gives only the
 * deletion state.
 */
export async function readDeprecation(feeds: FeedsPort, at: FeedLocation, protocol: Protocol, ref: VersionRef): Promise<string | null> {
  const own = await feeds.getVersion<{ deprecateMessage?: string }>(at, protocol, ref);
  return own?.deprecateMessage ? own.deprecateMessage : null;
}

/** Runs `fn` over the items, at most `limit` at a time; after a failure no new item starts. */
export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  });
  await Promise.all(workers);
}
