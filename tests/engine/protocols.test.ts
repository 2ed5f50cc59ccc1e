import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProtocolKey, RequestRecord } from '../emulator';
import { assertTokenOnlyToTrustedHosts, changing, useEmulator } from '../helpers/e2e';
import { runFolder, runInProcess as runTask } from '../helpers/in-process';
import type { TaskRun } from '../helpers/run-task';
import { projects } from '../helpers/fixtures';
import { protocolFeedId, protocolFixture } from '../helpers/protocol-fixtures';

const feed = 'Fabrikam/internal';
const feedPrefix = `/_apis/packaging/feeds/${protocolFeedId}/`;

/** A protocol request as the assertions compare it: the path below `_apis/packaging/feeds/{feedId}/`. */
interface Sent {
  method: string;
  path: string;
  apiVersion: string | undefined;
  body?: unknown;
}

/**
 * The requests sent to the protocol's own API, with their path checked against the exact prefix
 * (organization or collection, the feed's project, the feed's id).
 */
const protocolKeys = new Set(['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo']);

function protocolCalls(log: RequestRecord[], root: string, host: string): Sent[] {
  const prefix = `${root}/${projects.fabrikam.id}${feedPrefix}`;
  return log
    .filter((r) => protocolKeys.has((r.route ?? '').split('.')[0]))
    .map((r) => {
      assert.equal(r.host, host, `${r.method} ${r.path} went to the ${r.host} host`);
      assert.ok(r.path.startsWith(prefix), `${r.method} ${r.path} does not start with ${prefix}`);
      const s: Sent = { method: r.method, path: r.path.slice(prefix.length), apiVersion: r.query['api-version'] };
      if (r.body !== undefined) s.body = unordered(r.body);
      return s;
    });
}

/** A batch's items in a fixed order: the contract does not order them. */
function unordered(body: unknown): unknown {
  const b = body as { packages?: unknown[] };
  if (!b || typeof b !== 'object' || !Array.isArray(b.packages)) return body;
  return { ...b, packages: [...b.packages].sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)) };
}

/** The batch body the tests expect, its items in the same fixed order. */
function batchBody(operation: string, items: Record<string, string>[], data?: unknown): unknown {
  return unordered(data === undefined ? { operation, packages: items } : { operation, data, packages: items });
}

