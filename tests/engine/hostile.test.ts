// Hostile servers, hostile data, hostile input, in-process against the emulator: nothing leaks,
// nothing escapes, the report never lies. Every run is checked against the same invariants
// (../helpers/hostile-checks) and then against what the scenario is about.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CRAFTED, CRAFTED_VERSIONS, Fixture, hostileFixture } from '../emulator';
import { changing, useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { assertNoToken, assertSafeRun } from '../helpers/hostile-checks';
import { InProcessOptions, InProcessRun, runFolder, runInProcess } from '../helpers/in-process';
import type { Emulator } from '../emulator';

const feed = 'Fabrikam/internal';
const hostile = 'Fabrikam/hostile';

function fixture(): Fixture {
  const base = nugetFixture();
  const h = hostileFixture();
  return { ...base, feeds: [...base.feeds!, ...h.feeds!] };
}

async function run(emu: Emulator, inputs: Record<string, string>, opts: InProcessOptions = {}): Promise<InProcessRun> {
  const tokens = [opts.token ?? opts.connectionToken ?? emu.tokens.owner];
  const r = await runInProcess(emu, inputs, opts);
  assertSafeRun(r, { tokens, debug: r.debug });
  assert.equal(emu.attackerLog.length, 0, `the attacker's listener was reached: ${JSON.stringify(emu.attackerLog)}`);
  return r;
}

const outcomes = (r: InProcessRun) => r.rows.map((x) => `${x.package}@${x.version}:${x.outcome}`);

describe('engine hostile: crafted text from the feed is data', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);

  it('shows every crafted package name, view and version on one line each, in the table, summary, JSON and messages', async () => {
    const r = await run(h.emu, { action: 'show', feed: hostile, packageType: 'nuget', packages: '*', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const names = new Set(r.rows.map((x) => x.package));
    for (const s of Object.values(CRAFTED)) assert.ok(names.has(s), `row for ${JSON.stringify(s.slice(0, 30))}`);
    for (const v of CRAFTED_VERSIONS) assert.ok(r.rows.some((x) => x.version === v), v);
    // The JSON keeps the data exactly; the log shows it escaped.
    assert.ok(r.rows.some((x) => x.before?.views.includes(CRAFTED.setvariable)));
    assert.match(r.stdout, /before\\nafter/);
    assert.match(r.stdout, /before\\r\\nafter/);
    const table = r.stdout.split('\n').filter((l) => l.startsWith('Hostile.') || l.startsWith('a/b'));
    assert.ok(table.length > 0);
  });

  it('shows crafted npm deprecation messages escaped, and keeps them exact in the result', async () => {
    const r = await run(h.emu, { action: 'show', feed: hostile, packageType: 'npm', packages: 'hostile-*', version: '1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    for (const [k, s] of Object.entries(CRAFTED)) {
      const row = r.rows.find((x) => x.package === `hostile-${k.toLowerCase()}`);
      assert.equal(row?.before?.deprecated, s, k);
    }
  });

  it('promotes crafted packages into a crafted view, and reports every row safely', async () => {
    const r = await run(h.emu, { action: 'promote', feed: hostile, packages: `Hostile.*`, version: '2.0.0', view: CRAFTED.pipe, maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(r.variables.changedCount, String(Object.keys(CRAFTED).length));
    assert.ok(r.rows.every((x) => x.after?.views.includes(CRAFTED.pipe)));
  });

  it('dry-runs a promotion of a crafted version', async () => {
    const r = await run(h.emu, { action: 'promote', feed: hostile, packages: 'Hostile.Versions', version: CRAFTED_VERSIONS[0], view: 'Release', dryRun: 'true' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(outcomes(r), [`Hostile.Versions@${CRAFTED_VERSIONS[0]}:planned`]);
    assert.equal(changing(h.emu.log).length, 0);
  });

  it('promotes packages named by crafted strings one by one, each request under the organization', async () => {
    const promoted: string[] = [];
    for (const [k, s] of Object.entries(CRAFTED)) {
      h.emu.clearLog();
      const r = await run(h.emu, { action: 'promote', feed: hostile, packages: s, version: '1.0.0', view: 'Release' });
      for (const x of h.emu.log) {
        assert.ok(x.path.startsWith('/fabrikam/'), `${k}: ${x.path}`);
        assert.ok(!/\/\.\.?(\/|$)/.test(x.path), `${k}: path syntax in ${x.path}`);
      }
      if (r.result?.status !== 'Succeeded') {
        // A name the selector grammar refuses, or one a line cannot hold, is never sent.
        assert.equal(changing(h.emu.log).length, 0, `${k}: ${r.result?.message}`);
        continue;
      }
      promoted.push(k);
      assert.deepEqual(outcomes(r), [`${s}@1.0.0:changed`], k);
      const sent = changing(h.emu.log).map((x) => decodeURIComponent(x.path.split('/').at(-3)!));
      assert.deepEqual(sent, [s], `${k}: the name is one path segment`);
      assert.ok(h.emu.versions('hostile', 'nuget', s)[0].views.includes('Release'), k);
    }
    assert.ok(promoted.length > 0, 'no crafted name was promoted: the requests were never built');
  });

  it('dry-runs a delete of every crafted name: planned rows, nothing sent, safe output', async () => {
    const r = await run(h.emu, { action: 'delete', feed: hostile, packages: '*', version: '*', dryRun: 'true', maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(changing(h.emu.log).length, 0);
    assert.ok(r.rows.every((x) => x.outcome === 'planned'));
    for (const s of Object.values(CRAFTED)) assert.ok(r.rows.some((x) => x.package === s), `a planned row for ${JSON.stringify(s.slice(0, 30))}`);
  });

  it('changes a package whose listed name holds `/` and `..` only through encoded segments under the organization', async () => {
    const r = await run(h.emu, { action: 'unlist', feed: hostile, packages: 'a*', version: '1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    for (const x of h.emu.log) {
      assert.ok(x.path.startsWith('/fabrikam/') || x.path === '/fabrikam', x.path);
      assert.ok(!/\/\.\.?(\/|$)/.test(x.path), `path syntax in ${x.path}`);
    }
    assert.deepEqual(outcomes(r), ['a/b/../../c@1.0.0:changed', 'a|b|c@1.0.0:changed']);
  });

  it('refuses to download a server-supplied name or version that would leave the download directory', async () => {
    const dir = runFolder('dl');
    const inner = path.join(dir, 'inner');
    const r = await run(h.emu, { action: 'download', feed: hostile, packages: '*', version: '1.0.0', downloadDirectory: inner });
    assert.equal(r.result?.status, 'Failed');
    // Every file written is directly inside the directory; nothing beside or above it.
    assert.deepEqual(fs.readdirSync(dir), ['inner']);
    for (const f of fs.readdirSync(inner)) assert.ok(!f.startsWith('.'), `no temporary file left: ${f}`);
    for (const p of r.variables.downloadedFiles.split('\n').filter(Boolean)) assert.equal(path.dirname(p), inner, p);
    for (const k of ['dotdot', 'dotdotBackslash', 'absolute', 'drive', 'device', 'deviceExt']) {
      const row = r.rows.find((x) => x.package === CRAFTED[k]);
      assert.equal(row?.outcome, 'failed', k);
    }
    assert.ok(r.rows.some((x) => x.outcome === 'downloaded'));
  });

  it('keeps a crafted feed name and crafted view names on one line', async () => {
    h.emu.seed(hostileFixture({ feed: CRAFTED.setvariable }));
    const r = await run(h.emu, { action: 'show', feed: `Fabrikam/${CRAFTED.setvariable}`, packages: 'Hostile.cr', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.match(r.stdout, /#\\#vso\[/);
  });
});

describe('engine hostile: crafted error bodies and input', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);

  for (const [k, s] of Object.entries(CRAFTED)) {
    it(`a 400 whose message is ${k} fails on one safe line`, async () => {
      h.emu.fault({ match: { route: 'packages.list' }, status: 400, message: `refused: ${s}` });
      const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
      assert.equal(r.result?.status, 'Failed');
      assert.equal(changing(h.emu.log).length, 0);
    });
  }

  it('a crafted non-JSON 500 body, retried to exhaustion, fails on one safe line', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, status: 500, count: 10, body: `oops\r\n##vso[task.setvariable variable=changedCount]999\n##[error]x`, contentType: 'text/plain' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /kept failing after 5 attempts: 500 /);
  });

  it('a 2xx answer with a crafted non-JSON body is refused on one safe line', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, status: 200, body: `<html>\n##vso[task.complete result=Succeeded]\n</html>`, contentType: 'application/json' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
  });

  const inputs: [string, Record<string, string>][] = [
    ['a selector with a command', { packages: `Contoso.Core@1.0.0 ##vso[task.setvariable variable=changedCount]999` }],
    ['a selector with a formatting command', { packages: `Contoso.Core@1.0 ##[error]x` }],
    ['a version input with LF', { packages: 'Contoso.Core', version: `1.0.0\n##vso[task.complete result=Succeeded]` }],
    ['a version that matches nothing with a command', { packages: 'Contoso.Core', version: `9.9.9-##vso.x` }],
    ['a name that matches nothing', { packages: `Contoso.##vso[x]`, version: '1.0.0' }],
    ['a view with LF', { packages: 'Contoso.Core', version: '1.0.0', action: 'promote', view: `Rel\nease##[error]x` }],
    ['a feed `../x`', { feed: '../x', packages: 'Contoso.Core', version: '1.0.0' }],
    ['a feed `Fabrikam/..`', { feed: 'Fabrikam/..', packages: 'Contoso.Core', version: '1.0.0' }],
    ['a feed `../../x/y`', { feed: '../../x/y', packages: 'Contoso.Core', version: '1.0.0' }],
    ['a feed `..\\x`', { feed: '..\\x', packages: 'Contoso.Core', version: '1.0.0' }],
    ['a feed `%2e%2e`', { feed: '%2e%2e', packages: 'Contoso.Core', version: '1.0.0' }],
    ['a feed with LF and a command', { feed: `internal\n##vso[task.complete result=Succeeded]`, packages: 'Contoso.Core', version: '1.0.0' }],
    ['a package `..`', { packages: '..', version: '1.0.0' }],
    ['an action with a command', { action: `##vso[task.complete]x`, packages: 'Contoso.Core', version: '1.0.0' }],
    ['a number with LF', { packages: 'Contoso.Core', version: '1.0.0', keepLatest: `1\n##[error]x` }],
    ['a boolean with CR', { packages: 'Contoso.Core', version: '1.0.0', dryRun: `true\r##vso[x]` }],
  ];
  for (const [what, extra] of inputs) {
    it(`hostile input: ${what} fails or runs without escaping, on one safe line`, async () => {
      const r = await run(h.emu, { action: 'unlist', feed, ...extra });
      assert.notEqual(r.result?.status, 'Succeeded', r.stdout);
      assert.equal(changing(h.emu.log).length, 0);
      for (const x of h.emu.log) assert.ok(x.path.startsWith('/fabrikam/'), x.path);
    });
  }

  it('a selector line after a line break that holds a command is a comment: only the first line is used', async () => {
    const r = await run(h.emu, { action: 'unlist', feed, packages: `Contoso.Core@1.0.0\r##vso[task.setvariable variable=changedCount]999\n##[error]x` });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(outcomes(r), ['Contoso.Core@1.0.0:changed']);
  });

  it('a feed `../x` sends no request at all', async () => {
    const r = await run(h.emu, { action: 'unlist', feed: '../x', packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.equal(h.emu.log.length, 0);
  });
});

describe('engine hostile: the token', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);

  it('an error body echoing the Bearer token is reported without it', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, echoAuthorization: true });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.ok(h.emu.log.some((x) => x.fault?.includes('echo')));
  });

  it('an error body echoing a personal access token (Basic) is reported without it, raw or base64', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, status: 400, message: 'bad: {{authorization}} / raw owner-token / b64 ' + Buffer.from('x:owner-token').toString('base64') });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' }, { connectionToken: 'owner-token' });
    assert.equal(r.result?.status, 'Failed');
    assert.ok(h.emu.log.some((x) => x.fault));
  });

  it('retried 500s and 429s echoing the token leave it out of the debug lines', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, status: 503, count: 2, message: 'busy {{authorization}}' });
    h.emu.fault({ match: { route: 'nuget.version.patch' }, status: 429, count: 1, message: 'slow down {{authorization}}' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' }, { connectionToken: 'owner-token' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(r.debug.some((l) => /retry/.test(l)));
  });

  it('a lost answer echoing the token is reported without it', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, status: 500, count: 10, message: '{{authorization}}' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
  });

  it('a 2xx listing whose names carry the Authorization header does not print the token', async () => {
    const body = { count: 1, value: [{ id: '00000000-0000-4000-8000-0000000000aa', name: 'Leak.{{authorization}}', normalizedName: 'leak', protocolType: 'NuGet', versions: [{ id: '00000000-0000-4000-8000-0000000000ab', version: '1.0.0 {{authorization}}', normalizedVersion: '1.0.0', isListed: true, isDeleted: false, views: [{ id: 'v', name: 'View {{authorization}}', type: 'release' }], publishDate: '2020-01-01T00:00:00Z' }] }] };
    h.emu.fault({ match: { route: 'packages.list' }, status: 200, body, count: 5 });
    await run(h.emu, { action: 'show', feed, packages: '*', version: '*' });
    await run(h.emu, { action: 'show', feed, packages: '*', version: '*' }, { connectionToken: 'owner-token' });
  });

  it('a redirect on an API call is not followed, with or without the token', async () => {
    for (const status of [301, 302, 303, 307, 308]) {
      h.emu.clearLog();
      h.emu.fault({ match: { route: 'packages.list' }, status, redirect: 'attacker' });
      const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
      assert.equal(r.result?.status, 'Failed', String(status));
      assert.equal(changing(h.emu.log).length, 0);
    }
  });

  it('a redirect on a change is not followed', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, status: 307, redirect: 'attacker' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.equal(r.rows[0].outcome, 'failed');
  });

  it('a redirect of the location service is not followed', async () => {
    for (const route of ['location.resourceAreas', 'location.options', 'location.resourceArea']) h.emu.fault({ match: { route }, status: 302, redirect: 'attacker' });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    assert.deepEqual(h.emu.attackerLog, []);
    assert.ok(h.emu.log.every((x) => x.route?.startsWith('location.')), 'nothing past the location service');
  });

  it('package content redirected to the attacker is fetched without the token', async () => {
    h.emu.fault({ match: { route: 'nuget.content' }, status: 303, redirect: 'attacker' });
    const dir = runFolder('dl');
    const r = await runInProcess(h.emu, { action: 'download', feed, packages: 'Contoso.Core', version: '1.0.0', downloadDirectory: dir });
    assertSafeRun(r, { tokens: [h.emu.tokens.owner], debug: r.debug });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.equal(h.emu.attackerLog.length, 1, 'the content was fetched from the redirect target');
    for (const a of h.emu.attackerLog) assert.equal(a.auth, null, 'no token to a redirect target');
    for (const x of h.emu.log) if (x.host === 'blob') assert.equal(x.auth, null);
  });

  it('URLs a listing carries (a foreign host among them) are never requested, with or without the token', async () => {
    // A server that sends the links although includeUrls=false asks it not to; all of them name the attacker.
    const foreign = `${h.emu.urls.attacker}/fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core`;
    const links = (href: string) => ({ url: href, _links: { self: { href }, content: { href: `${href}/content` } } });
    const version = { id: '00000000-0000-4000-8000-0000000000cb', version: '1.0.0', normalizedVersion: '1.0.0', isListed: true, isDeleted: false, views: [], publishDate: '2020-01-01T00:00:00Z', ...links(`${foreign}/versions/1.0.0`) };
    const body = { count: 1, value: [{ id: '00000000-0000-4000-8000-0000000000ca', name: 'Contoso.Core', normalizedName: 'contoso.core', protocolType: 'NuGet', ...links(foreign), versions: [version] }] };
    h.emu.fault({ match: { route: 'packages.list' }, status: 200, body, count: 5 });
    const r = await run(h.emu, { action: 'download', feed, packages: 'Contoso.Core@1.0.0', downloadDirectory: runFolder('dl') });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.ok(h.emu.log.some((x) => x.route === 'packages.list' && x.fault), 'the listing carried the foreign links');
    assert.deepEqual(h.emu.attackerLog, []);
  });
});

