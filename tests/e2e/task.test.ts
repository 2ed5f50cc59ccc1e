/** The built task, started as the agent starts it: a few runs that only a real process can show. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertTokenOnlyToTrustedHosts, changing, useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { runTask, repoRoot } from '../helpers/run-task';

const feed = 'Fabrikam/internal';

describe('e2e task: the built task as the agent starts it', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('promotes, sets its output variables, writes the result file and the summary', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.1.0', view: 'Release' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.equal(r.code, 0);
    assert.equal(r.variables.changedCount, '1');
    assert.deepEqual(r.rows.map((x) => [x.package, x.version, x.outcome, x.source]), [['Contoso.Core', '1.1.0', 'changed', 'local']]);
    assert.match(String(r.rows[0].published), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(JSON.parse(r.variables.result), r.rows);
    assert.match(r.variables.feedUrl, /\/_packaging\/internal\/nuget\/v3\/index\.json$/);
    assert.equal(r.summaries.length, 1);
    const summary = fs.readFileSync(r.summaries[0], 'utf8');
    assert.match(summary, /\| Contoso\.Core \| 1\.1\.0 \| .* \| changed \|/);
    assert.match(summary, /1 version\(s\): 1 changed\./);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.1.0')!.views.includes('Release'));
  });

  it('never prints the token, debug output included, and sends it only to the service hosts', async () => {
    const r = await runTask(h.emu, { action: 'download', feed, packages: 'Contoso.Core@1.0.0' }, { env: { SYSTEM_DEBUG: 'true' } });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    const token = h.emu.tokens.owner;
    const basic = Buffer.from(`:${token}`).toString('base64');
    // The one place it may appear is the command that tells the agent to mask it.
    const lines = `${r.stdout}\n${r.stderr}`.split(/\r\n|\r|\n/);
    assert.deepEqual(lines.filter((l) => l.includes(token) || l.includes(basic)).filter((l) => !l.startsWith('##vso[task.setsecret]')), []);
    assert.ok(lines.some((l) => l === `##vso[task.setsecret]${token}`));
    // The agent masks a secret only in the exact form registered: the Basic credential too.
    assert.ok(lines.some((l) => l === `##vso[task.setsecret]${basic}`));
    // Registered before the run writes anything but task-lib's own debug lines.
    const lastSecret = lines.map((l) => l.startsWith('##vso[task.setsecret]')).lastIndexOf(true);
    const firstOwn = lines.findIndex((l) => l !== '' && !/^##vso\[task\.(debug|setsecret)\]/.test(l));
    assert.ok(lastSecret < firstOwn, `a setsecret at line ${lastSecret}, after ${JSON.stringify(lines[firstOwn])}`);
    assert.ok(lines.filter((l) => l.startsWith('##vso[task.debug]')).length > 10, 'debug output was on');
    assertTokenOnlyToTrustedHosts(h.emu.log);
    assert.ok(h.emu.log.filter((x) => x.auth).every((x) => x.host !== 'blob'));
  });

  it('a bulk promote: the result file says what the feed now holds and what the run counted', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.*', version: '*', view: 'Release', prerelease: 'include' });
    assert.equal(r.result?.status, 'Succeeded', r.stdout);
    assert.ok(r.rows.length >= 5);
    const changed = r.rows.filter((x) => x.outcome === 'changed');
    assert.equal(String(changed.length), r.variables.changedCount);
    const released = (name: string) => h.emu.versions('internal', 'nuget', name).filter((v) => v.views.includes('Release')).map((v) => `${name}@${v.version}`);
    const now = new Set([...new Set(r.rows.map((x) => x.package))].flatMap(released));
    for (const x of r.rows) assert.equal(now.has(`${x.package}@${x.version}`), x.after?.views.includes('Release'), `${x.package} ${x.version}`);
    assert.deepEqual(JSON.parse(r.variables.result), r.rows);
  });

  it('an endpoint authorization that is not JSON fails by its connection\'s name, never quoting it', async () => {
    const secret = 'not-json-s3cret-0123456789';
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*' }, { env: { ENDPOINT_AUTH_SYSTEMVSSCONNECTION: `{ AccessToken: ${secret}`, SYSTEM_DEBUG: 'true' } });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /The service connection 'SystemVssConnection' has no URL or no personal access token/);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), r.stdout);
    assert.equal(h.emu.log.length, 0);
  });

  it('bad input fails before any request, with one line and no empty table', async () => {
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core, Contoso.Web', version: '1.0.0', view: 'Release' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /comma does not separate packages/);
    assert.equal(h.emu.log.length, 0);
    assert.doesNotMatch(r.stdout, /Package\s+Version\s+Before/);
    assert.ok(fs.existsSync(r.variables.resultFile), 'the result file is written, empty');
    assert.deepEqual(r.rows, []);
  });

  it('workload identity federation: the OIDC token is exchanged for an Entra token that the feed takes', async () => {
    const id = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';
    h.emu.seed({ feeds: [], serviceConnections: [{ id, name: 'contoso-wif', project: 'Fabrikam', tenantId: '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f', clientId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', role: 'contributor', identityName: 'contoso-wif (service principal)' }] });
    const wif = h.emu.wif(id);
    const r = await runTask(h.emu, { action: 'promote', feed, packages: 'Contoso.Core@1.1.0', view: 'Release', azureDevOpsServiceConnection: id }, { env: wif.env, project: null });
    assert.equal(r.result?.status, 'Succeeded', `${r.result?.message}\n${r.stdout}`);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.1.0')!.views.includes('Release'));
    // The job token went to the OIDC endpoint only; the feed saw the Entra token.
    const feedCalls = h.emu.log.filter((x) => x.host === 'feeds' || x.host === 'pkgs');
    assert.ok(feedCalls.length > 0 && feedCalls.every((x) => x.auth && x.auth.token !== h.emu.tokens.owner));
    assert.equal(changing(h.emu.log).filter((x) => x.host === 'pkgs').length, 1);
  });

  it('workload identity federation and a personal access token connection together is an error', async () => {
    const r = await runTask(h.emu, { action: 'show', feed, packages: 'Contoso.Core', version: '*', azureDevOpsServiceConnection: 'x' }, { connectionToken: h.emu.tokens.owner });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /either 'connection' or 'azureDevOpsServiceConnection'/);
    assert.equal(h.emu.log.length, 0);
  });

  it('403: both build identities with the real project and organization, the scopes and the id; with a connection, the token\'s owner', async () => {
    const inputs = { action: 'promote', feed, packages: 'Contoso.Core@1.0.0', view: 'Release' };
    // Where the server names the identity, that name and still both build identities with the scope each goes with.
    const named = await runTask(h.emu, inputs, { token: h.emu.tokens.reader });
    assert.equal(named.result?.status, 'Failed', named.stdout);
    assert.match(named.result!.message, /give 'Project Collection Build Service \(fabrikam\)' that role\. A pipeline runs as 'Fabrikam Build Service \(fabrikam\)' with project-scoped job authorization, or as 'Project Collection Build Service \(fabrikam\)' with collection-scoped/);
    const id = '1e0a9a51-3c7d-4a8e-9f00-5b6c7d8ea002';
    h.emu.addToken('reader-by-id', 'reader', id);
    const job = await runTask(h.emu, inputs, { token: 'reader-by-id' });
    assert.equal(job.result?.status, 'Failed', job.stdout);
    assert.match(job.result!.message, /Feed Publisher \(Contributor\) is needed to promote/);
    assert.match(job.result!.message, /'Fabrikam Build Service \(fabrikam\)' with project-scoped job authorization, or 'Project Collection Build Service \(fabrikam\)' with collection-scoped job authorization/);
    assert.ok(job.result!.message.includes(id), 'keeps the id the server gave');
    const connection = await runTask(h.emu, inputs, { connectionToken: 'reader-by-id' });
    assert.equal(connection.result?.status, 'Failed', connection.stdout);
    assert.match(connection.result!.message, /The token from the service connection acts as the person who created it/);
    assert.doesNotMatch(connection.result!.message, /Build Service|job authorization/);
    assert.ok(connection.result!.message.includes(id), 'keeps the id the server gave');
    assert.equal(changing(h.emu.log).filter((x) => x.status < 300).length, 0);
  });

  it('task.json names the built file its handlers start', () => {
    const task = JSON.parse(fs.readFileSync(path.join(repoRoot, 'task.json'), 'utf8')) as { execution: Record<string, { target: string }> };
    for (const handler of ['Node20_1', 'Node24']) assert.ok(fs.existsSync(path.join(repoRoot, task.execution[handler].target)), handler);
  });
});
