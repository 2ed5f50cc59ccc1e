/** The built command line, started through its `bin` entry as a user's shell starts it. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { changing, useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { runFolder } from '../helpers/in-process';
import { cliBin as bin, CliRun, pkg, runCli } from '../helpers/cli';

/** The command line in a folder of its own. */
const cli = (args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> => runCli(args, runFolder('cli'), env, stdin);

describe('e2e cli: package-lifecycle through its bin entry', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);
  const org = () => `${h.emu.urls.org}/`;
  const pat = () => ({ AZURE_DEVOPS_EXT_PAT: h.emu.tokens.owner });

  it('is an executable script that node starts', () => {
    assert.match(fs.readFileSync(bin, 'utf8').slice(0, 40), /^#!\/usr\/bin\/env node/);
    assert.ok(fs.statSync(bin).mode & 0o111, 'executable');
    // Without an agent, task-lib would write .taskkey into the current folder: the command line never loads it.
    assert.doesNotMatch(fs.readFileSync(bin, 'utf8'), /azure-pipelines-task-lib|\.taskkey/);
  });

  it('promotes with --org and AZURE_DEVOPS_EXT_PAT, sent as Basic, and prints the result JSON with --json', async () => {
    const r = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.1.0', '--view', 'Release', '--json'], pat());
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { package: string; version: string; outcome: string }[];
    assert.deepEqual(rows.map((x) => [x.package, x.version, x.outcome]), [['Contoso.Core', '1.1.0', 'changed']]);
    assert.ok(h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.1.0')!.views.includes('Release'));
    assert.ok(h.emu.log.filter((x) => x.auth).every((x) => x.auth!.scheme === 'Basic'));
    assert.ok(!r.stderr.includes(h.emu.tokens.owner) && !r.stdout.includes(h.emu.tokens.owner));
  });

  it('the versions it reports changed are the ones the feed gained', async () => {
    const released = () => ['Contoso.Core', 'Contoso.Web', 'Contoso.Data'].flatMap((n) => h.emu.versions('internal', 'nuget', n).filter((v) => v.views.includes('Release')));
    const before = released().length;
    const r = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.*', '--version', '*', '--view', 'Release', '--prerelease', 'include', '--json'], pat());
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as { package: string; version: string; outcome: string }[];
    const changed = rows.filter((x) => x.outcome === 'changed').length;
    assert.ok(changed > 0);
    assert.equal(changed, released().length - before, 'the versions it says it promoted are the ones the feed gained');
  });

  it('prints the table on standard output and progress on standard error; exit 1 when the run fails', async () => {
    const ok = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core', '--version', '*'], pat());
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Package\s+Version\s+Views\s+Listed\s+Deprecated\s+Published\s+Source/);
    assert.match(ok.stderr, /Feed Fabrikam\/internal/);
    const quiet = await cli(['show', '-q', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core', '--version', '*'], pat());
    assert.equal(quiet.stderr, '');
    const failed = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Nope@1.0.0', '--view', 'Release'], pat());
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /no such package in the feed/);
  });

  it('takes SYSTEM_ACCESSTOKEN as Bearer, and a token from standard input with --token-stdin', async () => {
    const bearer = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0', '--json'], { SYSTEM_ACCESSTOKEN: h.emu.tokens.reader });
    assert.equal(bearer.code, 0, bearer.stderr);
    assert.ok(h.emu.log.filter((x) => x.auth).every((x) => x.auth!.scheme === 'Bearer'));
    h.emu.clearLog();
    const piped = await cli(['show', '--token-stdin', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0', '--json'], {}, `${h.emu.tokens.reader}\n`);
    assert.equal(piped.code, 0, piped.stderr);
    assert.ok(h.emu.log.some((x) => x.auth?.token === h.emu.tokens.reader));
  });

  it('usage errors exit 2 and send nothing: unknown action, bad flag, missing value, a token on the command line, no token, no organization', async () => {
    for (const args of [
      ['frobnicate', '--org', org(), '--feed', 'f'],
      ['promote', '--org', org(), '--feed', 'f', '--bogus'],
      ['promote', '--org', org(), '--feed'],
      ['show', '--org', org(), '--feed', 'f', 'X', '--token', 'abc'],
      ['show', '--org', org(), '--feed', 'f', '--packages-file', 'no-such-selectors.txt'],
    ]) {
      const r = await cli(args, pat());
      assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
      // One line in the command line's words, pointing to the help; never the whole usage.
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^package-lifecycle: .*See 'package-lifecycle (promote |show )?--help'\.\n$/);
      assert.doesNotMatch(r.stderr, /Usage:|\\n/);
      assert.equal(r.stdout, '');
    }
    assert.equal((await cli(['show', '--org', org(), '--feed', 'f', 'X'])).code, 2);
    assert.match((await cli(['show', '--org', org(), '--feed', 'f', 'X'])).stderr, /AZURE_DEVOPS_EXT_PAT/);
    assert.equal((await cli(['show', '--feed', 'f', 'X'], pat())).code, 2);
    const unreadable = await cli(['show', '--org', org(), '--feed', 'f', '--packages-file', 'no-such-selectors.txt'], pat());
    assert.equal(unreadable.stderr, "package-lifecycle: --packages-file 'no-such-selectors.txt' cannot be read (no such file). See 'package-lifecycle show --help'.\n");
    const bad = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0'], pat());
    assert.equal(bad.code, 2, 'promote without a view');
    assert.equal(h.emu.log.length, 0);
  });

  it('did you mean: the closest flag or action, on one line with the action\'s help, exit 2, nothing sent', async () => {
    const flag = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0', '--veiw', 'Release'], pat());
    assert.equal(flag.code, 2);
    assert.equal(flag.stderr, "package-lifecycle: unknown option '--veiw' (did you mean --view?). See 'package-lifecycle promote --help'.\n");
    const action = await cli(['promot', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0'], pat());
    assert.equal(action.code, 2);
    assert.equal(action.stderr, "package-lifecycle: unknown action 'promot' (did you mean promote?). See 'package-lifecycle --help'.\n");
    const value = await cli(['unlist', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0', '--keep-latest', '-1'], pat());
    assert.equal(value.code, 2);
    assert.equal(value.stderr, "package-lifecycle: '--keep-latest' has the value '-1'; it must be a whole number, 0 or more. See 'package-lifecycle unlist --help'.\n");
    const missing = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core', '--version'], pat());
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "package-lifecycle: --version needs a value (<selector>). See 'package-lifecycle show --help'.\n");
    assert.equal(h.emu.log.length, 0);
  });

  it('no arguments at all is a usage error of one line; the full usage only when asked for', async () => {
    const none = await cli([], pat());
    assert.equal(none.code, 2);
    assert.equal(none.stdout, '');
    assert.equal(none.stderr.trimEnd().split('\n').length, 1, none.stderr);
    assert.match(none.stderr, /no action given.*package-lifecycle --help/);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const a of ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanent-delete', 'download', 'show']) assert.match(help.stdout, new RegExp(`^  ${a}\\b`, 'm'), a);
    // `help` and `help <action>` as other commands take them.
    assert.equal((await cli(['help'])).stdout, help.stdout);
    const promote = await cli(['help', 'promote']);
    assert.equal(promote.code, 0);
    assert.equal(promote.stdout, (await cli(['promote', '--help'])).stdout);
  });

  it('each action has its own help: its flags and an example', async () => {
    const flags = async (action: string) => {
      const r = await cli([action, '--help']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: package-lifecycle ${action} `, 'm'));
      assert.match(r.stdout, new RegExp(`^Example:\\n  package-lifecycle ${action} `, 'm'));
      return new Set([...r.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]));
    };
    const promote = await flags('promote');
    for (const f of ['--feed', '--view', '--include-dependencies', '--source-view', '--dry-run', '--max-versions', '--org']) assert.ok(promote.has(f), f);
    assert.ok(!promote.has('--message') && !promote.has('--out'));
    const show = await flags('show');
    for (const f of ['--view', '--dry-run', '--max-versions', '--message', '--out', '--include-dependencies']) assert.ok(!show.has(f), f);
    assert.ok((await flags('download')).has('--out'));
    assert.ok((await flags('deprecate')).has('--message'));
  });

  it('messages name flags, never the task\'s inputs', async () => {
    const noMessage = await cli(['deprecate', '--type', 'npm', '--org', org(), '--feed', 'Fabrikam/internal', 'contoso-core@1.0.0'], pat());
    assert.equal(noMessage.code, 2);
    assert.match(noMessage.stderr, /'--message' is required/);
    const tooMany = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.*', '--version', '*', '--view', 'Release', '--max-versions', '1'], pat());
    assert.equal(tooMany.code, 1);
    assert.match(tooMany.stderr, /more than --max-versions \(1\).*raise --max-versions .*; --dry-run shows the plan/);
    const ambiguous = await cli(['show', '--org', org(), '--feed', 'dupe', 'Dupe.Fab@1.0.0'], pat());
    assert.equal(ambiguous.code, 1);
    assert.match(ambiguous.stderr, /Give one of these as '--feed': Contoso\/dupe, Fabrikam\/dupe/);
    for (const r of [noMessage, tooMany, ambiguous]) assert.doesNotMatch(r.stderr, /deprecateMessage|maxVersions|dryRun|'feed'/);
    assert.ok(!h.emu.versions('internal', 'nuget', 'Contoso.Core').some((x) => x.views.includes('Release')), 'nothing promoted');
  });

  it('a refused token: which variable it came from and what a personal access token needs, no pipeline advice', async () => {
    for (const [env, stdin, source] of [
      [{ AZURE_DEVOPS_EXT_PAT: 'not-a-token' }, '', 'AZURE_DEVOPS_EXT_PAT'],
      [{ SYSTEM_ACCESSTOKEN: 'not-a-token' }, '', 'SYSTEM_ACCESSTOKEN'],
      [{}, 'not-a-token\n', '--token-stdin'],
    ] as const) {
      const args = ['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0'];
      const r = await cli(source === '--token-stdin' ? [...args, '--token-stdin'] : args, env, stdin);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`Authentication failed.*The token came from ${source}:.*Packaging \\(read, write and manage\\)`));
      assert.doesNotMatch(r.stderr, /YAML|pipelines|'connection'/);
    }
  });

  it('a host that does not resolve, or that refuses: named at once, with the settings of the command line to check', async () => {
    const unknown = await cli(['show', '--org', 'https://fabrikam.invalid/', '--feed', 'internal', 'Contoso.Core@*'], pat());
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, /fabrikam\.invalid could not be found/);
    const refused = await cli(['show', '--org', 'http://127.0.0.1:9/fabrikam/', '--feed', 'internal', 'Contoso.Core@*'], pat());
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /127\.0\.0\.1:9 refused the connection/);
    for (const r of [unknown, refused]) {
      assert.match(r.stderr, /HTTPS_PROXY, HTTP_PROXY and NO_PROXY/);
      // No agent here: the command line's own words.
      assert.doesNotMatch(r.stderr, /agent/i);
    }
  });

  it('a feed that does not exist: no table on standard output, exit 1', async () => {
    const r = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internl', 'Contoso.Core@1.0.0'], pat());
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Feed 'Fabrikam\/internl' was not found/);
    const found = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Nope@1.0.0'], pat());
    assert.match(found.stdout, /0 version\(s\)/, 'a run that reached the feed still prints its table');
  });

  it('403 where the server names the identity only by its id: a personal access token is its owner\'s to solve, a pipeline token names both build identities; the id is kept', async () => {
    const id = '1e0a9a51-3c7d-4a8e-9f00-5b6c7d8ea002';
    h.emu.addToken('reader-by-id', 'reader', id);
    const args = ['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0', '--view', 'Release'];
    const personal = await cli(args, { AZURE_DEVOPS_EXT_PAT: 'reader-by-id' });
    assert.equal(personal.code, 1, personal.stderr);
    assert.match(personal.stderr, /Feed Publisher \(Contributor\)/);
    assert.match(personal.stderr, /The token from AZURE_DEVOPS_EXT_PAT acts as the person who created it: .*Permissions.*Packaging: read, write and manage/);
    assert.doesNotMatch(personal.stderr, /Build Service|job authorization/, 'a person\'s token is not a build identity');
    assert.ok(personal.stderr.includes(id), 'keeps the id the server gave');
    const pipeline = await cli(args, { SYSTEM_ACCESSTOKEN: 'reader-by-id' });
    assert.equal(pipeline.code, 1, pipeline.stderr);
    assert.match(pipeline.stderr, /'Fabrikam Build Service \(fabrikam\)' with project-scoped job authorization, or 'Project Collection Build Service \(fabrikam\)' with collection-scoped/);
    assert.ok(pipeline.stderr.includes(id), 'keeps the id the server gave');
    assert.ok(!h.emu.versions('internal', 'nuget', 'Contoso.Core').find((x) => x.version === '1.0.0')!.views.includes('Release'));
  });

  it('--version alone prints its own version; after an action it is the version selector', async () => {
    const v = await cli(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), pkg.version);
    const r = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core', '--version', '1.0.0', '--json'], pat());
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { version: string }[]).map((x) => x.version), ['1.0.0']);
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /package-lifecycle <action> --feed <feed>/);
  });

  it('a version selector the protocol cannot read is a usage error: one line with the pointer to the action\'s help, exit 2, nothing on standard output', async () => {
    for (const extra of [[], ['--json']]) {
      const r = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core', '--version', '[1.0', '--view', 'Release', ...extra], pat());
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^package-lifecycle: selector 1 \('Contoso\.Core'\): the version selector '\[1\.0' is not valid: .*\. See 'package-lifecycle promote --help'\.\n$/);
    }
    assert.equal(changing(h.emu.log).length, 0);
  });

  it('reads selectors from a file and from standard input; AZURE_DEVOPS_ORG_URL names the organization', async () => {
    const r = await cli(['show', '--feed', 'Fabrikam/internal', '--packages-file', '-', '--json'], { ...pat(), AZURE_DEVOPS_ORG_URL: org() }, 'Contoso.Core@1.0.0\nContoso.Web@1.0.0\n');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { package: string }[]).map((x) => x.package), ['Contoso.Core', 'Contoso.Web']);
    const file = path.join(runFolder('selectors'), 'selectors.txt');
    fs.writeFileSync(file, '# what the release left behind\nContoso.Data@3.0.0\nContoso.Web@2.0.0\n');
    const f = await cli(['show', '--org', org(), '--feed', 'Fabrikam/internal', '--packages-file', file, '--json'], pat());
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual((JSON.parse(f.stdout) as { package: string; version: string }[]).map((x) => `${x.package}@${x.version}`), ['Contoso.Data@3.0.0', 'Contoso.Web@2.0.0']);
  });
});