describe('engine hostile: the report never claims more than is known', function () {
  this.timeout(60_000);
  const big = (): Fixture => {
    const f = nugetFixture();
    return f;
  };
  const h = useEmulator(big);
  const generate = () => h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 1, versionsEach: 250, prefix: 'Many' });
  /** The versions the emulator holds unlisted, to compare with what the report says changed. */
  const unlisted = (name: string) => h.emu.versions('internal', 'nuget', name).filter((v) => !v.listed).map((v) => v.version).sort();
  const versionsOf = (rows: InProcessRun['rows']) => rows.map((x) => x.version).sort();

  it('401 after the first of three batches: 100 changed (unverified), 150 failed with after == before', async () => {
    generate();
    h.emu.fault({ match: { route: 'nuget.batch' }, skip: 1, identity: 'revoked' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Many.*', version: '*', maxVersions: '0' });
    assert.equal(r.result?.status, 'Failed');
    const changed = r.rows.filter((x) => x.outcome === 'changed');
    const failed = r.rows.filter((x) => x.outcome === 'failed');
    assert.equal(changed.length, 100);
    assert.equal(failed.length, 150);
    assert.equal(r.variables.changedCount, '100');
    assert.deepEqual(unlisted('Many.0'), versionsOf(changed), 'what the report calls changed is what the server changed');
    for (const x of failed) assert.deepEqual(x.after, x.before, `${x.version}: never sent, after == before`);
    assert.ok(r.errors.some((e) => /100 version\(s\).*unverified/.test(e)), `the failure says the change is unverified: ${r.errors.join('\n')}`);
    assert.ok(r.errors.some((e) => /150 version\(s\) were not sent/.test(e)), r.errors.join('\n'));
    assert.match(r.result!.message, /401/);
  });

  it('403 mid-run names the identity and the role, and reads back what it can', async () => {
    generate();
    h.emu.fault({ match: { route: 'nuget.batch' }, skip: 1, identity: 'reader' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Many.*', version: '*', maxVersions: '0' });
    assert.equal(r.result?.status, 'Failed');
    assert.equal(r.rows.filter((x) => x.outcome === 'changed').length, 100);
    assert.equal(r.rows.filter((x) => x.outcome === 'failed').length, 150);
    assert.deepEqual(unlisted('Many.0'), versionsOf(r.rows.filter((x) => x.outcome === 'changed')));
    assert.match(r.result!.message, /Feed Publisher \(Contributor\)/);
    assert.match(r.result!.message, /the server says Fabrikam Feed Owner lacks it/);
  });

  it('a lost answer during a batch is read back: what arrived is changed, the rest resent', async () => {
    generate();
    h.emu.fault({ match: { route: 'nuget.batch' }, skip: 1, afterApply: true, drop: true });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Many.*', version: '*', maxVersions: '0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.equal(r.variables.changedCount, '250');
    assert.equal(unlisted('Many.0').length, 250);
    assert.equal(changing(h.emu.log).length, 3, 'the lost batch is not sent again once read back');
  });

  it('a lost answer then a revoked identity: failed with after null (unknown)', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, afterApply: true, drop: true });
    h.emu.fault({ match: { route: 'packages.list' }, skip: 2, identity: 'revoked' });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.equal(r.rows[0].outcome, 'failed');
    assert.equal(r.rows[0].after, null);
    assert.equal(r.variables.changedCount, '0');
  });

  it('a lying 202 on a single change is read back and reported failed', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, lie: true });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.deepEqual(outcomes(r), ['Contoso.Core@1.0.0:failed']);
    assert.equal(r.rows[0].after?.listed, true);
    assert.deepEqual(unlisted('Contoso.Core'), [], 'the lie changed nothing');
    assert.equal(r.variables.changedCount, '0');
  });

  it('a batch that applies only its first items while answering 202 reports the rest failed', async () => {
    const allUnlisted = () => ['Contoso.Core', 'Contoso.Web', 'Contoso.Data'].flatMap((n) => unlisted(n).map((v) => `${n}@${v}`));
    const unlistedBefore = allUnlisted();
    h.emu.fault({ match: { route: 'nuget.batch' }, lie: { applyFirst: 2 } });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.*', version: '*', prerelease: 'exclude' });
    assert.equal(r.result?.status, 'Failed');
    const changed = r.rows.filter((x) => x.outcome === 'changed');
    assert.equal(changed.length, 2);
    assert.equal(r.variables.changedCount, '2');
    const failed = r.rows.filter((y) => y.outcome === 'failed');
    assert.ok(failed.length > 0, 'the rest of the batch is reported failed');
    for (const x of failed) assert.equal(x.after?.listed, true);
    const unlistedByRun = allUnlisted().filter((x) => !unlistedBefore.includes(x)).sort();
    assert.deepEqual(unlistedByRun, changed.map((x) => `${x.package}@${x.version}`).sort(), 'the changed rows are the versions the server changed');
  });

  it('a restore refused with 409 because another actor restored a version first: that version unchanged', async () => {
    const rb = () => h.emu.generate({ feed: 'internal', project: 'Fabrikam', protocol: 'nuget', packages: 1, versionsEach: 3, prefix: 'Gone' });
    rb();
    const del = await run(h.emu, { action: 'delete', feed, packages: 'Gone.*', version: '*' });
    assert.equal(del.result?.status, 'Succeeded', del.stdout);
    h.emu.clearLog();
    h.emu.fault({ match: { route: 'nuget.recycleBin.batch' }, preempt: { versions: ['1.1.0'] } });
    const r = await run(h.emu, { action: 'restore', feed, packages: 'Gone.*', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(outcomes(r), ['Gone.0@1.0.0:changed', 'Gone.0@1.1.0:unchanged', 'Gone.0@1.2.0:changed']);
    assert.equal(r.variables.changedCount, '2');
  });

  it('a single delete refused with 404 because another actor deleted it first: unchanged', async () => {
    h.emu.fault({ match: { route: 'nuget.version.delete' }, preempt: true });
    const r = await run(h.emu, { action: 'delete', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.deepEqual(outcomes(r), ['Contoso.Core@1.0.0:unchanged']);
    assert.equal(r.variables.changedCount, '0');
  });

  it('a promotion another actor made first in a batch: the 202 cannot say who was first, so it counts as changed', async () => {
    h.emu.fault({ match: { route: 'nuget.batch' }, preempt: { versions: ['1.0.0'] } });
    const r = await run(h.emu, { action: 'promote', feed, packages: 'Contoso.Web', version: '*', view: 'Release' });
    // The service answers 202 to the batch: it cannot say who was first, so 1.0.0 counts as changed by this run.
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(r.rows.length, 2);
    assert.ok(h.emu.log.some((x) => x.route === 'nuget.batch' && x.fault), 'the other actor came first');
    assert.deepEqual(outcomes(r), ['Contoso.Web@1.0.0:changed', 'Contoso.Web@2.0.0:changed']);
    for (const v of h.emu.versions('internal', 'nuget', 'Contoso.Web')) assert.ok(v.views.includes('Release'), v.version);
  });

  it('a version omitted from the read-back listing is failed, never changed', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, skip: 1, count: 20, omit: [{ package: 'Contoso.Core', version: '1.0.0' }] });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed', r.stdout);
    assert.equal(r.rows[0].outcome, 'failed');
    assert.equal(r.variables.changedCount, '0');
  });

  it('a version omitted from the selection listing is not found, and nothing is sent', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, count: 20, omit: [{ package: 'Contoso.Core', version: '1.0.0' }] });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.equal(changing(h.emu.log).length, 0);
  });
});

