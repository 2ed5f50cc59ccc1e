/** What each planned row tells the user: its state after, and the fields the result file carries. */
import * as assert from 'node:assert/strict';
import { ActionContext, actionDefs, AnyChange, VersionState } from '../../../src/engine/actions';
import { plan } from '../../../src/engine/plan';
import type { Candidate } from '../../../src/engine/select';

const live = (views: string[] = ['Local']): VersionState => ({ views, listed: true, deleted: false, deprecated: null });
const release = { id: 'r', name: 'Release' };
const promote = actionDefs.promote as unknown as AnyChange;
const ctx: ActionContext = { action: 'promote', view: release };

describe('plan: the rows the result file shows', () => {
  it('a real run the guard refused shows every version as it was, after equal to before', () => {
    const cands: Candidate[] = ['1.0.0', '1.1.0'].map((version) => ({ name: 'Contoso.Core', version, before: live(), source: 'local' }));
    const p = plan(cands, promote, ctx, { dryRun: false, maxVersions: 1 });
    assert.deepEqual(p.rows.map((r) => [r.outcome, r.after]), [['unchanged', live()], ['unchanged', live()]]);
  });

  it('a refused dry run shows what it would have done', () => {
    const cands: Candidate[] = ['1.0.0', '1.1.0'].map((version) => ({ name: 'Contoso.Core', version, before: live(), source: 'local' }));
    const p = plan(cands, promote, ctx, { dryRun: true, maxVersions: 1 });
    assert.deepEqual(p.rows.map((r) => r.after?.views), [['Local', 'Release'], ['Local', 'Release']]);
    assert.deepEqual(p.refusal?.args, [2, { input: 'maxVersions' }, 1, { input: 'maxVersions' }, { input: 'dryRun', value: 'true' }]);
  });

  it('a version without a publish date has published null, and an upstream one keeps its source', () => {
    const p = plan([{ name: 'Contoso.Core', version: '1.0.0', before: live(), source: 'upstream' }], promote, ctx, { dryRun: false, maxVersions: 0 });
    assert.deepEqual(p.rows, [{ package: 'Contoso.Core', version: '1.0.0', before: live(), after: live(['Local', 'Release']), outcome: 'planned', published: null, source: 'upstream' }]);
    assert.equal(JSON.stringify(p.rows[0]).includes('"published":null'), true);
  });

  it('show and download rows show the state as it is', () => {
    const c: Candidate = { name: 'Contoso.Core', version: '1.0.0', before: live(['Local', 'Release']), published: '2026-01-01T00:00:00.000Z', source: 'local' };
    for (const def of [actionDefs.show, actionDefs.download]) {
      const p = plan([c], def, { action: def.kind }, { dryRun: false, maxVersions: 0 });
      assert.deepEqual(p.rows[0].after, c.before);
      assert.equal(p.rows[0].published, '2026-01-01T00:00:00.000Z');
    }
    assert.deepEqual(plan([c], actionDefs.show, { action: 'show' }, { dryRun: false, maxVersions: 0 }).work, []);
  });
});
