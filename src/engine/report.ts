/**
 * What a run says at the end: the table for the log (or `show`'s columns), the same as a Markdown
 * summary with a line of counts, and the result JSON. Every value from outside goes through
 * ./text before it is written.
 */
import type { VersionState } from './actions';
import type { Msg } from './messages';
import type { Outcome, Row } from './plan';
import { secretsAdded } from './secrets';
import { cell, inline, json, markdownEscape } from './text';

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

/** How each field of a value compares: the compiler asks for every field, so none can be forgotten. */
type Comparison<T> = { readonly [K in keyof T]-?: (a: T[K], b: T[K]) => boolean };

const same = <T>(a: T, b: T) => a === b;
const stateFields: Comparison<VersionState> = {
  views: (a, b) => a.length === b.length && a.every((v, i) => v === b[i]),
  listed: same,
  deleted: same,
  deprecated: same,
};
const sameState = (a: VersionState | null, b: VersionState | null): boolean => a === b || (!!a && !!b && alike(stateFields, a, b));
const rowFields: Comparison<Row> = { package: same, version: same, before: sameState, after: sameState, outcome: same, published: same, source: same, requiredBy: same };

function alike<T extends object>(fields: Comparison<T>, a: T, b: T): boolean {
  for (const k in fields) if (!fields[k](a[k], b[k])) return false;
  return true;
}

/** Whether two rows read the same in every output: equal in every field. */
export const sameRow = (a: Row, b: Row): boolean => a === b || alike(rowFields, a, b);

/**
 * The report's text made ahead of time for the rows a run expects to report (while its changes are
 * in flight): each row's cells, summary line and result JSON, and the table's lines once all are
 * made. A report uses a row's text only for a row the same as the one it was made from, so what is
 * written never depends on it; only how soon.
 */
export class RowTexts {
  private readonly cells: string[][] = [];
  private readonly markdown: string[] = [];
  private readonly json: string[] = [];
  /** Once every row's text is made: the whole table, the summary's rows and the result JSON's objects, each one string. */
  private whole: { table: string; markdown: string; json: string } | undefined;
  /** The secrets known when the text was made: one added since may be in it, so none of it is used. */
  private readonly secrets = secretsAdded();

  constructor(private readonly rows: readonly Row[]) {}

  private get stale(): boolean {
    return secretsAdded() !== this.secrets;
  }

  /** Makes the text of up to `n` more rows (then the whole texts); false once all is made (or it is of no more use). */
  step(n: number): boolean {
    if (this.whole || this.stale) return false;
    const start = this.cells.length;
    const end = Math.min(start + n, this.rows.length);
    for (let i = start; i < end; i++) {
      const c = cellsText(this.rows[i], false);
      this.cells.push(c);
      this.markdown.push(markdownRow(c));
      this.json.push(jsonRow(this.rows[i]));
    }
    if (this.cells.length === this.rows.length) {
      this.whole = { table: [...alignedLines(this.cells.length, (i) => this.cells[i], false)].join('\n'), markdown: this.markdown.join('\n'), json: this.json.join(',') };
    }
    return !this.whole;
  }

  /** Rows whose text is made. */
  get made(): number {
    return this.cells.length;
  }

  /** Rows expected. */
  get size(): number {
    return this.rows.length;
  }

  /** A line for the debug log: how much was made. */
  get summary(): string {
    return `the report's text was made ahead for ${this.made} of ${this.size} row(s)${this.stale ? ', then a secret was added: none of it is used' : ''}`;
  }

  /** Whether all of the text is made, and still of use. */
  get complete(): boolean {
    return !!this.whole && !this.stale;
  }

  /** For each of `rows`, whether the text made for the row at its place fits it; `all`: every row fits, and all was made. */
  fits(rows: readonly Row[]): { fits: boolean[]; all: boolean } {
    const stale = this.stale;
    const fits = rows.map((r, i) => !stale && i < this.cells.length && sameRow(this.rows[i], r));
    return { fits, all: !!this.whole && rows.length === this.rows.length && fits.every(Boolean) };
  }

  cellsAt(i: number): string[] {
    return this.cells[i];
  }

  markdownAt(i: number): string {
    return this.markdown[i];
  }

  jsonAt(i: number): string {
    return this.json[i];
  }

  /** The whole texts, where every row of `rows` fits. */
  wholeFor(rows: readonly Row[], show: boolean): { table: string; markdown: string; json: string } | undefined {
    return !show && this.fits(rows).all ? this.whole : undefined;
  }
}

/** What a report knows ahead for `rows`: the text made ahead, for a change's rows only. */
const aheadFor = (rows: readonly Row[], show: boolean, ahead?: RowTexts) => {
  const fits = ahead && !show ? ahead.fits(rows).fits : undefined;
  return (i: number): boolean => !!fits?.[i];
};

const cellsText = (r: Row, show: boolean, graph = false): string[] => cells(r, show, graph).map(inline);

