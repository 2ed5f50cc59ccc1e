/**
 * What a run says at the end: the table for the log (or `show`'s columns), the same as a Markdown
 * summary with a line of counts, and the result JSON. Every value from outside goes through
 * ./text before it is written.
 */
import type { VersionState } from './actions';
import type { Msg } from './messages';
import type { Outcome, Row } from './plan';
import { cell, inline, markdownEscape } from './text';

export type RunResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

export interface RunOutcome {
  rows: Row[];
  changedCount: number;
  feedUrl?: string;
  downloadedFiles: string[];
  result: RunResult;
  /** Failures, what stopped the run first at the top; then warnings. */
  errors: Msg[];
  warnings: Msg[];
  /** Requests sent, for the log. */
  requests: number;
  /** Whether rows are `show`'s (views, listed, deprecated, published, source). */
  show: boolean;
  /** Set when the run stopped before it reached the feed (bad input): no table is printed. */
  noTable?: boolean;
}

/** Each state's words, worked out once: the table and the summary ask for them several times. */
const described = new WeakMap<VersionState, string>();

export function describeState(s: VersionState | null): string {
  if (!s) return 'gone';
  let words = described.get(s);
  if (words === undefined) {
    words = stateWords(s);
    described.set(s, words);
  }
  return words;
}

function stateWords(s: VersionState): string {
  const parts: string[] = [];
  if (s.deleted) parts.push('deleted');
  parts.push(s.views.map((v) => `@${v}`).join(' '));
  if (s.listed === false) parts.push('unlisted');
  if (s.deprecated) parts.push(`deprecated: ${s.deprecated}`);
  return parts.filter(Boolean).join(', ');
}

const changeHeadings = ['Package', 'Version', 'Before', 'After', 'Outcome'];
/** A table with rows added by includeDependencies has one more column. */
const graphHeadings = [...changeHeadings, 'Required by'];
const showHeadings = ['Package', 'Version', 'Views', 'Listed', 'Deprecated', 'Published', 'Source'];

const yesNo = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'no');
const date = (iso: string | null) => (iso ? iso.slice(0, 10) : '-');

function cells(r: Row, show: boolean, graph = false): string[] {
  if (!show) return [r.package, r.version, describeState(r.before), describeState(r.after), r.outcome, ...(graph ? [r.requiredBy ?? ''] : [])];
  const s = r.before;
  return [r.package, r.version, s ? s.views.map((v) => `@${v}`).join(' ') : '', yesNo(s?.listed ?? null), s?.deprecated ?? '-', date(r.published), r.source];
}

const cellsText = (r: Row, show: boolean, graph: boolean): string[] => cells(r, show, graph).map(inline);

/** Whether the rows include versions added by includeDependencies: then the table has their column. */
const isGraph = (rows: readonly Row[], show: boolean): boolean => !show && rows.some((r) => r.requiredBy !== undefined);

export function headings(show: boolean, graph = false): string[] {
  return show ? showHeadings : graph ? graphHeadings : changeHeadings;
}

/** The table for the log, in aligned columns, every cell one safe line. */
export function textTable(rows: Row[], show: boolean): string {
  const graph = isGraph(rows, show);
  const h = headings(show, graph);
  const all = rows.map((r) => cellsText(r, show, graph));
  const widths = h.map((x) => x.length);
  for (const c of all) c.forEach((x, i) => (widths[i] = Math.max(widths[i], x.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(h), line(widths.map((w) => '-'.repeat(w))), ...all.map(line)].join('\n');
}

/** How many rows have each outcome. */
export function countOutcomes(rows: Row[]): Record<Outcome, number> {
  const out: Record<Outcome, number> = { changed: 0, unchanged: 0, planned: 0, downloaded: 0, failed: 0 };
  for (const r of rows) out[r.outcome]++;
  return out;
}

/** The line of counts under a table. */
export function countsLine(rows: Row[], show: boolean): string {
  if (show) return `${rows.length} version(s) of ${new Set(rows.map((r) => r.package.toLowerCase())).size} package(s).`;
  const c = countOutcomes(rows);
  const parts = (Object.keys(c) as Outcome[]).filter((k) => c[k] > 0).map((k) => `${c[k]} ${k}`);
  return `${rows.length} version(s): ${parts.length ? parts.join(', ') : 'none'}.`;
}

/** The same table as Markdown, for the run's summary tab; `notes` are formatted messages. */
export function markdownSummary(title: string, rows: Row[], show: boolean, notes: string[]): string {
  const lines = [`### ${cell(title)}`, ''];
  if (rows.length) {
    const graph = isGraph(rows, show);
    const h = headings(show, graph);
    lines.push(`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`);
    for (const r of rows) lines.push(`| ${cellsText(r, show, graph).map((c) => markdownEscape(c) || ' ').join(' | ')} |`);
  } else {
    lines.push('No versions were selected.');
  }
  lines.push('', countsLine(rows, show));
  if (notes.length) lines.push('', ...notes.map((n) => `- ${cell(n)}`));
  return `${lines.join('\n')}\n`;
}

/** The result file's objects, in the contract's key order. */
export function resultObjects(rows: Row[]): object[] {
  return rows.map(resultObject);
}

function resultObject(r: Row): object {
  const o = { package: r.package, version: r.version, before: resultState(r.before), after: resultState(r.after), outcome: r.outcome, published: r.published, source: r.source };
  return r.requiredBy === undefined ? o : { ...o, requiredBy: r.requiredBy };
}

/** A state in the contract's key order, whatever order the object was built in. */
const resultState = (s: VersionState | null) => s && { views: s.views, listed: s.listed, deleted: s.deleted, deprecated: s.deprecated };

/** Sorted by package, then version in the protocol's order. */
export function sortRows(rows: Row[], compare: (a: string, b: string) => number): Row[] {
  // Each name lowered once, not once per comparison.
  const keyed = rows.map((r) => ({ r, name: r.package.toLowerCase() }));
  keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compare(a.r.version, b.r.version));
  return keyed.map((k) => k.r);
}
