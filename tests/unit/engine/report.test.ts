/** The report's text: the log table, the Markdown summary and its line of counts. */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { VersionState } from '../../../src/engine/actions';
import type { Row } from '../../../src/engine/plan';
import { countsLine, markdownLines, markdownSummary, resultJsonChunks, resultObjects, RowTexts, RunOutcome, textTable, textTableLines } from '../../../src/engine/report';
import { hideSecret } from '../../../src/engine/secrets';
import { json } from '../../../src/engine/text';
import { gathering, present, textAhead } from '../../../src/outputs';

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

describe('engine report: text made ahead', () => {
  const views = fc.subarray(['Local', 'Prerelease', 'Release', 'release', 'Q|A'], { minLength: 0 }).chain((v) => fc.shuffledSubarray(v, { minLength: v.length, maxLength: v.length }));
  const state = fc.record({ views, listed: fc.constantFrom(true, false, null), deleted: fc.boolean(), deprecated: fc.constantFrom(null, 'old', 'use 2.x | ##vso[x]', 'Old') });
  const rowArb = fc.record({
    package: fc.constantFrom('Contoso.Core', 'contoso.core', 'A|b', 'x\ny'),
    version: fc.constantFrom('1.0.0', '1.0.0-beta', '2.0', '10.0.0'),
    before: fc.option(state, { nil: null }),
    after: fc.option(state, { nil: null }),
    outcome: fc.constantFrom<Row['outcome']>('changed', 'unchanged', 'planned', 'failed'),
    published: fc.constantFrom(null, '2026-03-04T05:06:07.000Z', '2025-01-01T00:00:00.000Z'),
    source: fc.constantFrom<Row['source']>('local', 'upstream'),
  });
  /** The same state, its keys in another order. */
  const reordered = (s: VersionState | null): VersionState | null => s && ({ deprecated: s.deprecated, deleted: s.deleted, views: [...s.views], listed: s.listed } as VersionState);
  /** What became of an expected row: itself, an equal copy, or a row that differs in one field. */
  const edit = fc.oneof(
    fc.constant((r: Row): Row => r),
    fc.constant((r: Row): Row => ({ ...r, before: reordered(r.before), after: reordered(r.after) })),
    rowArb.chain((other) => fc.constantFrom<Exclude<keyof Row, 'requiredBy'>[]>(['package'], ['version'], ['before'], ['after'], ['outcome'], ['published'], ['source']).map((keys) => (r: Row): Row => ({ ...r, ...Object.fromEntries(keys.map((k) => [k, other[k]])) }))),
    // One field of one state, the rest as it was.
    fc.tuple(fc.constantFrom<'before' | 'after'>('before', 'after'), fc.constantFrom<(s: VersionState) => VersionState>(
      (s) => ({ ...s, views: [...s.views].reverse() }),
      (s) => ({ ...s, views: [...s.views, 'Release'] }),
      (s) => ({ ...s, listed: s.listed === null ? true : !s.listed }),
      (s) => ({ ...s, deleted: !s.deleted }),
      (s) => ({ ...s, deprecated: s.deprecated === 'old' ? 'Old' : 'old' }),
    )).map(([which, change]) => (r: Row): Row => ({ ...r, [which]: r[which] && change(r[which]!) })),
  );
  const cases = fc.record({
    expected: fc.array(rowArb, { maxLength: 12 }),
    edits: fc.array(edit, { minLength: 12, maxLength: 12 }),
    extra: fc.array(rowArb, { maxLength: 2 }),
    reverse: fc.boolean(),
    drop: fc.nat(3),
    steps: fc.nat(6),
  });

  it('whatever became of the rows, the text is the text made without it', () => {
    fc.assert(
      fc.property(cases, ({ expected, edits, extra, reverse, drop, steps }) => {
        const ahead = new RowTexts(expected);
        for (let i = 0; i < steps; i++) ahead.step(3);
        let rows = expected.map((r, i) => edits[i](r));
        if (drop) rows = rows.filter((_, i) => i % 4 !== drop);
        rows.push(...extra);
        if (reverse) rows.reverse();
        for (const show of [false, true]) {
          assert.equal(textTable(rows, show, ahead), textTable(rows, show));
          assert.equal(markdownSummary('t', rows, show, ['n'], ahead), markdownSummary('t', rows, show, ['n']));
        }
        assert.equal([...resultJsonChunks(rows, ahead)].join(''), json(resultObjects(rows)));
      }),
      { numRuns: 2000 },
    );
  });

  it('rows that are all as expected come whole, each text in one piece', () => {
    const expected = Array.from({ length: 30 }, (_, i) => row(`P.${i % 3}`, `1.0.${i}`));
    const ahead = new RowTexts(expected);
    while (ahead.step(7));
    const copies = expected.map((r) => ({ ...r, before: reordered(r.before), after: reordered(r.after) }));
    for (const rows of [expected, copies]) {
      assert.deepEqual([...textTableLines(rows, false, ahead)], [textTable(rows, false)]);
      assert.equal([...resultJsonChunks(rows, ahead)].length, 1);
      assert.equal([...markdownLines('t', rows, false, [], ahead)].length, [...markdownLines('t', rows, false, [])].length - rows.length + 1);
    }
    // One row otherwise: row by row again.
    const one = copies.map((r, i) => (i === 4 ? { ...r, outcome: 'failed' as const } : r));
    assert.equal([...textTableLines(one, false, ahead)].length, one.length + 2);
    assert.equal([...resultJsonChunks(one, ahead)].length, one.length + 2);
  });

  it('a secret added after the text was made: none of it is used, and the secret is not written', () => {
    const secret = `s3cr3t-${process.pid}-added-late`;
    const rows = [row(`Pkg.${secret}`, '1.0.0'), row('Other', '2.0.0')];
    const ahead = new RowTexts(rows);
    while (ahead.step(1));
    assert.match(textTable(rows, false, ahead), new RegExp(secret), 'made before the secret was known');
    hideSecret(secret);
    for (const text of [textTable(rows, false, ahead), markdownSummary('t', rows, false, [], ahead), [...resultJsonChunks(rows, ahead)].join('')]) {
      assert.ok(!text.includes(secret), text);
    }
    assert.equal(textTable(rows, false, ahead), textTable(rows, false));
  });

  it('states are written in the contract\'s key order, however they were built', () => {
    const r = { ...row('a', '1'), after: reordered(row('a', '1').after) };
    assert.match(json(resultObjects([r])), /"after":\{"views":\["Local","Release"\],"listed":true,"deleted":false,"deprecated":null\}/);
  });
});

