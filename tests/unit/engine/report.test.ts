/** The report's text: the log table, the Markdown summary and its line of counts. */
import * as assert from 'node:assert/strict';
import type { VersionState } from '../../../src/engine/actions';
import type { Row } from '../../../src/engine/plan';
import { countsLine, markdownSummary, resultObjects, RunOutcome, textTable } from '../../../src/engine/report';
import { json } from '../../../src/engine/text';
import { present } from '../../../src/outputs';

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

describe('outputs: the result file and the result variable', () => {
  const rows = Array.from({ length: 2500 }, (_, i) => row(`Pkg.${i % 40}#|x`, `1.0.${i}`, i % 3 ? 'changed' : 'unchanged', i % 7 ? null : 'old\nline ##vso[x]'));
  const outcome: RunOutcome = { rows, changedCount: 0, downloadedFiles: [], result: 'Succeeded', errors: [], warnings: [], requests: 1, show: false };

  it('the result variable holds the JSON only while it is small, and the warning gives its size', () => {
    const big = present(outcome, 'title', 'result.json');
    assert.equal(big.json, json(resultObjects(rows)));
    assert.equal(big.variables.result, '');
    assert.match(big.warnings[0], new RegExp(String(Buffer.byteLength(json(resultObjects(rows))))));
    const small = present({ ...outcome, rows: rows.slice(0, 3) }, 'title', 'result.json');
    assert.equal(small.variables.result, json(resultObjects(rows.slice(0, 3))));
    assert.deepEqual(small.warnings, []);
    assert.equal(present({ ...outcome, rows: [] }, 't', 'r.json').variables.result, '[]');
  });

  it('the table has a line a row under its two heading lines, and none when the run stopped before the feed', () => {
    const out = present(outcome, 'title', 'result.json');
    assert.equal(out.table!.split('\n').length, rows.length + 2);
    assert.equal(present({ ...outcome, noTable: true }, 't', 'r.json').table, undefined);
  });

  it('states are written in the contract\'s key order, however they were built', () => {
    const s = row('a', '1').after!;
    const reordered = { deprecated: s.deprecated, deleted: s.deleted, views: [...s.views], listed: s.listed } as VersionState;
    const r = { ...row('a', '1'), after: reordered };
    assert.match(json(resultObjects([r])), /"after":\{"views":\["Local","Release"\],"listed":true,"deleted":false,"deprecated":null\}/);
  });
});
