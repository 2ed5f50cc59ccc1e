import * as assert from 'node:assert/strict';
import { changing, useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { runInProcess as runTask } from '../helpers/in-process';

const feed = 'Fabrikam/internal';

describe('engine: many names and slow servers', function () {
  this.timeout(120_000);
  const h = useEmulator(nugetFixture);

  it('2,000 names that are not in the feed take a few requests, and each message names its closest ones', async () => {
    // Two families of misspellings: each is nearest to one package of the feed.
    const missing = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `Contoso.Web${i}` : `Contoso.Cor${i}`));
    const r = await runTask(h.emu, { action: 'promote', feed, packages: missing.join('\n'), version: '1.0.0', view: 'Release', failOnNoMatch: 'false' });
    assert.equal(r.result?.status, 'SucceededWithIssues', r.result?.message);
    assert.equal(changing(h.emu.log).length, 0);
    assert.ok(h.emu.log.length <= 24, `${h.emu.log.length} requests`);
    const notFound = r.messages.filter((m) => m.key === 'PackageNotFound');
    assert.equal(notFound.length, 2000);
    for (const m of notFound) {
      const [where, text, closest] = m.args as [{ line: number }, string, string];
      const line = where.line;
      assert.equal(text, missing[line - 1]);
      const nearest = line % 2 ? 'Contoso.Core' : 'Contoso.Web';
      assert.equal(closest.split(', ')[0], nearest, `line ${line}: ${closest}`);
      assert.equal(closest.split(', ').length, 3, `line ${line}: ${closest}`);
    }
  });

  for (const action of ['delete', 'restore', 'permanentDelete']) {
    it(`${action} of 2,000 exact versions that are nowhere: a few listings, not a query per name on the other side`, async () => {
      // Delete looks for an exact version in the recycle bin too (already deleted), restore and
      // permanent delete among the live versions (already restored, or never deleted).
      const missing = Array.from({ length: 2000 }, (_, i) => `Contoso.Gone${i}@1.0.0`);
      const r = await runTask(h.emu, { action, feed, packages: missing.join('\n'), failOnNoMatch: 'false', maxVersions: '0' });
      assert.equal(r.result?.status, 'SucceededWithIssues', r.result?.message);
      assert.equal(changing(h.emu.log).length, 0);
      assert.equal(r.warnings.length, 2000);
      assert.ok(h.emu.log.length <= 24, `${h.emu.log.length} requests`);
    });
  }

  it('keeps several batches in flight at once on a slow server', async () => {
    h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 400, versionsEach: 1, prefix: 'Slow.Pkg' });
    h.emu.clearLog();
    h.emu.serviceTimeMs = 300;
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Slow.*', version: '*', view: 'Release', maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    const batches = h.emu.log.filter((x) => x.route === 'nuget.batch');
    assert.equal(batches.length, 4);
    // In flight together: a batch that arrived before an earlier one was answered. One at a time,
    // each batch would be sent only after the answer to the one before it.
    const overlapping = batches.filter((b, i) => i > 0 && b.at < batches[i - 1].answeredAt!);
    assert.ok(overlapping.length >= 1, JSON.stringify(batches.map((b) => [b.at, b.answeredAt])));
    assert.ok(batches.every((b) => b.answeredAt !== undefined && b.status === 202));
  });
});
