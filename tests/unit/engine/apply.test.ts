import * as assert from 'node:assert/strict';
import { HttpError, LostAnswerError } from '../../../src/azure/errors';
import type { FeedsClient, PackageInfo } from '../../../src/azure/feeds';
import { actionDefs } from '../../../src/engine/actions';
import { ApplyDeps, Change, sendChanges } from '../../../src/engine/apply';
import { protocols } from '../../../src/protocols';

/** A feeds client that serves a listing from memory and scripts the batch answers. */
function fakeApi(views: Record<string, string[]>, answers: ((items: Change[]) => void)[]) {
  const batches: Change[][] = [];
  const api = {
    async listPackages(): Promise<PackageInfo[]> {
      return [{ id: 'p', name: 'Pkg', versions: Object.entries(views).map(([version, v]) => ({ version, views: v.map((name) => ({ id: name, name })) })) }];
    },
    async listRecycleBin(): Promise<PackageInfo[]> {
      return [];
    },
    async batch(_at: unknown, _p: unknown, _rb: boolean, _op: string, _data: unknown, items: Change[]): Promise<void> {
      batches.push(items.map((i) => ({ ...i })));
      answers[Math.min(batches.length - 1, answers.length - 1)](items);
    },
  };
  return { api: api as unknown as FeedsClient, batches };
}

function deps(api: FeedsClient): ApplyDeps {
  return {
    api,
    at: { feedId: 'f', projectId: null },
    protocol: protocols.nuget,
    def: actionDefs.promote,
    ctx: { action: 'promote', message: '', view: { id: 'release-id', name: 'Release' } },
    sleep: async () => undefined,
    debug: () => undefined,
  };
}

const three: Change[] = ['1.0.0', '2.0.0', '3.0.0'].map((version) => ({ name: 'Pkg', version }));

describe('engine: sending changes', () => {
  it('a batch refused with 404 is read back and only what has not arrived is resent', async () => {
    const views: Record<string, string[]> = { '1.0.0': ['Local'], '2.0.0': ['Local'], '3.0.0': ['Local'] };
    const { api, batches } = fakeApi(views, [
      () => {
        views['2.0.0'].push('Release'); // someone else promoted it meanwhile
        throw new HttpError(404, 'POST', 'u', 'gone', undefined);
      },
      (items) => { for (const i of items) views[i.version].push('Release'); },
    ]);
    const problems = await sendChanges(deps(api), three);
    assert.deepEqual(problems, []);
    assert.deepEqual(batches.map((b) => b.map((i) => i.version)), [['1.0.0', '2.0.0', '3.0.0'], ['1.0.0', '3.0.0']]);
  });

  it('a refusal the read-back does not explain stands: reported, not resent', async () => {
    const views: Record<string, string[]> = { '1.0.0': ['Local'], '2.0.0': ['Local'], '3.0.0': ['Local'] };
    const refusal = new HttpError(404, 'POST', 'u', 'version not found', undefined);
    const { api, batches } = fakeApi(views, [() => { throw refusal; }]);
    const problems = await sendChanges(deps(api), three);
    assert.deepEqual(problems, [refusal]);
    assert.equal(batches.length, 1);
  });

  it('a lost answer whose change arrived is not resent', async () => {
    const views: Record<string, string[]> = { '1.0.0': ['Local'], '2.0.0': ['Local'], '3.0.0': ['Local'] };
    const { api, batches } = fakeApi(views, [(items) => {
      for (const i of items) views[i.version].push('Release');
      throw new LostAnswerError('POST', 'u', new Error('socket hang up'));
    }]);
    assert.deepEqual(await sendChanges(deps(api), three), []);
    assert.equal(batches.length, 1);
  });

  it('lost answers are retried a bounded number of times, then reported', async () => {
    const views: Record<string, string[]> = { '1.0.0': ['Local'], '2.0.0': ['Local'], '3.0.0': ['Local'] };
    const { api, batches } = fakeApi(views, [() => { throw new LostAnswerError('POST', 'u', new Error('timeout')); }]);
    const problems = await sendChanges(deps(api), three);
    assert.equal(problems.length, 1);
    assert.equal(batches.length, 4);
  });

  it('a read-back that fails after a lost answer is reported with it, and the next batch still goes', async () => {
    const many: Change[] = Array.from({ length: 150 }, (_, i) => ({ name: 'Pkg', version: `1.0.${i}` }));
    const views: Record<string, string[]> = Object.fromEntries(many.map((c) => [c.version, ['Local']]));
    const { api, batches } = fakeApi(views, [
      () => { throw new LostAnswerError('POST', 'u', new Error('socket hang up')); },
      (items) => { for (const i of items) views[i.version].push('Release'); },
    ]);
    const readFailure = new Error('listing unavailable');
    (api as unknown as { listPackages: () => Promise<never> }).listPackages = async () => { throw readFailure; };
    const problems = await sendChanges(deps(api), many);
    assert.equal(problems.length, 2);
    assert.equal(problems[1], readFailure);
    assert.deepEqual(batches.map((b) => b.length), [100, 50]);
  });

  it('a version found nowhere any more is not resent; the rest of its batch is', async () => {
    const views: Record<string, string[]> = { '1.0.0': ['Local'], '2.0.0': ['Local'], '3.0.0': ['Local'] };
    const { api, batches } = fakeApi(views, [
      () => {
        delete views['2.0.0']; // permanently deleted meanwhile: the batch is refused whole
        throw new HttpError(404, 'POST', 'u', 'version not found', undefined);
      },
      (items) => { for (const i of items) views[i.version].push('Release'); },
    ]);
    const problems = await sendChanges(deps(api), three);
    assert.deepEqual(problems, []);
    assert.deepEqual(batches.map((b) => b.map((i) => i.version)), [['1.0.0', '2.0.0', '3.0.0'], ['1.0.0', '3.0.0']]);
  });

  it('splits into batches of at most 100, and one failing batch does not stop the next', async () => {
    const many: Change[] = Array.from({ length: 250 }, (_, i) => ({ name: 'Pkg', version: `1.0.${i}` }));
    const views: Record<string, string[]> = Object.fromEntries(many.map((c) => [c.version, ['Local']]));
    const { api, batches } = fakeApi(views, [
      (items) => { for (const i of items) views[i.version].push('Release'); },
      () => { throw new HttpError(400, 'POST', 'u', 'bad', undefined); },
      (items) => { for (const i of items) views[i.version].push('Release'); },
    ]);
    const problems = await sendChanges(deps(api), many);
    assert.equal(problems.length, 1);
    assert.deepEqual(batches.map((b) => b.length), [100, 100, 50]);
  });
});