describe('outputs: text made while the changes are in flight', () => {
  const rows = Array.from({ length: 120 }, (_, i) => row('P', `1.0.${i}`));
  const queue = () => {
    const steps: (() => void)[] = [];
    return { schedule: (s: () => void) => void steps.push(s), steps, runAll: () => { while (steps.length) steps.shift()!(); } };
  };

  /** Told of `rows` (`told` times), then `steps` steps run; counts the rows asked for and the settlings. */
  const begun = (steps: number, told = 1) => {
    const q = queue();
    const counts = { settled: 0, asked: 0 };
    const ahead = textAhead({ schedule: q.schedule, settle: () => counts.settled++ });
    for (let i = 0; i < told; i++) ahead.expect(rows.length, () => (counts.asked++, rows));
    for (let i = 0; i < steps; i++) q.steps.shift()!();
    return { q, ahead, counts };
  };

  it('made a slice at a time, each step after pending I/O, then settled once', () => {
    const { q, ahead, counts } = begun(0);
    assert.equal(counts.asked, 0, 'the rows are worked out in a step, not when told');
    assert.equal(q.steps.length, 1);
    let stepsRun = 0;
    while (q.steps.length) (q.steps.shift()!(), stepsRun++);
    assert.equal(counts.asked, 1);
    assert.ok(stepsRun >= 3, `${stepsRun} steps`);
    assert.equal(counts.settled, 1);
    const texts = ahead.stop()!;
    assert.deepEqual([...textTableLines(rows, false, texts)], [textTable(rows, false)]);
  });

  it('stopped, it makes nothing more and does not settle', () => {
    const { q, ahead, counts } = begun(2);
    const texts = ahead.stop()!;
    q.runAll();
    assert.equal(counts.settled, 0);
    assert.equal(texts.fits(rows).all, false);
    assert.equal(textTable(rows, false, texts), textTable(rows, false));
  });

  it('beyond 5,000 rows, nothing is made ahead, and the rows are not even asked for', () => {
    const q = queue();
    const ahead = textAhead({ schedule: q.schedule });
    let asked = 0;
    ahead.expect(5001, () => (asked++, Array.from({ length: 5001 }, (_, i) => row('P', `1.0.${i}`))));
    q.runAll();
    assert.equal(ahead.stop(), undefined);
    assert.equal(asked, 0);
  });

  it('told twice, it makes the text once', () => {
    const { q, counts } = begun(0, 2);
    q.runAll();
    assert.equal(counts.asked, 1);
    assert.equal(counts.settled, 1);
  });

  it('a secret added while the text is made: it stops, and does not settle', () => {
    const { q, ahead, counts } = begun(2);
    hideSecret(`an0ther-${process.pid}-secret`);
    q.runAll();
    const texts = ahead.stop()!;
    assert.equal(counts.settled, 0);
    assert.ok(texts.made < rows.length, `${texts.made} rows made`);
    assert.equal(texts.complete, false);
  });
});
