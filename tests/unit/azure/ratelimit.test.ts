import * as assert from 'node:assert/strict';
import type { RequestRecord } from '../../emulator';
import { useEmulator } from '../../helpers/e2e';
import { nugetFixture } from '../../helpers/fixtures';
import { runInProcess } from '../../helpers/in-process';

/** The most requests of `log` that were in flight at one time, from the emulator's arrival and answer times. */
function mostInFlight(log: RequestRecord[]): number {
  let most = 0;
  for (const r of log) {
    const open = log.filter((q) => q.at <= r.at && (q.answeredAt ?? Infinity) > r.at).length;
    most = Math.max(most, open);
  }
  return most;
}

describe('azure http: the service\'s rate-limit headers', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  /** 800 versions: eight batches of 100, each answered 30 ms after it arrives. */
  async function promoteAll() {
    h.emu.generate({ feed: 'internal', protocol: 'nuget', packages: 8, versionsEach: 100, prefix: 'Bulk' });
    h.emu.latencyMs = 30;
    const r = await runInProcess(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Bulk.*', version: '*', view: 'Release', maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    const batches = h.emu.log.filter((x) => x.method === 'POST');
    assert.equal(batches.length, 8);
    return { r, batches, said: r.messages.filter((m) => m.key === 'RateLimited').length };
  }

  it('batches overlap while the answers announce nothing, or plenty left', async () => {
    h.emu.fault({ rateLimit: { remaining: 20, limit: 200 }, count: 100_000 });
    const { batches, said } = await promoteAll();
    assert.ok(mostInFlight(batches) >= 3, `at most ${mostInFlight(batches)} batches in flight`);
    assert.equal(said, 0);
  });

  for (const [what, rateLimit] of [['X-RateLimit-Delay', { delaySeconds: 2 }], ['X-RateLimit-Remaining below a tenth of X-RateLimit-Limit', { remaining: 19, limit: 200 }]] as const) {
    it(`one request at a time while answers carry ${what}, said once`, async () => {
      h.emu.fault({ rateLimit, count: 100_000 });
      const { batches, said } = await promoteAll();
      assert.equal(mostInFlight(batches), 1);
      // Everything sent after the first answer that said so went alone.
      const first = Math.min(...h.emu.log.map((x) => x.answeredAt ?? Infinity));
      assert.equal(mostInFlight(h.emu.log.filter((x) => x.at >= first)), 1);
      assert.equal(said, 1);
    });
  }

  it('back to batches in parallel once the answers stop saying so', async () => {
    // The location service's answer and the first look-ups announce delays; the batches' answers do not.
    h.emu.fault({ match: { method: 'GET' }, rateLimit: { delaySeconds: 1 }, count: 100_000 });
    const { batches, said } = await promoteAll();
    assert.ok(mostInFlight(batches) >= 3, `at most ${mostInFlight(batches)} batches in flight`);
    assert.equal(said, 1);
  });
});
