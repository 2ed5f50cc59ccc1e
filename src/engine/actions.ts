import type { ActionKey } from '../protocols';
import type { FeedView, SingleChange } from './ports';

/** A version's state as the result file reports it. */
export interface VersionState {
  views: string[];
  listed: boolean | null;
  deleted: boolean;
  deprecated: string | null;
}

/** What each action needs to know beyond the versions: promote its view, deprecate its message. */
export type ActionContext =
  | { action: 'promote'; view: FeedView }
  | { action: 'deprecate'; message: string }
  | { action: Exclude<ActionKey, 'promote' | 'deprecate'> };

export type ContextOf<K extends ActionKey> = K extends 'promote' | 'deprecate' ? Extract<ActionContext, { action: K }> : { action: K };

/** The role an action needs, for the 403 advice. */
export type Role = 'reader' | 'contributor' | 'owner';

/** An action that changes versions: where it selects from, its target, and both of its requests. */
export interface ChangingAction<C extends ActionContext> {
  kind: 'change';
  /** Selects from the recycle bin rather than live versions, and changes them through the recycle bin's batch. */
  fromRecycleBin: boolean;
  role: Role;
  /**
   * Where an exact version that the selection does not find may already be, which counts as
   * `unchanged`: in the recycle bin for delete, live for restore.
   */
  doneWhenElsewhere: boolean;
  /** Changes the deprecation message, so planning and read-back need it (npm keeps it on the version's own GET). */
  changesDeprecation: boolean;
  /** The state after the change; null: gone for good. */
  target(before: VersionState, ctx: C): VersionState | null;
  /** Whether a version now in `now` (null: found nowhere) is where the action wants it. */
  reached(now: VersionState | null, ctx: C): boolean;
  /** The request through the version's own endpoint. */
  single(ctx: C): SingleChange;
  /** The `data` of the protocol's batch (the recycle bin's where `fromRecycleBin`). */
  batch: { data(ctx: C): unknown };
}

/** An action that only reads: show lists, download writes files. */
export type ReadingAction = { kind: 'show'; fromRecycleBin: false; role: 'reader' } | { kind: 'download'; fromRecycleBin: false; role: 'reader' };

export type ActionDef<K extends ActionKey> = K extends 'show' | 'download' ? Extract<ReadingAction, { kind: K }> : ChangingAction<ContextOf<K>>;

/** View names, compared without regard to case (the same text, the usual case, needs no lowering). */
const sameName = (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase();
const copy = (s: VersionState): VersionState => ({ ...s, views: [...s.views] });
const noData = () => undefined;

const listing = (listed: boolean): ChangingAction<ActionContext> => ({
  kind: 'change',
  fromRecycleBin: false,
  doneWhenElsewhere: false,
  changesDeprecation: false,
  role: 'contributor',
  target: (s) => ({ ...copy(s), listed }),
  reached: (now) => !!now && !now.deleted && now.listed === listed,
  single: () => ({ kind: 'update', body: { listed } }),
  batch: { data: () => ({ listed }) },
});

const deprecation = <C extends ActionContext>(message: (ctx: C) => string): ChangingAction<C> => ({
  kind: 'change',
  fromRecycleBin: false,
  doneWhenElsewhere: false,
  changesDeprecation: true,
  role: 'contributor',
  target: (s, ctx) => ({ ...copy(s), deprecated: message(ctx) || null }),
  reached: (now, ctx) => !!now && !now.deleted && (message(ctx) ? now.deprecated === message(ctx) : !now.deprecated),
  single: (ctx) => ({ kind: 'update', body: { deprecateMessage: message(ctx) } }),
  batch: { data: (ctx) => ({ message: message(ctx) }) },
});

export const actionDefs: { readonly [K in ActionKey]: ActionDef<K> } = {
  promote: {
    kind: 'change',
    fromRecycleBin: false,
    doneWhenElsewhere: false,
    changesDeprecation: false,
    role: 'contributor',
    target: (s, ctx) => (s.views.some((v) => sameName(v, ctx.view.name)) ? copy(s) : { ...copy(s), views: [...s.views, ctx.view.name] }),
    reached: (now, ctx) => !!now && !now.deleted && now.views.some((v) => sameName(v, ctx.view.name)),
    single: (ctx) => ({ kind: 'update', body: { views: { op: 'add', path: '/views/-', value: ctx.view.id } } }),
    batch: { data: (ctx) => ({ viewId: ctx.view.id }) },
  },
  unlist: listing(false),
  relist: listing(true),
  deprecate: deprecation((ctx: ContextOf<'deprecate'>) => ctx.message),
  undeprecate: deprecation(() => ''),
  delete: {
    kind: 'change',
    fromRecycleBin: false,
    doneWhenElsewhere: true,
    changesDeprecation: false,
    role: 'owner',
    target: (s) => ({ ...copy(s), deleted: true }),
    reached: (now) => !!now && now.deleted,
    single: () => ({ kind: 'delete' }),
    batch: { data: noData },
  },
  restore: {
    kind: 'change',
    fromRecycleBin: true,
    doneWhenElsewhere: true,
    changesDeprecation: false,
    role: 'owner',
    target: (s) => ({ ...copy(s), deleted: false }),
    reached: (now) => !!now && !now.deleted,
    single: () => ({ kind: 'restore' }),
    batch: { data: noData },
  },
  permanentDelete: {
    kind: 'change',
    fromRecycleBin: true,
    doneWhenElsewhere: false,
    changesDeprecation: false,
    role: 'owner',
    target: () => null,
    reached: (now) => now === null,
    single: () => ({ kind: 'purge' }),
    batch: { data: noData },
  },
  download: { kind: 'download', fromRecycleBin: false, role: 'reader' },
  show: { kind: 'show', fromRecycleBin: false, role: 'reader' },
};

/**
 * The action's definition, with the context it was built for: the one place where the compiler
 * cannot follow that `actionDefs[ctx.action]` takes `ctx`.
 */
export function defFor(ctx: ActionContext): AnyChange | ReadingAction {
  return actionDefs[ctx.action] as AnyChange | ReadingAction;
}

export type AnyChange = ChangingAction<ActionContext>;
