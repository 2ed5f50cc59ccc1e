/** The plan is pure: table tests of its rows, targets and guards. */
import * as assert from 'node:assert/strict';
import { ActionContext, actionDefs, AnyChange, VersionState } from '../../../src/engine/actions';
import { plan } from '../../../src/engine/plan';
import type { Candidate } from '../../../src/engine/select';

const live = (views: string[] = ['Local']): VersionState => ({ views, listed: true, deleted: false, deprecated: null });
const cand = (version: string, before = live()): Candidate => ({ name: 'Contoso.Core', version, before, published: '2026-01-01T00:00:00.000Z', source: 'local' });
const release = { id: 'r', name: 'Release' };
const promote = actionDefs.promote as unknown as AnyChange;
const ctx: ActionContext = { action: 'promote', view: release };

describe('engine plan: rows, targets and guards', () => {
  const cases: { what: string; candidates: Candidate[]; maxVersions: number; dryRun: boolean; refused: boolean; outcomes: string[] }[] = [
    { what: 'nothing to do', candidates: [cand('1.0.0', live(['Local', 'Release']))], maxVersions: 1, dryRun: false, refused: false, outcomes: ['unchanged'] },
    { what: 'exactly maxVersions to change is allowed', candidates: [cand('1.0.0'), cand('1.1.0')], maxVersions: 2, dryRun: false, refused: false, outcomes: ['planned', 'planned'] },
    { what: 'one more than maxVersions is refused, and a real run says every row was left as it was', candidates: [cand('1.0.0'), cand('1.1.0'), cand('1.2.0')], maxVersions: 2, dryRun: false, refused: true, outcomes: ['unchanged', 'unchanged', 'unchanged'] },
    { what: 'a refused dry run still shows its plan', candidates: [cand('1.0.0'), cand('1.1.0'), cand('1.2.0')], maxVersions: 2, dryRun: true, refused: true, outcomes: ['planned', 'planned', 'planned'] },
    { what: 'versions already in the target do not count against maxVersions', candidates: [cand('1.0.0', live(['Release'])), cand('1.1.0'), cand('1.2.0')], maxVersions: 2, dryRun: false, refused: false, outcomes: ['unchanged', 'planned', 'planned'] },
    { what: 'maxVersions 0 is no limit', candidates: Array.from({ length: 250 }, (_, i) => cand(`1.0.${i}`)), maxVersions: 0, dryRun: false, refused: false, outcomes: Array(250).fill('planned') },
  ];
  for (const c of cases) {
    it(c.what, () => {
      const p = plan(c.candidates, promote, ctx, { dryRun: c.dryRun, maxVersions: c.maxVersions });
      assert.equal(!!p.refusal, c.refused);
      assert.deepEqual(p.rows.map((r) => r.outcome), c.outcomes);
      if (c.refused) {
        assert.equal(p.refusal!.key, 'TooManyVersions');
        assert.equal(p.work.length, 0, 'nothing may be changed');
      }
    });
  }

  it('a planned row carries its target; an unchanged one its state now; both keep published and source', () => {
    const p = plan([cand('1.0.0'), cand('1.1.0', live(['Local', 'release']))], promote, ctx, { dryRun: false, maxVersions: 100 });
    assert.deepEqual(p.rows[0].after?.views, ['Local', 'Release']);
    assert.deepEqual(p.rows[1].after, p.rows[1].before);
    assert.ok(p.rows.every((r) => r.published === '2026-01-01T00:00:00.000Z' && r.source === 'local'));
  });

  it('show changes nothing and lists every row unchanged; download plans every row', () => {
    assert.deepEqual(plan([cand('1.0.0')], actionDefs.show, { action: 'show' }, { dryRun: false, maxVersions: 1 }).rows.map((r) => r.outcome), ['unchanged']);
    const d = plan([cand('1.0.0'), cand('1.1.0')], actionDefs.download, { action: 'download' }, { dryRun: false, maxVersions: 1 });
    assert.deepEqual(d.rows.map((r) => r.outcome), ['planned', 'planned']);
    assert.equal(d.refusal, undefined, 'maxVersions limits changes, not downloads');
  });
});