function ok(r: TaskRun): void {
  assert.equal(r.result?.status, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
}

const rowsOf = (r: TaskRun) => r.rows.map((x) => [x.package, x.version, x.outcome]);

/** One protocol's data for the actions every protocol has. */
interface Case {
  key: ProtocolKey;
  /** As published. */
  name: string;
  /** As the pipeline writes it (may differ in the ways the server ignores). */
  selector: string;
  api: string;
  versionPath(v: string): string;
  recycleBinPath(v: string): string;
  batchPath: string;
  recycleBinBatchPath: string;
  item(v: string): Record<string, string>;
  deleteOperation: string;
  /** The live versions, in the protocol's order. */
  live: string[];
  /** A live version in no view but Local. */
  one: string;
  range: string;
  inRange: string[];
  /** The version the fixture has in the recycle bin, and one more the test adds there. */
  deleted: string;
  alsoDeleted: string;
  feedUrl(run: { pkgs: string; org: string }): string;
}

const npmCase: Case = {
  key: 'npm', name: '@contoso/widgets', selector: '@contoso/widgets', api: '7.1',
  versionPath: (v) => `npm/@contoso/widgets/versions/${v}`,
  recycleBinPath: (v) => `npm/RecycleBin/packages/@contoso/widgets/versions/${v}`,
  batchPath: 'npm/packagesbatch', recycleBinBatchPath: 'npm/RecycleBin/PackagesBatch',
  item: (v) => ({ id: '@contoso/widgets', version: v }), deleteOperation: 'unpublish',
  live: ['1.0.0', '1.2.0', '1.3.0-beta.1', '1.4.0', '2.0.0'], one: '1.0.0', range: '^1.2', inRange: ['1.2.0', '1.3.0-beta.1', '1.4.0'], deleted: '0.9.0', alsoDeleted: '0.8.0',
  feedUrl: (u) => `${u.pkgs}/Fabrikam/_packaging/internal/npm/registry/`,
};

const cases: Case[] = [
  npmCase,
  {
    key: 'pypi', name: 'My-Package', selector: 'my_package', api: '7.1-preview.1',
    versionPath: (v) => `pypi/packages/My-Package/versions/${v}`,
    recycleBinPath: (v) => `pypi/RecycleBin/packages/My-Package/versions/${v}`,
    batchPath: 'pypi/packagesbatch', recycleBinBatchPath: 'pypi/RecycleBin/packagesBatch',
    item: (v) => ({ id: 'My-Package', version: v }), deleteOperation: 'delete',
    // PEP 440: `<2` admits no pre-release of 2 (2.0rc1), even with prereleases included.
    live: ['1.0', '1.5', '2.0rc1', '2.0'], one: '1.0', range: '>=1.0,<2', inRange: ['1.0', '1.5'], deleted: '0.5', alsoDeleted: '0.4',
    feedUrl: (u) => `${u.pkgs}/Fabrikam/_packaging/internal/pypi/simple/`,
  },
  {
    key: 'maven', name: 'com.contoso:core', selector: 'com.contoso:core', api: '7.1-preview.1',
    versionPath: (v) => `maven/groups/com.contoso/artifacts/core/versions/${v}`,
    recycleBinPath: (v) => `maven/RecycleBin/groups/com.contoso/artifacts/core/versions/${v}`,
    batchPath: 'maven/packagesbatch', recycleBinBatchPath: 'maven/RecycleBin/packagesBatch',
    item: (v) => ({ group: 'com.contoso', artifact: 'core', version: v }), deleteOperation: 'delete',
    live: ['1.0', '1.5', '2.0', '2.1'], one: '1.0', range: '[1.0,2.0)', inRange: ['1.0', '1.5'], deleted: '0.9', alsoDeleted: '0.8',
    feedUrl: (u) => `${u.pkgs}/Fabrikam/_packaging/internal/maven/v1`,
  },
  {
    key: 'upack', name: 'contoso-tools', selector: 'Contoso-Tools', api: '7.1-preview.1',
    versionPath: (v) => `upack/packages/contoso-tools/versions/${v}`,
    recycleBinPath: (v) => `upack/RecycleBin/packages/contoso-tools/versions/${v}`,
    batchPath: 'upack/packagesbatch', recycleBinBatchPath: 'upack/RecycleBin/packagesBatch',
    item: (v) => ({ id: 'contoso-tools', version: v }), deleteOperation: 'delete',
    live: ['1.0.0', '1.1.0', '2.0.0'], one: '1.0.0', range: '>=1.0.0 <2.0.0', inRange: ['1.0.0', '1.1.0'], deleted: '0.1.0', alsoDeleted: '0.0.9',
    feedUrl: (u) => `${u.org}/`,
  },
  {
    key: 'cargo', name: 'my_crate', selector: 'my-crate', api: '7.2-preview.1',
    versionPath: (v) => `cargo/packages/my_crate/versions/${v}`,
    recycleBinPath: (v) => `cargo/RecycleBin/packages/my_crate/versions/${v}`,
    batchPath: 'cargo/packagesbatch', recycleBinBatchPath: 'cargo/RecycleBin/packagesBatch',
    item: (v) => ({ id: 'my_crate', version: v }), deleteOperation: 'delete',
    live: ['1.0.0', '1.1.0', '1.2.0', '2.0.0'], one: '1.0.0', range: '>=1.0, <2.0', inRange: ['1.0.0', '1.1.0', '1.2.0'], deleted: '0.1.0', alsoDeleted: '0.0.9',
    feedUrl: (u) => `${u.pkgs}/Fabrikam/_packaging/internal/Cargo/index/`,
  },
];

describe('engine protocols', function () {
  this.timeout(60_000);
  const h = useEmulator(protocolFixture);
  const allCalls = () => protocolCalls(h.emu.log, `/${h.emu.organization}`, 'pkgs');
  // npm reads each version's deprecation from the version's own GET on every run; most tests look past those reads.
  const calls = () => allCalls().filter((x) => x.method !== 'GET' || x.path.endsWith('/content'));
  const stateOf = (key: ProtocolKey, name: string, v: string) => h.emu.versions('internal', key, name).find((x) => x.version === v);
  const urls = () => ({ pkgs: h.emu.urls.pkgs, org: h.emu.urls.org });

  for (const c of cases) {
    describe(`e2e protocols: ${c.key}`, () => {
      const run = (inputs: Record<string, string>) => runTask(h.emu, { feed, packageType: c.key, ...inputs });
      const state = (v: string) => stateOf(c.key, c.name, v)!;

      it(`promotes one version through its own PATCH, with the view id; feedUrl is ${c.key}'s client endpoint`, async () => {
        const r = await run({ action: 'promote', packages: `${c.selector}@${c.one}`, view: '@Release' });
        ok(r);
        assert.ok(state(c.one).views.includes('Release'));
        const sent = calls();
        assert.equal(sent.length, 1, JSON.stringify(sent));
        assert.deepEqual({ ...sent[0], body: undefined }, { method: 'PATCH', path: c.versionPath(c.one), apiVersion: c.api, body: undefined });
        const body = sent[0].body as { views: { op: string; path: string; value: string } };
        assert.deepEqual(Object.keys(body), ['views']);
        assert.equal(body.views.op, 'add');
        assert.equal(body.views.path, '/views/-');
        assert.match(body.views.value, /^[0-9a-f-]{36}$/, 'the view goes by id');
        assert.deepEqual(rowsOf(r), [[c.name, c.one, 'changed']]);
        assert.deepEqual(r.rows[0].before!.views, ['Local']);
        assert.deepEqual(r.rows[0].after!.views.sort(), ['Local', 'Release']);
        assert.equal(r.variables.changedCount, '1');
        assert.equal(r.variables.feedUrl, c.feedUrl(urls()));
        assert.ok(changing(h.emu.log).every((x) => x.host === 'pkgs'));
      });

      it(`promotes a ${c.key} range (${c.range}) with one packagesbatch request`, async () => {
        const r = await run({ action: 'promote', packages: c.selector, version: c.range, view: 'Release' });
        ok(r);
        const data = (calls()[0]?.body as { data: Record<string, unknown> } | undefined)?.data;
        assert.deepEqual(calls(), [{ method: 'POST', path: c.batchPath, apiVersion: c.api, body: batchBody('promote', c.inRange.map(c.item), data) }]);
        assert.deepEqual(Object.keys(data!), ['viewId']);
        assert.match(String(data!.viewId), /^[0-9a-f-]{36}$/);
        assert.deepEqual(rowsOf(r), c.inRange.map((v) => [c.name, v, 'changed']));
        for (const v of c.inRange) assert.ok(state(v).views.includes('Release'), v);
        assert.equal(r.variables.changedCount, String(c.inRange.length));
      });

      it('deletes one version with its own DELETE, then several with the batch', async () => {
        let r = await run({ action: 'delete', packages: `${c.selector}@${c.one}` });
        ok(r);
        assert.deepEqual(calls(), [{ method: 'DELETE', path: c.versionPath(c.one), apiVersion: c.api }]);
        assert.ok(state(c.one).deleted);
        assert.deepEqual(rowsOf(r), [[c.name, c.one, 'changed']]);
        assert.deepEqual([r.rows[0].before!.deleted, r.rows[0].after!.deleted], [false, true]);

        h.emu.clearLog();
        r = await run({ action: 'delete', packages: c.selector, version: '*' });
        ok(r);
        const rest = c.live.filter((v) => v !== c.one);
        assert.deepEqual(calls(), [{ method: 'POST', path: c.batchPath, apiVersion: c.api, body: batchBody(c.deleteOperation, rest.map(c.item)) }]);
        for (const v of c.live) assert.ok(state(v).deleted, v);
        assert.deepEqual(rowsOf(r), rest.map((v) => [c.name, v, 'changed']));
      });

      it('an exact version already in the recycle bin is unchanged by delete', async () => {
        const r = await run({ action: 'delete', packages: `${c.selector}@${c.deleted}` });
        ok(r);
        assert.equal(changing(h.emu.log).length, 0);
        assert.deepEqual(rowsOf(r), [[c.name, c.deleted, 'unchanged']]);
      });

      it('restores one version with the recycle bin PATCH {"deleted":false}, then several with restoreToFeed', async () => {
        h.emu.publish('internal', c.key, c.name, { version: c.alsoDeleted, deleted: true });
        let r = await run({ action: 'restore', packages: `${c.selector}@${c.deleted}` });
        ok(r);
        assert.deepEqual(calls(), [{ method: 'PATCH', path: c.recycleBinPath(c.deleted), apiVersion: c.api, body: { deleted: false } }]);
        assert.ok(!state(c.deleted).deleted);
        assert.deepEqual([r.rows[0].before!.deleted, r.rows[0].after!.deleted], [true, false]);

        await run({ action: 'delete', packages: `${c.selector}@${c.one}` });
        h.emu.clearLog();
        r = await run({ action: 'restore', packages: c.selector, version: '*' });
        ok(r);
        const both = [c.alsoDeleted, c.one];
        assert.deepEqual(calls(), [{ method: 'POST', path: c.recycleBinBatchPath, apiVersion: c.api, body: batchBody('restoreToFeed', both.map(c.item)) }]);
        for (const v of both) assert.ok(!state(v).deleted, v);
        assert.deepEqual(rowsOf(r), both.map((v) => [c.name, v, 'changed']));
      });

      it('deletes for good one version with the recycle bin DELETE, then several with permanentDelete', async () => {
        h.emu.publish('internal', c.key, c.name, { version: c.alsoDeleted, deleted: true });
        let r = await run({ action: 'permanentDelete', packages: `${c.selector}@${c.deleted}` });
        ok(r);
        assert.deepEqual(calls(), [{ method: 'DELETE', path: c.recycleBinPath(c.deleted), apiVersion: c.api }]);
        assert.ok(!state(c.deleted) || state(c.deleted).permanentlyDeleted);
        assert.deepEqual(r.rows.map((x) => [x.version, x.after, x.outcome]), [[c.deleted, null, 'changed']]);

        await run({ action: 'delete', packages: `${c.selector}@${c.one}` });
        h.emu.clearLog();
        r = await run({ action: 'permanentDelete', packages: c.selector, version: '*' });
        ok(r);
        const both = [c.alsoDeleted, c.one];
        assert.deepEqual(calls(), [{ method: 'POST', path: c.recycleBinBatchPath, apiVersion: c.api, body: batchBody('permanentDelete', both.map(c.item)) }]);
        for (const v of both) assert.ok(!state(v) || state(v).permanentlyDeleted, v);
        assert.deepEqual(r.rows.map((x) => [x.version, x.after, x.outcome]), both.map((v) => [v, null, 'changed']));
      });

      it('shows the live versions in the protocol\'s order and changes nothing', async () => {
        const r = await run({ action: 'show', packages: c.selector, version: c.range });
        ok(r);
        assert.equal(changing(h.emu.log).length, 0);
        assert.deepEqual(rowsOf(r), c.inRange.map((v) => [c.name, v, 'unchanged']));
        assert.ok(r.rows.every((x) => x.before!.deleted === false));
        // A listed flag only where the protocol has one (Cargo here), a deprecation message only on npm.
        if (c.key !== 'cargo') assert.ok(r.rows.every((x) => x.before!.listed === null), 'listed is null');
        if (c.key !== 'npm') assert.ok(r.rows.every((x) => x.before!.deprecated === null), 'deprecated is null');
        assert.equal(r.variables.changedCount, '0');
        assert.equal(r.variables.feedUrl, c.feedUrl(urls()));
      });
    });
  }

  describe('engine protocols: npm specifics', () => {
    const run = (inputs: Record<string, string>) => runTask(h.emu, { feed, packageType: 'npm', ...inputs });
    const state = (name: string, v: string) => stateOf('npm', name, v)!;

    it('an unscoped name goes by npm/{name}/versions/{v}', async () => {
      const r = await run({ action: 'promote', packages: 'left-pad@1.1.0', view: 'Prerelease' });
      ok(r);
      assert.deepEqual(calls().map((x) => [x.method, x.path, x.apiVersion]), [['PATCH', 'npm/left-pad/versions/1.1.0', '7.1']]);
      assert.ok(state('left-pad', '1.1.0').views.includes('Prerelease'));
      h.emu.clearLog();
      const d = await run({ action: 'delete', packages: 'left-pad', version: '*' });
      ok(d);
      assert.deepEqual(calls(), [{ method: 'POST', path: 'npm/packagesbatch', apiVersion: '7.1', body: batchBody('unpublish', [{ id: 'left-pad', version: '1.0.0' }, { id: 'left-pad', version: '1.1.0' }]) }]);
    });

    it('deprecates one version: reads the message from the version GET, then PATCH {deprecateMessage}', async () => {
      const r = await run({ action: 'deprecate', packages: '@contoso/widgets@1.0.0', deprecateMessage: 'use 2.0.0' });
      ok(r);
      assert.deepEqual(allCalls(), [
        { method: 'GET', path: 'npm/@contoso/widgets/versions/1.0.0', apiVersion: '7.1' },
        { method: 'PATCH', path: 'npm/@contoso/widgets/versions/1.0.0', apiVersion: '7.1', body: { deprecateMessage: 'use 2.0.0' } },
        { method: 'GET', path: 'npm/@contoso/widgets/versions/1.0.0', apiVersion: '7.1' },
      ]);
      assert.equal(state('@contoso/widgets', '1.0.0').deprecated, 'use 2.0.0');
      assert.deepEqual([r.rows[0].before!.deprecated, r.rows[0].after!.deprecated, r.rows[0].outcome], [null, 'use 2.0.0', 'changed']);
    });

    it('every npm action reports the deprecation message, read from the version GET (which answers for unpublished versions too)', async () => {
      const p = await run({ action: 'promote', packages: '@contoso/widgets@1.2.0', view: 'Release' });
      ok(p);
      assert.deepEqual([p.rows[0].before!.deprecated, p.rows[0].after!.deprecated], ['use 1.4.0', 'use 1.4.0']);
      const d = await run({ action: 'delete', packages: '@contoso/widgets@1.2.0' });
      ok(d);
      assert.deepEqual([d.rows[0].before!.deprecated, d.rows[0].after!.deleted], ['use 1.4.0', true]);
      h.emu.clearLog();
      const r = await run({ action: 'restore', packages: '@contoso/widgets@1.2.0' });
      ok(r);
      assert.ok(allCalls().some((x) => x.method === 'GET' && x.path === 'npm/@contoso/widgets/versions/1.2.0'));
      assert.equal(r.rows[0].before!.deprecated, 'use 1.4.0');
      assert.equal(r.rows[0].after!.deprecated, 'use 1.4.0');
    });

    it('undeprecates one version with PATCH {deprecateMessage:""}', async () => {
      const r = await run({ action: 'undeprecate', packages: '@contoso/widgets@1.2.0' });
      ok(r);
      const writes = calls().filter((x) => x.method !== 'GET');
      assert.deepEqual(writes, [{ method: 'PATCH', path: 'npm/@contoso/widgets/versions/1.2.0', apiVersion: '7.1', body: { deprecateMessage: '' } }]);
      assert.equal(state('@contoso/widgets', '1.2.0').deprecated, null);
      assert.deepEqual([r.rows[0].before!.deprecated, r.rows[0].after!.deprecated], ['use 1.4.0', null]);
    });

    it('deprecates several with the batch {message}; a version with that message already is unchanged', async () => {
      const r = await run({ action: 'deprecate', packages: '@contoso/widgets', version: '>=1.0.0 <1.4.0', deprecateMessage: 'use 1.4.0' });
      ok(r);
      const writes = calls().filter((x) => x.method !== 'GET');
      assert.deepEqual(writes, [{
        method: 'POST', path: 'npm/packagesbatch', apiVersion: '7.1',
        body: batchBody('deprecate', [{ id: '@contoso/widgets', version: '1.0.0' }, { id: '@contoso/widgets', version: '1.3.0-beta.1' }], { message: 'use 1.4.0' }),
      }]);
      assert.deepEqual(rowsOf(r).map((x) => x.slice(1)), [['1.0.0', 'changed'], ['1.2.0', 'unchanged'], ['1.3.0-beta.1', 'changed']]);
      for (const v of ['1.0.0', '1.2.0', '1.3.0-beta.1']) assert.equal(state('@contoso/widgets', v).deprecated, 'use 1.4.0');
      assert.equal(state('@contoso/widgets', '1.4.0').deprecated, null);
    });

    it('undeprecates several with the batch and an empty message', async () => {
      await run({ action: 'deprecate', packages: '@contoso/widgets@2.0.0', deprecateMessage: 'broken' });
      h.emu.clearLog();
      const r = await run({ action: 'undeprecate', packages: '@contoso/widgets', version: '*' });
      ok(r);
      const writes = calls().filter((x) => x.method !== 'GET');
      assert.deepEqual(writes, [{
        method: 'POST', path: 'npm/packagesbatch', apiVersion: '7.1',
        body: batchBody('deprecate', [{ id: '@contoso/widgets', version: '1.2.0' }, { id: '@contoso/widgets', version: '2.0.0' }], { message: '' }),
      }]);
      assert.ok(h.emu.versions('internal', 'npm', '@contoso/widgets').every((x) => x.deprecated === null));
    });

    it('a deprecate batch whose answer was lost is read back from the version GETs, not resent', async () => {
      h.emu.fault({ match: { method: 'POST' }, status: 503, afterApply: true, count: 1 });
      const r = await run({ action: 'deprecate', packages: 'left-pad', version: '*', deprecateMessage: 'use pad-left' });
      ok(r);
      assert.equal(h.emu.log.filter((x) => x.method === 'POST').length, 1, 'the batch was not sent again');
      assert.deepEqual(rowsOf(r).map((x) => x[2]), ['changed', 'changed']);
      assert.ok(h.emu.versions('internal', 'npm', 'left-pad').every((x) => x.deprecated === 'use pad-left'));
    });

    it('deprecate without a message fails before any request', async () => {
      const r = await run({ action: 'deprecate', packages: '@contoso/widgets@1.0.0', deprecateMessage: '  ' });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, /deprecateMessage/);
      assert.equal(h.emu.log.length, 0);
    });

    it('show reads each version\'s deprecation message from its own GET', async () => {
      const r = await run({ action: 'show', packages: '@contoso/widgets', version: '1.x', prerelease: 'exclude' });
      ok(r);
      assert.deepEqual(r.rows.map((x) => [x.version, x.before!.deprecated]), [['1.0.0', null], ['1.2.0', 'use 1.4.0'], ['1.4.0', null]]);
      assert.deepEqual(allCalls().map((x) => `${x.method} ${x.path} ${x.apiVersion}`).sort(), ['1.0.0', '1.2.0', '1.4.0'].map((v) => `GET npm/@contoso/widgets/versions/${v} 7.1`));
    });

    it('downloads scoped and unscoped .tgz files through the blob redirect, without the token there', async () => {
      const dir = runFolder('npm');
      const r = await run({ action: 'download', packages: '@contoso/widgets@1.4.0\nleft-pad@1.0.0', downloadDirectory: dir });
      ok(r);
      const files = [path.join(dir, 'contoso-widgets-1.4.0.tgz'), path.join(dir, 'left-pad-1.0.0.tgz')];
      assert.deepEqual(r.variables.downloadedFiles.split('\n').sort(), [...files].sort());
      for (const f of files) assert.ok(fs.statSync(f).size > 0, f);
      assert.equal(fs.readFileSync(files[1], 'utf8'), 'left-pad 1.0.0 tarball');
      assert.deepEqual(r.rows.map((x) => x.outcome), ['downloaded', 'downloaded']);
      assert.deepEqual(calls().map((x) => `${x.method} ${x.path} ${x.apiVersion}`).sort(), [
        'GET npm/packages/@contoso/widgets/versions/1.4.0/content 7.1',
        'GET npm/packages/left-pad/versions/1.0.0/content 7.1',
      ]);
      const blob = h.emu.log.filter((x) => x.host === 'blob');
      assert.equal(blob.length, 2);
      assertTokenOnlyToTrustedHosts(h.emu.log);
      assert.equal(r.variables.changedCount, '0');
    });

    it('a file of that name is replaced', async () => {
      const dir = runFolder('npm');
      fs.writeFileSync(path.join(dir, 'left-pad-1.0.0.tgz'), 'stale bytes that are longer than the package');
      const r = await run({ action: 'download', packages: 'left-pad@1.0.0', downloadDirectory: dir });
      ok(r);
      assert.equal(fs.readFileSync(path.join(dir, 'left-pad-1.0.0.tgz'), 'utf8'), 'left-pad 1.0.0 tarball');
    });
  });

  describe('engine protocols: Cargo specifics', () => {
    const run = (inputs: Record<string, string>) => runTask(h.emu, { feed, packageType: 'cargo', ...inputs });
    const state = (v: string) => stateOf('cargo', 'my_crate', v)!;

    it('unlists one version with the batch yank {listed:false}: Cargo has no single-version yank', async () => {
      const r = await run({ action: 'unlist', packages: 'my-crate@1.0.0' });
      ok(r);
      assert.deepEqual(calls(), [{ method: 'POST', path: 'cargo/packagesbatch', apiVersion: '7.2-preview.1', body: { operation: 'yank', data: { listed: false }, packages: [{ id: 'my_crate', version: '1.0.0' }] } }]);
      assert.equal(state('1.0.0').listed, false);
      assert.deepEqual([r.rows[0].before!.listed, r.rows[0].after!.listed, r.rows[0].outcome], [true, false, 'changed']);
    });

    it('relists one version with yank {listed:true}', async () => {
      const r = await run({ action: 'relist', packages: 'MY_CRATE@1.2.0' });
      ok(r);
      assert.deepEqual(calls(), [{ method: 'POST', path: 'cargo/packagesbatch', apiVersion: '7.2-preview.1', body: { operation: 'yank', data: { listed: true }, packages: [{ id: 'my_crate', version: '1.2.0' }] } }]);
      assert.equal(state('1.2.0').listed, true);
    });

    it('unlists a range in one batch; a version already unlisted is unchanged', async () => {
      const r = await run({ action: 'unlist', packages: 'my-crate', version: '>=1.0, <2.0' });
      ok(r);
      assert.deepEqual(calls(), [{
        method: 'POST', path: 'cargo/packagesbatch', apiVersion: '7.2-preview.1',
        body: batchBody('yank', [{ id: 'my_crate', version: '1.0.0' }, { id: 'my_crate', version: '1.1.0' }], { listed: false }),
      }]);
      assert.deepEqual(rowsOf(r).map((x) => x.slice(1)), [['1.0.0', 'changed'], ['1.1.0', 'changed'], ['1.2.0', 'unchanged']]);
      assert.equal(state('2.0.0').listed, true);
    });

    it('show reports listed true or false', async () => {
      const r = await run({ action: 'show', packages: 'my_crate', version: '*' });
      ok(r);
      assert.deepEqual(r.rows.map((x) => [x.version, x.before!.listed]), [['1.0.0', true], ['1.1.0', true], ['1.2.0', false], ['2.0.0', true]]);
    });
  });

  describe('engine protocols: names and selectors', () => {
    it('PyPI names compare by PEP 503: My.Package, MY-PACKAGE and my__package are My-Package', async () => {
      for (const name of ['My.Package', 'MY-PACKAGE', 'my__package']) {
        const r = await runTask(h.emu, { action: 'show', feed, packageType: 'pypi', packages: `${name}@1.5` });
        ok(r);
        assert.deepEqual(rowsOf(r), [['My-Package', '1.5', 'unchanged']]);
      }
    });

    it('a glob compares names as the server does: PyPI my_* finds My-Package, Cargo my-* finds my_crate', async () => {
      const py = await runTask(h.emu, { action: 'show', feed, packageType: 'pypi', packages: 'my_*@latest' });
      ok(py);
      assert.deepEqual(rowsOf(py), [['My-Package', '2.0', 'unchanged']]);
      const cargo = await runTask(h.emu, { action: 'show', feed, packageType: 'cargo', packages: 'MY-*@latest' });
      ok(cargo);
      assert.deepEqual(rowsOf(cargo), [['my_crate', '2.0.0', 'unchanged']]);
    });

    it('a glob finds packages of the protocol only', async () => {
      const r = await runTask(h.emu, { action: 'show', feed, packageType: 'npm', packages: '@contoso/*', version: 'latest' });
      ok(r);
      assert.deepEqual(rowsOf(r), [['@contoso/widgets', '2.0.0', 'unchanged']]);
      for (const glob of ['com.contoso:*', '*', 'com.*']) {
        const m = await runTask(h.emu, { action: 'show', feed, packageType: 'maven', packages: `${glob}@latest` });
        ok(m);
        assert.deepEqual(rowsOf(m), [['com.contoso:core', '2.1', 'unchanged']], glob);
      }
    });

    it('a version range on the selector line, in each protocol\'s syntax (commas stay in the line)', async () => {
      const lines: [ProtocolKey, string, string[]][] = [
        ['npm', '@contoso/widgets@^1.2', ['1.2.0', '1.3.0-beta.1', '1.4.0']],
        ['pypi', 'my_package@>=1.0,<2', ['1.0', '1.5']],
        ['maven', 'com.contoso:core@[1.0,2.0)', ['1.0', '1.5']],
        ['upack', 'contoso-tools@^1.0.0', ['1.0.0', '1.1.0']],
        ['cargo', 'my-crate@>=1.0, <2.0', ['1.0.0', '1.1.0', '1.2.0']],
      ];
      for (const [packageType, packages, versions] of lines) {
        const r = await runTask(h.emu, { action: 'show', feed, packageType, packages });
        ok(r);
        assert.deepEqual(r.rows.map((x) => x.version), versions, packages);
      }
    });

    it('a Maven selector without groupId:artifactId names its line and sends nothing', async () => {
      const r = await runTask(h.emu, { action: 'show', feed, packageType: 'maven', packages: 'com.contoso:core@1.0\ncore@1.0' });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, /line 2/);
      assert.match(r.result!.message, /groupId:artifactId/);
      assert.equal(h.emu.log.length, 0);
    });

    it('a range in another protocol\'s syntax is a bad selector, before any request', async () => {
      const r = await runTask(h.emu, { action: 'show', feed, packageType: 'pypi', packages: 'my_package', version: '[1.0,2.0)' });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, /line 1/);
      assert.equal(h.emu.log.length, 0);
    });
  });

  describe('engine protocols: combinations outside the contract\'s table', () => {
    const outside: [string, ProtocolKey][] = [
      ...(['npm', 'pypi', 'maven', 'upack'] as ProtocolKey[]).flatMap((p) => [['unlist', p], ['relist', p]] as [string, ProtocolKey][]),
      ...(['nuget', 'pypi', 'maven', 'upack', 'cargo'] as ProtocolKey[]).flatMap((p) => [['deprecate', p], ['undeprecate', p]] as [string, ProtocolKey][]),
      ...(['pypi', 'maven', 'upack', 'cargo'] as ProtocolKey[]).map((p) => ['download', p] as [string, ProtocolKey]),
    ];
    const display: Record<ProtocolKey, string> = { nuget: 'NuGet', npm: 'npm', pypi: 'PyPI', maven: 'Maven', upack: 'Universal', cargo: 'Cargo' };
    const names: Record<ProtocolKey, string> = { nuget: 'Contoso.Core', npm: '@contoso/widgets', pypi: 'my_package', maven: 'com.contoso:core', upack: 'contoso-tools', cargo: 'my-crate' };

    it(`fail with a clear message before any request (${outside.length} combinations)`, async () => {
      const runs = await Promise.all(outside.map(([action, p]) =>
        runTask(h.emu, { action, feed, packageType: p, packages: `${names[p]}@1.0.0`, deprecateMessage: 'old', view: 'Release' })));
      outside.forEach(([action, p], i) => {
        const r = runs[i];
        assert.equal(r.result?.status, 'Failed', `${action} ${p}`);
        assert.match(r.result!.message, new RegExp(`'${action}' is not available for ${display[p]} packages; they support: .*promote.*show`), `${action} ${p}: ${r.result!.message}`);
        assert.equal(r.variables.changedCount, '0');
      });
      assert.equal(h.emu.log.length, 0, JSON.stringify(h.emu.log.map((x) => x.path)));
    });
  });
});