describe('engine hostile: slow, throttled and dropped answers', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  for (const fault of [{ status: 429 }, { status: 503 }, { drop: true }, { status: 500 }]) {
    it(`the location service is retried after ${JSON.stringify(fault)}`, async () => {
      h.emu.fault({ match: { route: 'location.resourceAreas' }, ...fault });
      const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' });
      assert.equal(r.result?.status, 'Succeeded', r.result?.message);
      assert.deepEqual(h.emu.log.filter((x) => x.route === 'location.resourceAreas').map((x) => Boolean(x.fault)), [true, false], 'the fault, then the retry');
    });
  }

  it('the location service is retried after a timeout (a stalled body)', async () => {
    h.emu.fault({ match: { route: 'location.resourceAreas' }, stallBodyMs: 400 });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' }, { timeoutMs: 150 });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.deepEqual(h.emu.log.filter((x) => x.route === 'location.resourceAreas').map((x) => Boolean(x.fault)), [true, false], 'the stalled answer, then the retry');
  });

  it('six 429s with Retry-After: 1 on one batch are waited out within the budget', async () => {
    h.emu.fault({ match: { route: 'nuget.batch' }, status: 429, count: 6, retryAfterSeconds: 1 });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.*', version: '*' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.ok(r.sleptMs >= 6000, `waited ${r.sleptMs} ms`);
  });

  it('429s beyond the 2-minute budget fail the request with what the service asked', async () => {
    h.emu.fault({ match: { route: 'nuget.batch' }, status: 429, count: 200, retryAfterSeconds: 30 });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.*', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    // Four waits of 30 s fill the budget; the fifth answer ends it.
    const attempts = h.emu.log.filter((x) => x.route === 'nuget.batch').length;
    assert.ok(attempts >= 3 && attempts <= 5, `${attempts} attempts`);
    assert.match(r.result!.message, /Retry-After: 30 s/);
    for (const x of r.rows) assert.deepEqual(x.after, x.before, 'never applied: after == before');
  });

  it('a stalled listing is retried and the run ends', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, stallBodyMs: 400, count: 2 });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' }, { timeoutMs: 150 });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.deepEqual(h.emu.log.filter((x) => x.route === 'packages.list').map((x) => Boolean(x.fault)), [true, true, false], 'two stalled answers, then the retry');
  });

  it('a listing that never answers in time fails after bounded attempts', async () => {
    h.emu.fault({ match: { route: 'packages.list' }, stallBodyMs: 300, count: 10 });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' }, { timeoutMs: 100 });
    assert.equal(r.result?.status, 'Failed');
    assert.ok(h.emu.log.filter((x) => x.route === 'packages.list').length <= 5);
    assert.ok(h.emu.log.filter((x) => x.route === 'packages.list').length >= 2, 'retried before giving up');
  });

  it('a dropped single change is read back before anything is sent again', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, drop: true });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Succeeded', r.result?.message);
    assert.equal(changing(h.emu.log).length, 2, 'not applied, so sent once more');
    assert.deepEqual(outcomes(r), ['Contoso.Core@1.0.0:changed']);
  });
});