/** Whether the rows include versions added by includeDependencies (then the text made ahead is not used). */
const isGraph = (rows: readonly Row[], show: boolean): boolean => !show && rows.some((r) => r.requiredBy !== undefined);

/** The table's lines over `count` rows: a first pass measures the columns, a second writes the lines. */
function* alignedLines(count: number, cellsOf: (i: number) => string[], show: boolean, graph = false): Generator<string> {
  const h = headings(show, graph);
  const widths = h.map((x) => x.length);
  for (let r = 0; r < count; r++) {
    const c = cellsOf(r);
    for (let i = 0; i < c.length; i++) if (c[i].length > widths[i]) widths[i] = c[i].length;
  }
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  yield line(h);
  yield line(widths.map((w) => '-'.repeat(w)));
  for (let r = 0; r < count; r++) yield line(cellsOf(r));
}

export function headings(show: boolean, graph = false): string[] {
  return show ? showHeadings : graph ? graphHeadings : changeHeadings;
}

/** The table for the log, in aligned columns, every cell one safe line. */
export function textTable(rows: Row[], show: boolean, ahead?: RowTexts): string {
  return [...textTableLines(rows, show, ahead)].join('\n');
}

/**
 * The table's lines, made one at a time: a big feed's table is written as it is made, never held
 * whole. Where every row is one whose text was made ahead (at most 5,000), all the lines come at
 * once, in one piece.
 */
export function* textTableLines(rows: Row[], show: boolean, ahead?: RowTexts): Generator<string> {
  const graph = isGraph(rows, show);
  if (graph) {
    yield* alignedLines(rows.length, (i) => cellsText(rows[i], show, true), show, true);
    return;
  }
  const whole = ahead?.wholeFor(rows, show);
  if (whole) {
    yield whole.table;
    return;
  }
  const known = aheadFor(rows, show, ahead);
  const made = (i: number) => (known(i) ? ahead!.cellsAt(i) : cellsText(rows[i], show));
  // The cells of a few thousand rows are kept between the two passes; beyond that, made again.
  const kept = rows.length <= keepCellsFor ? rows.map((_, i) => made(i)) : undefined;
  yield* alignedLines(rows.length, (i) => kept?.[i] ?? made(i), show);
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
export function markdownSummary(title: string, rows: Row[], show: boolean, notes: string[], ahead?: RowTexts): string {
  return `${[...markdownLines(title, rows, show, notes, ahead)].join('\n')}\n`;
}

/** A table row of the summary, from the row's cells (already one safe line each). */
const markdownRow = (cells: string[]): string => `| ${cells.map((c) => markdownEscape(c) || ' ').join(' | ')} |`;

/** The summary's lines, made one at a time (the rows' lines in one piece where all were made ahead). */
export function* markdownLines(title: string, rows: Row[], show: boolean, notes: string[], ahead?: RowTexts): Generator<string> {
  yield `### ${cell(title)}`;
  yield '';
  if (rows.length) {
    const graph = isGraph(rows, show);
    const h = headings(show, graph);
    yield `| ${h.join(' | ')} |`;
    yield `|${h.map(() => '---').join('|')}|`;
    const whole = ahead?.wholeFor(rows, show);
    if (graph) for (const r of rows) yield markdownRow(cellsText(r, show, true));
    else if (whole) yield whole.markdown;
    else {
      const known = aheadFor(rows, show, ahead);
      for (let i = 0; i < rows.length; i++) yield known(i) ? ahead!.markdownAt(i) : markdownRow(cellsText(rows[i], show));
    }
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
  const o = { package: r.package, version: r.version, before: resultState(r.before), after: resultState(r.after), outcome: r.outcome, published: r.published, source: r.source };
  return r.requiredBy === undefined ? o : { ...o, requiredBy: r.requiredBy };
}

/** A state in the contract's key order, whatever order the object was built in. */
const resultState = (s: VersionState | null) => s && { views: s.views, listed: s.listed, deleted: s.deleted, deprecated: s.deprecated };

const jsonRow = (r: Row): string => json(resultObject(r));

/**
 * The result JSON (`json(resultObjects(rows))`, to the byte) in pieces: `[`, then each row's object
 * after its comma, then `]`; in one piece where every row's text was made ahead.
 */
export function* resultJsonChunks(rows: Row[], ahead?: RowTexts): Generator<string> {
  const whole = ahead?.wholeFor(rows, false);
  if (whole) {
    yield `[${whole.json}]`;
    return;
  }
  yield '[';
  const known = aheadFor(rows, false, ahead);
  for (let i = 0; i < rows.length; i++) yield `${i ? ',' : ''}${known(i) ? ahead!.jsonAt(i) : jsonRow(rows[i])}`;
  yield ']';
}


/** Sorted by package, then version in the protocol's order. */
export function sortRows(rows: Row[], compare: (a: string, b: string) => number): Row[] {
  // Each name lowered once, not once per comparison.
  const keyed = rows.map((r) => ({ r, name: r.package.toLowerCase() }));
  keyed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || compare(a.r.version, b.r.version));
  return keyed.map((k) => k.r);
}
