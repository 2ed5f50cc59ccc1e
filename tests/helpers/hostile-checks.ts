/**
 * What every run must hold however hostile the server or the input: no line of output that the
 * agent would run as a command, every message one line, the Markdown table intact, the token
 * absent in every form, the result JSON faithful to itself.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { TaskRun } from './run-task';

/** Splits text into lines as the agent does: CR, LF and CRLF all end a line. */
export function agentLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A sequence the agent would treat as a command (`##vso[` anywhere, `##[` at the start), in any case. */
export function commandIn(line: string): boolean {
  return /##vso\[/i.test(line) || /^\s*##\[/.test(line);
}

/** The forms in which a token can leak: raw, the Basic credential of any user's base64, URL-encoded. */
export function leakForms(token: string): string[] {
  const forms = [token, Buffer.from(`:${token}`).toString('base64'), Buffer.from(`user:${token}`).toString('base64'), encodeURIComponent(token)];
  return [...new Set(forms)];
}

export function assertNoToken(text: string, token: string, where: string): void {
  for (const f of leakForms(token)) assert.ok(!text.includes(f), `${where} holds the token (${f.length} chars): ${JSON.stringify(excerpt(text, f))}`);
}

function excerpt(text: string, f: string): string {
  const i = text.indexOf(f);
  return text.slice(Math.max(0, i - 60), i + f.length + 60);
}

export function assertOneSafeLine(text: string, where: string): void {
  assert.ok(!/[\r\n\u2028\u2029]/.test(text), `${where} breaks over lines: ${JSON.stringify(text.slice(0, 300))}`);
  assert.ok(!commandIn(text), `${where} carries an agent command: ${JSON.stringify(text.slice(0, 300))}`);
}

/** Cells of a Markdown table row, split on unescaped pipes. */
export function markdownCells(row: string): string[] {
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < row.length; i++) {
    const c = row[i];
    if (c === '\\' && i + 1 < row.length) {
      cur += c + row[++i];
      continue;
    }
    if (c === '|') {
      cells.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  cells.push(cur);
  return cells.slice(1, -1);
}

export function assertMarkdownIntact(markdown: string, rowsExpected: number): void {
  const lines = agentLines(markdown);
  for (const l of lines) assert.ok(!commandIn(l), `summary line carries an agent command: ${JSON.stringify(l.slice(0, 300))}`);
  const table = lines.filter((l) => l.startsWith('|'));
  if (!rowsExpected) return;
  assert.equal(table.length, rowsExpected + 2, `summary table has one line per row:\n${markdown.slice(0, 2000)}`);
  const width = markdownCells(table[0]).length;
  for (const l of table) assert.equal(markdownCells(l).length, width, `summary row keeps its ${width} cells: ${JSON.stringify(l.slice(0, 300))}`);
  for (const l of table.slice(2)) assert.ok(!/<[a-z!/]/i.test(l), `summary row holds raw HTML: ${JSON.stringify(l.slice(0, 300))}`);
}

export interface SafetyOptions {
  /** Tokens that must appear nowhere. */
  tokens?: string[];
  /** Debug lines captured beside the run (in-process). */
  debug?: string[];
}

/** Every output of a run, checked against the invariants. */
export function assertSafeRun(r: TaskRun, o: SafetyOptions = {}): void {
  for (const l of agentLines(r.stdout)) assert.ok(!commandIn(l), `log line carries an agent command: ${JSON.stringify(l.slice(0, 300))}`);
  for (const w of r.warnings) assertOneSafeLine(w, 'warning');
  for (const e of r.errors) assertOneSafeLine(e, 'error');
  if (r.result) assertOneSafeLine(r.result.message, 'closing message');
  for (const [k, v] of Object.entries(r.variables)) {
    // Paths as written: a file name may hold `##vso[` (inside the directory, harmless); no line can start a command.
    if (k === 'downloadedFiles') for (const l of v.split('\n')) assert.ok(!/^##/.test(l) && !/[\r\u2028\u2029]/.test(l), `${k}: ${JSON.stringify(l)}`);
    else assertOneSafeLine(v, `variable ${k}`);
  }
  const markdown = r.summaries.map((s) => fs.readFileSync(s, 'utf8')).join('\n');
  assertMarkdownIntact(markdown, r.rows.length);
  const file = r.variables.resultFile && fs.existsSync(r.variables.resultFile) ? fs.readFileSync(r.variables.resultFile, 'utf8') : '';
  if (file) {
    assertOneSafeLine(file, 'result file');
    assert.deepEqual(JSON.parse(file), r.rows);
  }
  if (r.variables.result) assert.deepEqual(JSON.parse(r.variables.result), r.rows, 'the result variable is the result file');
  for (const t of o.tokens ?? []) {
    assertNoToken(r.stdout, t, 'stdout');
    assertNoToken(r.stderr, t, 'stderr');
    assertNoToken(markdown, t, 'summary');
    assertNoToken(file, t, 'result file');
    assertNoToken(JSON.stringify(r.variables), t, 'variables');
    assertNoToken([...r.warnings, ...r.errors, r.result?.message ?? ''].join('\n'), t, 'messages');
    assertNoToken((o.debug ?? []).join('\n'), t, 'debug lines');
  }
}