describe('engine hostile: failure messages stay on one line', function () {
  this.timeout(60_000);
  const h = useEmulator(fixture);

  it('a 403 naming a crafted identity', async () => {
    h.emu.fault({ match: { route: 'nuget.version.patch' }, status: 403, typeKey: 'FeedNeedsPermissionsException', message: `User '${CRAFTED.lfSetvariable}' lacks permission\r\n##[error]x. You need to have 'PromotePackage'.` });
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
    assert.deepEqual(outcomes(r), ['Contoso.Core@1.0.0:failed']);
  });

  it('a 404 for a feed named with a line break and a command', async () => {
    const r = await run(h.emu, { action: 'show', feed: `Fabrikam/no${CRAFTED.lfError}`, packages: 'x', version: '*' });
    assert.equal(r.result?.status, 'Failed');
  });

  it('a selector line that matches nothing, with a crafted name', async () => {
    const r = await run(h.emu, { action: 'unlist', feed: hostile, packages: `Hostile.##vso[task.complete]`, version: '1.0.0' });
    assert.equal(r.result?.status, 'Failed');
  });

  it('a version carrying a command that matches nothing, with failOnNoMatch false', async () => {
    const r = await run(h.emu, { action: 'unlist', feed, packages: 'Contoso.Core', version: '9.9.9-vso.x', failOnNoMatch: 'false' });
    assert.equal(r.result?.status, 'SucceededWithIssues');
    assert.ok(r.warnings.length > 0);
  });

  it('the token never appears however many failures there are', async () => {
    h.emu.fault({ match: { route: 'feeds.get' }, status: 400, message: `${CRAFTED.crlf} {{authorization}} ${CRAFTED.lfSetvariable}` });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' });
    assert.equal(r.result?.status, 'Failed');
    assertNoToken(r.result!.message, h.emu.tokens.owner, 'message');
  });
});

describe('engine hostile: listings that lie about paging', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('a listing that ignores $skip and repeats a full page ends the run instead of paging forever', async () => {
    const value = Array.from({ length: 1000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `Loop.${i}`, normalizedName: `loop.${i}`, protocolType: 'NuGet', versions: [{ id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`, version: '1.0.0', normalizedVersion: '1.0.0', isListed: true, isDeleted: false, views: [], publishDate: '2020-01-01T00:00:00Z' }] }));
    h.emu.fault({ match: { route: 'packages.list' }, status: 200, body: { count: 1000, value }, count: 50 });
    const r = await run(h.emu, { action: 'show', feed, packages: 'Loop.*', version: '*' });
    assert.equal(r.result?.status, 'Failed', r.result?.message);
    assert.ok(h.emu.log.filter((x) => x.route === 'packages.list').length <= 3, 'stops at the first repeated page');
    assert.match(r.result!.message, /\$skip|repeat/i);
  });
});
