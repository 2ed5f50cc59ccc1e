/** The report's text: the log table, the Markdown summary and its line of counts. */
import * as assert from 'node:assert/strict';
import type { Row } from '../../../src/engine/plan';
import { countsLine, markdownSummary, resultObjects, RunOutcome, textTable } from '../../../src/engine/report';
import { json } from '../../../src/engine/text';
import { gathering, present } from '../../../src/outputs';

const row = (p: string, v: string, outcome: Row['outcome'] = 'changed', deprecated: string | null = null): Row => ({
  package: p, version: v, outcome, published: '2026-03-04T05:06:07.000Z', source: 'local',
  before: { views: ['Local'], listed: true, deleted: false, deprecated }, after: { views: ['Local', 'Release'], listed: true, deleted: false, deprecated },
});

describe('engine report: tables and counts', () => {
  it('the Markdown summary escapes what would break its table: every row keeps its cells', () => {
    const md = markdownSummary('t', [row('a|b', '1.0.0', 'changed', 'use | not *this* <b>x</b> `y` \\ [l](u)\nnext')], false, ['note | with bar']);
    const lines = md.split('\n').filter((l) => l.startsWith('| a'));
    assert.equal(lines.length, 1, md);
    const cells = lines[0].split(/(?<!\\)\|/).slice(1, -1);
    assert.equal(cells.length, 5, lines[0]);
    assert.ok(!md.includes('<b>'), 'no raw HTML');
    assert.match(md, /a\\\|b/);
    assert.match(md, /- note \\\| with bar/);
  });

  it('the log table is aligned, one line a row, with show columns for show', () => {
    const t = textTable([row('Contoso.Core', '1.0.0'), row('X', '2.0.0-beta', 'unchanged')], true).split('\n');
    assert.match(t[0], /^Package\s+Version\s+Views\s+Listed\s+Deprecated\s+Published\s+Source$/);
    assert.match(t[2], /^Contoso\.Core\s+1\.0\.0\s+@Local\s+yes\s+-\s+2026-03-04\s+local$/);
    assert.equal(t.length, 4);
  });

  it('a line of counts under each table', () => {
    assert.equal(countsLine([row('a', '1'), row('a', '2', 'unchanged'), row('b', '1', 'failed')], false), '3 version(s): 1 changed, 1 unchanged, 1 failed.');
    assert.equal(countsLine([row('a', '1'), row('A', '2'), row('b', '1')], true), '3 version(s) of 2 package(s).');
    assert.equal(countsLine([], false), '0 version(s): none.');
  });
});

describe('engine report: written in pieces', () => {
  const rows = Array.from({ length: 2500 }, (_, i) => row(`Pkg.${i % 40}#|x`, `1.0.${i}`, i % 3 ? 'changed' : 'unchanged', i % 7 ? null : 'old\nline ##vso[x]'));
  const outcome: RunOutcome = { rows, changedCount: 0, downloadedFiles: [], result: 'Succeeded', errors: [], warnings: [], requests: 1, show: false };

  it('the pieces make exactly the whole table, summary and result JSON', () => {
    const out = present(outcome, 'title', 'result.json');
    const gathered = (lines: Iterable<string>) => {
      const writes: string[] = [];
      const g = gathering((t) => writes.push(t), 1000);
      for (const line of lines) g.add(`${line}\n`);
      g.end();
      assert.ok(writes.length > 10 && writes.every((w) => w.length < 2000), 'gathered into several writes of about the size asked');
      return writes.join('');
    };
    assert.equal(gathered(out.tableLines()!), `${textTable(rows, false)}\n`);
    assert.equal(gathered(out.markdownLines()), out.markdown);
    assert.equal([...out.jsonChunks()].join(''), json(resultObjects(rows)));
    const written: string[] = [];
    out.writeJson((p) => written.push(p));
    assert.equal(written.join(''), json(resultObjects(rows)));
  });

  it('the result variable holds the JSON only while it is small, and the warning gives its size', () => {
    const big = present(outcome, 'title', 'result.json');
    assert.equal(big.variables.result, '');
    assert.match(big.warnings[0], new RegExp(String(Buffer.byteLength(json(resultObjects(rows))))));
    const small = present({ ...outcome, rows: rows.slice(0, 3) }, 'title', 'result.json');
    assert.equal(small.variables.result, json(resultObjects(rows.slice(0, 3))));
    assert.deepEqual(small.warnings, []);
    assert.equal(present({ ...outcome, rows: [] }, 't', 'r.json').variables.result, '[]');
  });
});
