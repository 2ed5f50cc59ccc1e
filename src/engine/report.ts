import type { VersionState } from './actions';
import type { Msg } from './messages';

export type Outcome = 'changed' | 'unchanged' | 'planned' | 'downloaded' | 'failed';

/** One line of the result file: `{package, version, before, after, outcome}`. */
export interface ResultRow {
  package: string;
  version: string;
  before: VersionState | null;
  after: VersionState | null;
  outcome: Outcome;
}

export type RunResult = 'Succeeded' | 'SucceededWithIssues' | 'Failed';

export interface RunOutcome {
  rows: ResultRow[];
  changedCount: number;
  feedUrl?: string;
  downloadedFiles: string[];
  result: RunResult;
  /** Failures and warnings, in the order they happened. */
  errors: Msg[];
  warnings: Msg[];
  /** Requests sent, for the log. */
  requests: number;
}

export function describeState(s: VersionState | null): string {
  if (!s) return 'gone';
  const parts: string[] = [];
  if (s.deleted) parts.push('deleted');
  parts.push(s.views.map((v) => `@${v}`).join(' '));
  if (s.listed === false) parts.push('unlisted');
  if (s.deprecated) parts.push(`deprecated: ${s.deprecated}`);
  return parts.filter(Boolean).join(', ');
}

const headings = ['Package', 'Version', 'Before', 'After', 'Outcome'];

function cells(r: ResultRow): string[] {
  return [r.package, r.version, describeState(r.before), describeState(r.after), r.outcome];
}

/** The table for the log, in aligned columns. */
export function textTable(rows: ResultRow[]): string {
  const body = rows.map(cells);
  const widths = headings.map((h, i) => Math.max(h.length, ...body.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headings), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|');

/** The same table as Markdown, for the run's summary tab. */
export function markdownSummary(title: string, rows: ResultRow[], notes: string[]): string {
  const out = [`### ${md(title)}`, ''];
  if (rows.length) {
    out.push(`| ${headings.join(' | ')} |`, `|${headings.map(() => '---').join('|')}|`);
    for (const r of rows) out.push(`| ${cells(r).map((c) => md(c) || ' ').join(' | ')} |`);
  } else {
    out.push('No versions were selected.');
  }
  if (notes.length) out.push('', ...notes.map((n) => `- ${md(n)}`));
  return `${out.join('\n')}\n`;
}

/** The result JSON: an array sorted by package, then version (in the protocol's order). */
export function sortRows(rows: ResultRow[], compare: (a: string, b: string) => number): ResultRow[] {
  return [...rows].sort((a, b) => {
    const byName = a.package.toLowerCase() < b.package.toLowerCase() ? -1 : a.package.toLowerCase() > b.package.toLowerCase() ? 1 : 0;
    return byName || compare(a.version, b.version);
  });
}