describe('engine protocols: on premises', function () {
  this.timeout(60_000);
  const h = useEmulator(protocolFixture, { mode: 'onprem' });
  const calls = () => protocolCalls(h.emu.log, '/tfs/DefaultCollection', 'collection').filter((x) => x.method !== 'GET' || x.path.endsWith('/content'));

  it('npm works there: scoped PATCH with 7.1, feedUrl on the collection', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packageType: 'npm', packages: '@contoso/widgets@1.0.0', view: 'Release' });
    ok(r);
    assert.deepEqual(calls().map((x) => [x.method, x.path, x.apiVersion]), [['PATCH', 'npm/@contoso/widgets/versions/1.0.0', '7.1']]);
    assert.ok(h.emu.log.every((x) => x.host === 'collection'));
    assert.equal(r.variables.feedUrl, `${h.emu.urls.collection}/Fabrikam/_packaging/internal/npm/registry/`);
    assert.ok(h.emu.versions('internal', 'npm', '@contoso/widgets').find((x) => x.version === '1.0.0')!.views.includes('Release'));
  });

  it('npm deprecate and batch delete work there', async () => {
    let r = await runTask(h.emu, { action: 'deprecate', feed, packageType: 'npm', packages: '@contoso/widgets@1.0.0', deprecateMessage: 'old' });
    ok(r);
    h.emu.clearLog();
    r = await runTask(h.emu, { action: 'delete', feed, packageType: 'npm', packages: 'left-pad', version: '*' });
    ok(r);
    assert.deepEqual(calls().map((x) => [x.method, x.path, x.apiVersion, (x.body as { operation: string }).operation]), [['POST', 'npm/packagesbatch', '7.1', 'unpublish']]);
  });

  it('Maven works there: batch with {group, artifact, version} and 7.1-preview.1', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packageType: 'maven', packages: 'com.contoso:core', version: '[1.0,2.0)', view: 'Release' });
    ok(r);
    const sent = calls();
    assert.deepEqual(sent.map((x) => [x.method, x.path, x.apiVersion]), [['POST', 'maven/packagesbatch', '7.1-preview.1']]);
    assert.deepEqual(sent[0].body, batchBody('promote', [{ group: 'com.contoso', artifact: 'core', version: '1.0' }, { group: 'com.contoso', artifact: 'core', version: '1.5' }], (sent[0].body as { data: unknown }).data));
    assert.equal(r.variables.feedUrl, `${h.emu.urls.collection}/Fabrikam/_packaging/internal/maven/v1`);
  });

  it('Maven restore of one version goes by the recycle bin PATCH there', async () => {
    const r = await runTask(h.emu, { action: 'restore', feed, packageType: 'maven', packages: 'com.contoso:core@0.9' });
    ok(r);
    assert.deepEqual(calls(), [{ method: 'PATCH', path: 'maven/RecycleBin/groups/com.contoso/artifacts/core/versions/0.9', apiVersion: '7.1-preview.1', body: { deleted: false } }]);
  });

  for (const [p, name] of [['pypi', 'my_package'], ['upack', 'contoso-tools'], ['cargo', 'my-crate']] as const) {
    it(`${p} fails there before any change`, async () => {
      const r = await runTask(h.emu, { action: 'delete', feed, packageType: p, packages: `${name}@1.0.0` });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, /not available on this Azure DevOps Server/);
      assert.equal(changing(h.emu.log).length, 0);
      assert.equal(h.emu.log.length, 0);
    });
  }
});
