/**
 * Pure: candidates and their states in; rows, the versions to change and the guard's verdict out.
 * No request is sent from here, so every rule of the plan is a table test.
 */
import type { ActionContext, AnyChange, ReadingAction, VersionState } from './actions';
import { Msg, msg } from './messages';
import type { Candidate } from './select';

export type Outcome = 'changed' | 'unchanged' | 'planned' | 'downloaded' | 'failed';

/** One line of the result: `{package, version, before, after, outcome, published, source}`. */
export interface Row {
  package: string;
  version: string;
  before: VersionState | null;
  after: VersionState | null;
  outcome: Outcome;
  /** The feed's publish date, ISO 8601. */
  published: string | null;
  source: 'local' | 'upstream';
  /** A version added by includeDependencies: `"<package>@<version>"` of the first version that needed it. */
  requiredBy?: string;
}

export interface Plan {
  rows: Row[];
  /** Rows this run would change (outcome `planned`); for download, the rows to fetch. */
  work: Row[];
  /** Set when a guard refuses the run: nothing may be changed. */
  refusal?: Msg;
}

const rowOf = (c: Candidate, after: VersionState | null, outcome: Outcome): Row => {
  const r: Row = { package: c.name, version: c.version, before: c.before, after, outcome, published: c.published ?? null, source: c.source };
  if (c.requiredBy !== undefined) r.requiredBy = c.requiredBy;
  return r;
};

export function plan(candidates: Candidate[], def: AnyChange | ReadingAction, ctx: ActionContext, guard: { dryRun: boolean; maxVersions: number }): Plan {
  if (def.kind === 'show') {
    const rows = candidates.map((c) => rowOf(c, c.before, 'unchanged'));
    return { rows, work: [] };
  }
  if (def.kind === 'download') {
    const rows = candidates.map((c) => rowOf(c, c.before, 'planned'));
    return { rows, work: rows };
  }
  const rows = candidates.map((c) => (def.reached(c.before, ctx) ? rowOf(c, c.before, 'unchanged') : rowOf(c, def.target(c.before, ctx), 'planned')));
  const work = rows.filter((r) => r.outcome === 'planned');
  if (guard.maxVersions > 0 && work.length > guard.maxVersions) {
    const refusal = msg('TooManyVersions', work.length, { input: 'maxVersions' }, guard.maxVersions, { input: 'maxVersions' }, { input: 'dryRun', value: 'true' });
    // A dry run shows what it would have done; a real run stopped here left every version as it was.
    if (guard.dryRun) return { rows, work: [], refusal };
    return { rows: rows.map((r) => (r.outcome === 'planned' ? { ...r, after: r.before, outcome: 'unchanged' } : r)), work: [], refusal };
  }
  return { rows, work };
}
