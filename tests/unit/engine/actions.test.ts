import * as assert from 'node:assert/strict';
import { ActionContext, actionDefs, VersionState } from '../../../src/engine/actions';

const live: VersionState = { views: ['Local', 'Prerelease'], listed: true, deleted: false, deprecated: null };
const binned: VersionState = { ...live, deleted: true };
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ctx = (action: ActionContext['action'], extra: Record<string, unknown> = {}): any => ({ action, message: '', ...extra });
const release = { id: 'r-id', name: 'Release' };

describe('engine: what each action plans', () => {
  it('promote adds the view; a version already in it (any letter case) has reached it', () => {
    const c = ctx('promote', { view: release });
    assert.deepEqual(actionDefs.promote.target(live, c)!.views, ['Local', 'Prerelease', 'Release']);
    assert.equal(actionDefs.promote.reached(live, c), false);
    assert.equal(actionDefs.promote.reached({ ...live, views: ['local', 'release'] }, c), true);
    assert.equal(actionDefs.promote.reached({ ...binned, views: ['Release'] }, c), false, 'a deleted version is not promoted');
    assert.equal(actionDefs.promote.reached(null, c), false);
  });

  it('unlist and relist set listed', () => {
    assert.equal(actionDefs.unlist.target(live, ctx('unlist'))!.listed, false);
    assert.equal(actionDefs.unlist.reached({ ...live, listed: false }, ctx('unlist')), true);
    assert.equal(actionDefs.relist.reached(live, ctx('relist')), true);
    assert.equal(actionDefs.relist.reached({ ...live, listed: false }, ctx('relist')), false);
  });

  it('deprecate sets the message; undeprecate clears it', () => {
    const c = ctx('deprecate', { message: 'use 2.x' });
    assert.equal(actionDefs.deprecate.target(live, c)!.deprecated, 'use 2.x');
    assert.equal(actionDefs.deprecate.reached({ ...live, deprecated: 'use 2.x' }, c), true);
    assert.equal(actionDefs.deprecate.reached({ ...live, deprecated: 'other' }, c), false, 'a different message is changed');
    assert.equal(actionDefs.undeprecate.target({ ...live, deprecated: 'x' }, ctx('undeprecate'))!.deprecated, null);
    assert.equal(actionDefs.undeprecate.reached(live, ctx('undeprecate')), true);
  });

  it('delete goes to the recycle bin, restore comes back, permanentDelete leaves nothing', () => {
    assert.equal(actionDefs.delete.target(live, ctx('delete'))!.deleted, true);
    assert.equal(actionDefs.delete.reached(binned, ctx('delete')), true);
    assert.equal(actionDefs.delete.reached(null, ctx('delete')), false);
    assert.equal(actionDefs.restore.target(binned, ctx('restore'))!.deleted, false);
    assert.equal(actionDefs.restore.reached(live, ctx('restore')), true);
    assert.equal(actionDefs.permanentDelete.target(binned, ctx('permanentDelete')), null);
    assert.equal(actionDefs.permanentDelete.reached(null, ctx('permanentDelete')), true);
    assert.equal(actionDefs.permanentDelete.reached(binned, ctx('permanentDelete')), false);
  });

  it('where each action selects from, the role it needs, and which change nothing', () => {
    const from = Object.entries(actionDefs).filter(([, d]) => d.fromRecycleBin).map(([k]) => k);
    assert.deepEqual(from, ['restore', 'permanentDelete']);
    const owner = Object.entries(actionDefs).filter(([, d]) => d.role === 'owner').map(([k]) => k);
    assert.deepEqual(owner, ['delete', 'restore', 'permanentDelete']);
    const contributor = Object.entries(actionDefs).filter(([, d]) => d.role === 'contributor').map(([k]) => k);
    assert.deepEqual(contributor, ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate']);
    assert.deepEqual(Object.entries(actionDefs).filter(([, d]) => d.kind !== 'change').map(([k]) => k), ['download', 'show']);
  });

  it('every changing action has both its single and batch requests', () => {
    assert.deepEqual(actionDefs.promote.single(ctx('promote', { view: release })), { kind: 'update', body: { views: { op: 'add', path: '/views/-', value: 'r-id' } } });
    assert.deepEqual(actionDefs.promote.batch.data(ctx('promote', { view: release })), { viewId: 'r-id' });
    assert.deepEqual(actionDefs.undeprecate.single(ctx('undeprecate')), { kind: 'update', body: { deprecateMessage: '' } });
    assert.deepEqual(actionDefs.restore.single(ctx('restore')), { kind: 'restore' });
    assert.deepEqual(Object.entries(actionDefs).filter(([, d]) => d.fromRecycleBin).map(([k]) => k), ['restore', 'permanentDelete'], 'these change versions through the recycle bin\'s batch');
  });
});
