import { HttpError, LostAnswerError } from '../azure/errors';
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

const key = (p: Protocol, name: string, version: string) => `${p.normalizeName(name)}@${p.versionRule.normalize(version)}`;

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
export async function readStates(d: ApplyDeps, items: Change[], withDeprecation: boolean): Promise<Map<string, VersionState | null>> {
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
    if (state && withDeprecation && !state.deleted) {
      const own = await api.getVersion<{ deprecateMessage?: string }>(at, protocol, item.name, item.version);
      state.deprecated = own?.deprecateMessage ? own.deprecateMessage : null;
    }
    out.set(key(protocol, item.name, item.version), state);
  });
  return out;
}

export function stateKey(p: Protocol, name: string, version: string): string {
  return key(p, name, version);
}

/**
 * Sends the changes: one version through its own endpoint, more through the protocol's batch, at
 * most 100 a request. A lost answer is read back before anything is resent, and only what has not
 * arrived is resent. Authentication and permission failures stop everything; anything else is left
 * to the read-back that follows.
 */
export async function sendChanges(d: ApplyDeps, changes: Change[]): Promise<{ requests: number }> {
  const route = d.protocol.actions[d.ctx.action];
  const single = changes.length === 1 && route?.single !== false && !!d.def.single;
  const chunks: Change[][] = [];
  for (let i = 0; i < changes.length; i += batchLimit) chunks.push(changes.slice(i, i + batchLimit));
  let requests = 0;
  for (const chunk of chunks) {
    let pending = chunk;
    for (let round = 0; pending.length > 0; round++) {
      try {
        requests++;
        if (single) {
          await d.def.single!(d.api, d.at, d.protocol, pending[0].name, pending[0].version, d.ctx);
        } else {
          const op = route!.batchOperation;
          await d.api.batch(d.at, d.protocol, d.def.batch!.recycleBin, op, d.def.batch!.data?.(d.ctx), pending);
        }
        break;
      } catch (e) {
        if (e instanceof HttpError && (e.status === 404 || e.status === 409)) {
          // Deleting what is already in the recycle bin, restoring what is already live: the read-back decides.
          d.debug(`${e.message}; the read-back decides`);
          break;
        }
        if (!(e instanceof LostAnswerError) || round >= 3) throw e;
        d.debug(`answer lost (${e.message}); reading back before resending`);
        await d.sleep(1000 * 2 ** round);
        const states = await readStates(d, pending, d.protocol.hasDeprecation && isDeprecation(d));
        pending = pending.filter((c) => !d.def.reached(states.get(key(d.protocol, c.name, c.version)) ?? null, d.ctx));
        d.debug(`${pending.length} of the lost request's versions still to send`);
      }
    }
  }
  return { requests };
}

/** Reads back until every change has arrived or the pauses run out. */
export async function readBack(d: ApplyDeps, changes: Change[]): Promise<Map<string, VersionState | null>> {
  const delays = d.readBackDelaysMs ?? [0, 500, 1000, 2000];
  let states = new Map<string, VersionState | null>();
  for (const delay of delays) {
    if (delay) await d.sleep(delay);
    states = await readStates(d, changes, d.protocol.hasDeprecation && isDeprecation(d));
    if (changes.every((c) => d.def.reached(states.get(key(d.protocol, c.name, c.version)) ?? null, d.ctx))) break;
  }
  return states;
}

function isDeprecation(d: ApplyDeps): boolean {
  return !!d.def.readsDeprecation;
}

export async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await fn(item);
    }
  });
  await Promise.all(workers);
}
