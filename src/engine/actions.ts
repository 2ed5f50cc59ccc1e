import type { FeedLocation, FeedsClient, FeedView } from '../azure/feeds';
import type { ActionKey, Protocol } from '../protocols';

/** A version's state as the result file reports it. */
export interface VersionState {
  views: string[];
  listed: boolean | null;
  deleted: boolean;
  deprecated: string | null;
}

export interface ActionContext {
  action: ActionKey;
  view?: FeedView;
  message: string;
}

/** The role a change needs, for the 403 advice. */
export type Role = 'reader' | 'contributor' | 'owner';

/** What one action means, whatever the protocol: where it selects from, its target, its requests. */
export interface ActionDef {
  changes: boolean;
  /** Selects from the recycle bin rather than live versions. */
  fromRecycleBin: boolean;
  role: Role;
  /**
   * Where an exact version that the selection does not find may already be, which counts as
   * `unchanged`: in the recycle bin for delete, live for restore.
   */
  doneWhenElsewhere?: boolean;
  /** Changes the deprecation message, so planning and read-back need it (npm keeps it on the version's own GET). */
  changesDeprecation?: boolean;
  /** Writes each selected version's file. */
  downloads?: boolean;
  /** The state after the change; null: gone for good. */
  target(before: VersionState, ctx: ActionContext): VersionState | null;
  /** Whether a version now in `now` (null: not found anywhere) is where the action wants it. */
  reached(now: VersionState | null, ctx: ActionContext): boolean;
  /** The single-version request. */
  single?(api: FeedsClient, at: FeedLocation, protocol: Protocol, name: string, version: string, ctx: ActionContext): Promise<void>;
  /** The batch's `data`, when it has one, and whether it is the recycle bin's batch. */
  batch?: { recycleBin: boolean; data?(ctx: ActionContext): unknown };
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

const unchangedState = (s: VersionState) => ({ ...s, views: [...s.views] });

const list = (listed: boolean): ActionDef => ({
  changes: true,
  fromRecycleBin: false,
  role: 'contributor',
  target: (s) => ({ ...unchangedState(s), listed }),
  reached: (now) => !!now && !now.deleted && now.listed === listed,
  single: (api, at, p, name, version) => api.updateVersion(at, p, name, version, { listed }),
  batch: { recycleBin: false, data: () => ({ listed }) },
});

const deprecation = (clear: boolean): ActionDef => ({
  changes: true,
  changesDeprecation: true,
  fromRecycleBin: false,
  role: 'contributor',
  target: (s, ctx) => ({ ...unchangedState(s), deprecated: clear ? null : ctx.message }),
  reached: (now, ctx) => !!now && !now.deleted && (clear ? !now.deprecated : now.deprecated === ctx.message),
  single: (api, at, p, name, version, ctx) => api.updateVersion(at, p, name, version, { deprecateMessage: clear ? '' : ctx.message }),
  batch: { recycleBin: false, data: (ctx) => ({ message: clear ? '' : ctx.message }) },
});

const readOnly: ActionDef = {
  changes: false,
  fromRecycleBin: false,
  role: 'reader',
  target: unchangedState,
  reached: () => true,
};

export const actionDefs: Readonly<Record<ActionKey, ActionDef>> = {
  promote: {
    changes: true,
    fromRecycleBin: false,
    role: 'contributor',
    target: (s, ctx) => (s.views.some((v) => sameName(v, ctx.view!.name)) ? unchangedState(s) : { ...unchangedState(s), views: [...s.views, ctx.view!.name] }),
    reached: (now, ctx) => !!now && !now.deleted && now.views.some((v) => sameName(v, ctx.view!.name)),
    single: (api, at, p, name, version, ctx) =>
      api.updateVersion(at, p, name, version, { views: { op: 'add', path: '/views/-', value: ctx.view!.id } }),
    batch: { recycleBin: false, data: (ctx) => ({ viewId: ctx.view!.id }) },
  },
  unlist: list(false),
  relist: list(true),
  deprecate: deprecation(false),
  undeprecate: deprecation(true),
  delete: {
    changes: true,
    fromRecycleBin: false,
    doneWhenElsewhere: true,
    role: 'owner',
    target: (s) => ({ ...unchangedState(s), deleted: true }),
    reached: (now) => !!now && now.deleted,
    single: (api, at, p, name, version) => api.deleteVersion(at, p, name, version),
    batch: { recycleBin: false },
  },
  restore: {
    changes: true,
    fromRecycleBin: true,
    doneWhenElsewhere: true,
    role: 'owner',
    target: (s) => ({ ...unchangedState(s), deleted: false }),
    reached: (now) => !!now && !now.deleted,
    single: (api, at, p, name, version) => api.restoreVersion(at, p, name, version),
    batch: { recycleBin: true },
  },
  permanentDelete: {
    changes: true,
    fromRecycleBin: true,
    role: 'owner',
    target: () => null,
    reached: (now) => now === null,
    single: (api, at, p, name, version) => api.purgeVersion(at, p, name, version),
    batch: { recycleBin: true },
  },
  download: { ...readOnly, downloads: true },
  show: readOnly,
};
