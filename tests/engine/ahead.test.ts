/**
 * The rows a run expects to report, handed to the adapter while the changes are in flight (so that
 * it can make their text meanwhile): what they are, when they are asked for, and how the report's
 * rows relate to them once the read-back is in.
 */
import * as assert from 'node:assert/strict';
import type { Platform } from '../../src/engine/ports';
import type { Row } from '../../src/engine/plan';
import type { Inputs } from '../../src/engine/request';
import { runInputs } from '../../src/wiring';
import type { FaultSpec } from '../emulator';
import { useEmulator } from '../helpers/e2e';
import { runFolder } from '../helpers/in-process';
import { fabrikamFixture } from '../helpers/fixtures';

describe('engine: the rows expected while the changes are in flight', () => {
  const h = useEmulator(() => fabrikamFixture({ packages: [] }));
  const platform: Platform = { info: () => undefined, warn: () => undefined, debug: () => undefined, sleep: async () => undefined, now: () => Date.now() };
  const promote: Inputs = { action: 'promote', feed: 'Fabrikam/internal', packageType: 'nuget', packages: 'Bulk.*', version: '*', view: 'Release', maxVersions: '0' };

  /** Rows without their publish dates (a fresh feed's dates are of the moment it was made). */
  const undated = (rows: readonly Row[]) => rows.map((r) => ({ ...r, published: null }));

  /** Runs `inputs` on a fresh feed of 2 × 130 versions (then `faults`); `expect` as an adapter would give it. */
  async function run(inputs: Inputs, expect?: (count: number, rows: () => readonly Row[]) => void, faults: FaultSpec[] = []) {
    h.emu.reset(fabrikamFixture({ packages: [] }));
    h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 2, versionsEach: 130, prefix: 'Bulk' });
    for (const f of faults) h.emu.fault(f);
    return runInputs(inputs, { collectionUrl: `${h.emu.urls.org}/`, credential: { kind: 'bearer', token: h.emu.tokens.owner }, server: 'services', platform, workingDirectory: runFolder('ahead'), expect });
  }

  it('are the report\'s rows in its order; where all arrived, the report gives those very rows', async () => {
    let expected: readonly Row[] = [];
    const ran = await run(promote, (count, rows) => {
      assert.equal(count, 260);
      expected = rows();
    });
    const plain = await run(promote);
    assert.equal(ran.outcome.result, 'Succeeded');
    assert.deepEqual(undated(ran.outcome.rows), undated(plain.outcome.rows), 'the same report as without');
    assert.equal(expected.length, 260);
    assert.ok(expected.every((r) => r.outcome === 'changed'));
    assert.ok(ran.outcome.rows.every((r, i) => r === expected[i]), 'each row is the very row expected');
  });

  it('asked for never, or only after the run: the report is the same', async () => {
    let late: (() => readonly Row[]) | undefined;
    const never = await run(promote, () => undefined);
    const after = await run(promote, (_count, rows) => {
      late = rows;
    });
    const plain = await run(promote);
    assert.deepEqual(undated(never.outcome.rows), undated(plain.outcome.rows));
    assert.deepEqual(undated(after.outcome.rows), undated(plain.outcome.rows));
    const expected = late!();
    assert.deepEqual(undated(expected), undated(plain.outcome.rows), 'asked late, the rows expected are still the report\'s');
  });

  it('where changes did not arrive, those rows are what the read-back shows; the others are the expected rows', async () => {
    const lie: FaultSpec = { match: { route: 'nuget.batch' }, skip: 1, lie: true };
    let expected: readonly Row[] = [];
    const ran = await run(promote, (_count, rows) => {
      expected = rows();
    }, [lie]);
    const plain = await run(promote, undefined, [lie]);
    assert.deepEqual(undated(ran.outcome.rows), undated(plain.outcome.rows), 'the same report as without');
    const failed = ran.outcome.rows.filter((r) => r.outcome === 'failed');
    assert.equal(failed.length, 100, 'the batch that did not arrive');
    ran.outcome.rows.forEach((r, i) => assert.equal(r === expected[i], r.outcome === 'changed', `${r.package} ${r.version}: ${r.outcome}`));
  });

  it('a dry run, show and download expect nothing', async () => {
    for (const inputs of [{ ...promote, dryRun: 'true' }, { ...promote, action: 'show', view: '' }, { ...promote, action: 'download', view: '', version: 'latest' }]) {
      let told = 0;
      const ran = await run(inputs, () => told++);
      assert.notEqual(ran.outcome.result, 'Failed', `${inputs.action}: ${JSON.stringify(ran.outcome.errors)}`);
      assert.equal(told, 0, inputs.action);
    }
  });
});
