/** The report's text: the log table, the Markdown summary and its line of counts. */
import * as assert from 'node:assert/strict';
import type { Row } from '../../../src/engine/plan';
import { countsLine, markdownSummary, textTable } from '../../../src/engine/report';

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
