import { AuthenticationError, HttpError, LostAnswerError } from '../azure/errors';
import type { FeedLocation, FeedsClient, PackageVersionInfo } from '../azure/feeds';
import type { Protocol } from '../protocols';
import type { ActionContext, ActionDef, VersionState } from './actions';
import { Catalog, versionsOf } from './resolve';

/** A version the plan will change. */
export interface Change {
  name: string;
  version: string;
}

export const batchLimit = 100;

export interface ApplyDeps {
  api: FeedsClient;
  at: FeedLocation;
  protocol: Protocol;
  def: ActionDef;
  ctx: ActionContext;
  sleep(ms: number): Promise<void>;
  debug(line: string): void;
  /** Pauses between read-backs while listings catch up. */
  readBackDelaysMs?: number[];
}

/** Identifies a version across listings: the protocol's normal name and version. */
export const stateKey = (p: Protocol, name: string, version: string): string => `${p.normalizeName(name)}@${p.versionRule.normalize(version)}`;

/** The state of a listed version; `deleted` from where it was found or its own flag. */
export function stateOf(v: PackageVersionInfo, protocol: Protocol, inRecycleBin: boolean): VersionState {
  return {
    views: (v.views ?? []).map((x) => x.name),
    listed: protocol.hasListing ? v.isListed ?? true : null,
    deleted: inRecycleBin || !!v.isDeleted,
    deprecated: null,
  };
}

/**
 * Reads the current state of versions: live listing, the recycle bin where the action touches it,
 * and npm's own version GET for deprecation messages. Null: found nowhere.
 */
export async function readStates(d: ApplyDeps, items: Change[]): Promise<Map<string, VersionState | null>> {
  const { api, at, protocol, def } = d;
  const live = new Catalog(api, at, protocol, false);
  const bin = def.fromRecycleBin || def.role === 'owner' ? new Catalog(api, at, protocol, true) : undefined;
  const names = [...new Set(items.map((i) => protocol.normalizeName(i.name)))];
  if (names.length > 10) {
    live.preferFull();
    bin?.preferFull();
  }
  const out = new Map<string, VersionState | null>();
  await forEachLimited(items, 8, async (item) => {
    const match = (vs: PackageVersionInfo[] | undefined) => vs?.find((v) => protocol.versionRule.compare(v.version, item.version) === 0);
    const livePackage = await live.byName(item.name);
    const liveVersion = match(livePackage ? versionsOf(livePackage, false) : undefined);
    let state: VersionState | null = null;
    if (liveVersion) state = stateOf(liveVersion, protocol, false);
    else if (bin) {
      const binPackage = await bin.byName(item.name);
      const binVersion = match(binPackage?.versions);
      if (binVersion) state = stateOf(binVersion, protocol, true);
    }
    if (!state) {
      const deleted = match(livePackage?.versions);
      if (deleted) state = stateOf(deleted, protocol, true);
    }
    if (state && protocol.hasDeprecation && def.changesDeprecation) state.deprecated = await readDeprecation(api, at, protocol, item.name, item.version);
    out.set(stateKey(protocol, item.name, item.version), state);
  });
  return out;
}

/**
 * A version's deprecation message: npm keeps it only on the version's own GET, never in the feed's
 * listings. That GET answers for unpublished versions too (with their unpublishedDate); the recycle
 * bin's own GET gives only the deletion state.
 */
export async function readDeprecation(api: FeedsClient, at: FeedLocation, protocol: Protocol, name: string, version: string): Promise<string | null> {
  const own = await api.getVersion<{ deprecateMessage?: string }>(at, protocol, name, version);
  return own?.deprecateMessage ? own.deprecateMessage : null;
}

/** Failures that stop every further request: the identity or its role is wrong for all of them. */
export function isFatal(e: unknown): boolean {
  return e instanceof AuthenticationError || (e instanceof HttpError && e.status === 403);
}

const maxRounds = 3;

/**
 * Sends the changes: one version through its own endpoint, more through the protocol's batch, at
 * most 100 a request. A lost answer, and a batch the service refused (404, 409), is read back before
 * anything is sent again, and only what has not arrived is resent. Authentication and permission
 * failures are thrown; other failures are returned, one per request that gave up, and the read-back
 * that follows marks what did not arrive as failed.
 */
export async function sendChanges(d: ApplyDeps, changes: Change[]): Promise<unknown[]> {
  const route = d.protocol.actions[d.ctx.action]!;
  const single = changes.length === 1 && route.single && !!d.def.single;
  const problems: unknown[] = [];
  for (let i = 0; i < changes.length; i += batchLimit) {
    let pending = changes.slice(i, i + batchLimit);
    for (let round = 0; ; round++) {
      try {
        if (single) await d.def.single!(d.api, d.at, d.protocol, pending[0].name, pending[0].version, d.ctx);
        else await d.api.batch(d.at, d.protocol, d.def.batch!.recycleBin, route.batchOperation, d.def.batch!.data?.(d.ctx), pending);
        break;
      } catch (e) {
        if (isFatal(e)) throw e;
        const lost = e instanceof LostAnswerError;
        // Deleting what is already in the recycle bin (404), restoring what is already live (409), or a
        // batch one of whose versions changed meanwhile: the read-back tells what is left to send.
        const refused = e instanceof HttpError && (e.status === 404 || e.status === 409);
        if ((!lost && !refused) || round >= maxRounds) {
          problems.push(e);
          break;
        }
        d.debug(`${e instanceof Error ? e.message : String(e)}; reading back before sending again`);
        let states: Map<string, VersionState | null>;
        try {
          if (lost) await d.sleep(1000 * 2 ** round);
          states = await readStates(d, pending);
        } catch (readError) {
          if (isFatal(readError)) throw readError;
          problems.push(e, readError);
          break;
        }
        const state = (c: Change) => states.get(stateKey(d.protocol, c.name, c.version)) ?? null;
        const unreached = pending.filter((c) => !d.def.reached(state(c), d.ctx));
        // A version found nowhere any more cannot be sent again; the read-back after reports it.
        const sendable = unreached.filter((c) => state(c) !== null);
        d.debug(`${unreached.length} of ${pending.length} version(s) not there yet, ${sendable.length} to send again`);
        if (sendable.length === 0 || (refused && sendable.length === pending.length)) {
          // Nothing left to send, or nothing the read-back shows explains the refusal: it stands.
          if (unreached.length > 0) problems.push(e);
          break;
        }
        pending = sendable;
      }
    }
  }
  return problems;
}

/** Reads back until every change has arrived or the pauses run out. */
export async function readBack(d: ApplyDeps, changes: Change[], delays = d.readBackDelaysMs ?? [0, 500, 1000, 2000]): Promise<Map<string, VersionState | null>> {
  let states = new Map<string, VersionState | null>();
  for (const delay of delays) {
    if (delay) await d.sleep(delay);
    states = await readStates(d, changes);
    if (changes.every((c) => d.def.reached(states.get(stateKey(d.protocol, c.name, c.version)) ?? null, d.ctx))) break;
  }
  return states;
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
