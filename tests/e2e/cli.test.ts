/** The built command line, started through its `bin` entry as a user's shell starts it. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { useEmulator } from '../helpers/e2e';
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
    ]) {
      const r = await cli(args, pat());
      assert.equal(r.code, 2, `${args.join(' ')}\n${r.stderr}`);
      assert.match(r.stderr, /Usage:/);
    }
    assert.equal((await cli(['show', '--org', org(), '--feed', 'f', 'X'])).code, 2);
    assert.match((await cli(['show', '--org', org(), '--feed', 'f', 'X'])).stderr, /AZURE_DEVOPS_EXT_PAT/);
    assert.equal((await cli(['show', '--feed', 'f', 'X'], pat())).code, 2);
    const bad = await cli(['promote', '--org', org(), '--feed', 'Fabrikam/internal', 'Contoso.Core@1.0.0'], pat());
    assert.equal(bad.code, 2, 'promote without a view');
    assert.equal(h.emu.log.length, 0);
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
