// The built task under a hostile server, started as the agent starts it: the only agent commands
// on stdout are the task's own, the token appears nowhere (debug output included) but in its own
// setsecret lines, and no file lands outside the download directory and the agent's temp folder.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CRAFTED, Fixture, hostileFixture } from '../emulator';
import { filesUnder } from '../helpers/cli';
import { useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { agentLines, assertSafeRun, leakForms } from '../helpers/hostile-checks';
import { runFolder } from '../helpers/in-process';
import { repoRoot, runTask, TaskRun } from '../helpers/run-task';

const allowedVariables = ['changedCount', 'resultFile', 'result', 'feedUrl', 'downloadedFiles'];
const allowedCommands = ['task.setvariable', 'task.issue', 'task.complete', 'task.uploadsummary', 'task.setsecret', 'task.debug'];

function fixture(): Fixture {
  const base = nugetFixture();
  return { ...base, feeds: [...base.feeds!, ...hostileFixture().feeds!] };
}

/** Every line that starts a command is one of the task's own, with the expected properties. */
function assertOnlyOwnCommands(r: TaskRun, token: string): void {
  for (const line of agentLines(r.stdout)) {
    const start = line.trimStart();
    if (!start.startsWith('##')) {
      assert.ok(!/##vso\[/i.test(line), `a command inside a line: ${JSON.stringify(line.slice(0, 300))}`);
      continue;
    }
    const m = /^##vso\[([\w.]+)([^\]]*)\]/.exec(start);
    assert.ok(m, `a line starting a command that is not the task's: ${JSON.stringify(line.slice(0, 300))}`);
    assert.ok(allowedCommands.includes(m[1]), `command ${m[1]}`);
    if (m[1] === 'task.setvariable') {
      const variable = /variable=([^;\]]*)/.exec(m[2])?.[1];
      assert.ok(variable && allowedVariables.includes(variable), `setvariable ${variable}`);
    }
    if (m[1] !== 'task.setsecret') for (const f of leakForms(token)) assert.ok(!line.includes(f), `the token in ${JSON.stringify(line.slice(0, 200))}`);
  }
  const complete = agentLines(r.stdout).filter((l) => l.startsWith('##vso[task.complete'));
  assert.equal(complete.length, 1, 'one task.complete');
}

/** stdout without the task's own command lines. */
const textLines = (r: TaskRun) => agentLines(r.stdout).filter((l) => !l.startsWith('##vso[')).join('\n');

describe('e2e hostile: the built task', function () {
  this.timeout(120_000);
  const h = useEmulator(fixture);
  const token = 'owner-token';
  const check = (r: TaskRun) => {
    assertOnlyOwnCommands(r, token);
    // The task's own command lines were checked above (setsecret carries the token by design); the rest is text.
    assertSafeRun({ ...r, stdout: textLines(r) }, { tokens: [token] });
    assert.equal(h.emu.attackerLog.length, 0, 'nothing reached the attacker');
  };

  before(function () {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) this.skip();
  });

  it('crafted names, views, versions and messages, with debug on and an error body echoing the token', async () => {
    h.emu.fault({ match: { route: 'nuget.batch' }, status: 400, message: `refused {{authorization}}\r\n##vso[task.setvariable variable=changedCount]999\n##[error]x` });
    const r = await runTask(h.emu, { action: 'unlist', feed: 'Fabrikam/hostile', packages: 'Hostile.*', version: '2.0.0', maxVersions: '0' }, { env: { SYSTEM_DEBUG: 'true' } });
    check(r);
    assert.equal(r.result?.status, 'Failed');
    assert.ok(r.stdout.includes('##vso[task.debug]'), 'debug output was on');
    assert.ok(r.stdout.includes('##vso[task.setsecret]'), 'the token was registered with the agent');
  });

  it('show of every crafted name and npm deprecation message, with debug on', async () => {
    const a = await runTask(h.emu, { action: 'show', feed: 'Fabrikam/hostile', packages: '*', version: '*' }, { env: { SYSTEM_DEBUG: 'true' } });
    check(a);
    assert.equal(a.result?.status, 'Succeeded', a.stdout.slice(-2000));
    const b = await runTask(h.emu, { action: 'show', feed: 'Fabrikam/hostile', packageType: 'npm', packages: 'hostile-*', version: '*' });
    check(b);
    assert.equal(b.result?.status, 'Succeeded');
    assert.equal(b.variables.changedCount, '0');
  });

  it('a personal access token echoed as a Basic credential, retried, with debug on', async () => {
    const pat = 'pat-0123456789abcdefghij';
    h.emu.addToken(pat, 'owner');
    h.emu.fault({ match: { route: 'packages.list' }, status: 503, count: 1, message: 'busy {{authorization}}' });
    h.emu.fault({ match: { route: 'nuget.version.patch' }, echoAuthorization: true });
    const r = await runTask(h.emu, { action: 'unlist', feed: 'Fabrikam/internal', packages: 'Contoso.Core', version: '1.0.0' }, { connectionToken: pat, env: { SYSTEM_DEBUG: 'true' } });
    assertOnlyOwnCommands(r, pat);
    assertSafeRun({ ...r, stdout: textLines(r) }, { tokens: [pat, token] });
    assert.equal(r.result?.status, 'Failed');
    assert.ok(h.emu.log.some((x) => x.fault?.includes('echo')));
  });

  it('a download of crafted names writes only inside the download directory and the temp folder', async () => {
    const root = runFolder('e2e-hostile');
    const work = path.join(root, 'work');
    const dl = path.join(work, 'dl');
    fs.mkdirSync(work, { recursive: true });
    h.emu.fault({ match: { route: 'nuget.content' }, status: 303, redirect: 'attacker', count: 1 });
    const r = await runTask(h.emu, { action: 'download', feed: 'Fabrikam/hostile', packages: '*', version: '1.0.0', downloadDirectory: dl }, { workDir: work });
    assertOnlyOwnCommands(r, token);
    assert.equal(r.result?.status, 'Failed');
    assert.equal(h.emu.attackerLog.length, 1, 'the redirected content was fetched from the redirect target');
    for (const a of h.emu.attackerLog) assert.equal(a.auth, null, 'no token to a redirect target');
    h.emu.attackerLog.length = 0;
    // Everything under the work folder is inside dl; nothing above root.
    for (const f of filesUnder(work)) assert.equal(path.dirname(f), dl, f);
    assert.ok(filesUnder(dl).length > 0, 'something was downloaded');
    for (const f of filesUnder(dl)) assert.ok(!f.endsWith('.part'), f);
    assert.deepEqual(fs.readdirSync(root), ['work']);
    assert.ok(!fs.existsSync(path.join(path.dirname(root), 'escape')));
    for (const p of r.variables.downloadedFiles.split('\n').filter(Boolean)) assert.equal(path.dirname(p), dl);
    assert.ok(r.rows.some((x) => x.package === CRAFTED.dotdot && x.outcome === 'failed'));
  });

  it('task.json restricts settableVariables to exactly the output variables', () => {
    const task = JSON.parse(fs.readFileSync(path.join(repoRoot, 'task.json'), 'utf8').replace(/^\uFEFF/, '')) as { restrictions?: { settableVariables?: { allowed?: string[] } }; outputVariables?: { name: string }[] };
    assert.deepEqual([...(task.restrictions?.settableVariables?.allowed ?? [])].sort(), [...allowedVariables].sort());
    assert.deepEqual((task.outputVariables ?? []).map((o) => o.name).sort(), [...allowedVariables].sort());
  });
});
