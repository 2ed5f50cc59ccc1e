/**
 * What a run says at the end: the table for the log (or `show`'s columns), the same as a Markdown
 * summary with a line of counts, and the result JSON. Every value from outside goes through
 * ./text before it is written.
 */
import type { VersionState } from './actions';
import type { Msg } from './messages';
import type { Outcome, Row } from './plan';
import { cell, inline, json } from './text';

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
const showHeadings = ['Package', 'Version', 'Views', 'Listed', 'Deprecated', 'Published', 'Source'];

const yesNo = (v: boolean | null) => (v === null ? '-' : v ? 'yes' : 'no');
const date = (iso: string | null) => (iso ? iso.slice(0, 10) : '-');

function cells(r: Row, show: boolean): string[] {
  if (!show) return [r.package, r.version, describeState(r.before), describeState(r.after), r.outcome];
  const s = r.before;
  return [r.package, r.version, s ? s.views.map((v) => `@${v}`).join(' ') : '', yesNo(s?.listed ?? null), s?.deprecated ?? '-', date(r.published), r.source];
}

export function headings(show: boolean): string[] {
  return show ? showHeadings : changeHeadings;
}

/** The table for the log, in aligned columns, every cell one safe line. */
export function textTable(rows: Row[], show: boolean): string {
  return [...textTableLines(rows, show)].join('\n');
}

/**
 * The table's lines, made one at a time (a big feed's table is written as it is made, never held
 * whole): a first pass measures the columns, a second writes the rows.
 */
export function* textTableLines(rows: Row[], show: boolean): Generator<string> {
  const h = headings(show);
  const widths = h.map((x) => x.length);
  // The cells of a few thousand rows are kept between the two passes; beyond that, made again.
  const kept = rows.length <= keepCellsFor ? rows.map((r) => cells(r, show).map(inline)) : undefined;
  const cellsOf = (i: number) => kept?.[i] ?? cells(rows[i], show).map(inline);
  for (let r = 0; r < rows.length; r++) {
    const c = cellsOf(r);
    for (let i = 0; i < c.length; i++) if (c[i].length > widths[i]) widths[i] = c[i].length;
  }
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  yield line(h);
  yield line(widths.map((w) => '-'.repeat(w)));
  for (let r = 0; r < rows.length; r++) yield line(cellsOf(r));
}

const keepCellsFor = 5000;

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
  return `${[...markdownLines(title, rows, show, notes)].join('\n')}\n`;
}

/** The summary's lines, made one at a time. */
export function* markdownLines(title: string, rows: Row[], show: boolean, notes: string[]): Generator<string> {
  yield `### ${cell(title)}`;
  yield '';
  if (rows.length) {
    const h = headings(show);
    yield `| ${h.join(' | ')} |`;
    yield `|${h.map(() => '---').join('|')}|`;
    for (const r of rows) yield `| ${cells(r, show).map((c) => cell(c) || ' ').join(' | ')} |`;
  } else {
    yield 'No versions were selected.';
  }
  yield '';
  yield countsLine(rows, show);
  if (notes.length) {
    yield '';
    for (const n of notes) yield `- ${cell(n)}`;
  }
}

/** The result file's objects, in the contract's key order. */
export function resultObjects(rows: Row[]): object[] {
  return rows.map(resultObject);
}

function resultObject(r: Row): object {
  return { package: r.package, version: r.version, before: r.before, after: r.after, outcome: r.outcome, published: r.published, source: r.source };
}

/** The result JSON (`json(resultObjects(rows))`, to the byte) in pieces: `[`, then each row's object after its comma, then `]`. */
export function* resultJsonChunks(rows: Row[]): Generator<string> {
  yield '[';
  for (let i = 0; i < rows.length; i++) yield `${i ? ',' : ''}${json(resultObject(rows[i]))}`;
  yield ']';
}


/** Sorted by package, then version in the protocol's order. */
export function sortRows(rows: Row[], compare: (a: string, b: string) => number): Row[] {
  // Each name lowered once, not once per comparison.
  const keyed = rows.map((r) => ({ r, name: r.package.toLowerCase() }));
  keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compare(a.r.version, b.r.version));
  return keyed.map((k) => k.r);
}
