/**
 * task.json's `messages` is the one catalogue. tsc already checks each key the code uses and its
 * number of arguments (src/engine/catalog.ts is generated from task.json); these tests check that
 * the generated file is current, that no message is left unused, and how messages are formatted.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cliDoor } from '../../src/cli';
import { format, msg, taskDoor } from '../../src/engine/messages';

const root = path.resolve(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(root, 'scripts', 'messages.js')) as { generate(): string; target: string };

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') && e.name !== 'catalog.ts' ? [path.join(dir, e.name)] : []);
}

describe('messages: task.json is the one catalogue', () => {
  const catalogue = (JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8')) as { messages: Record<string, string> }).messages;

  it('src/engine/catalog.ts is generated from the task.json beside it', () => {
    assert.equal(fs.readFileSync(path.join(root, 'src', 'engine', 'catalog.ts'), 'utf8'), generator.generate());
  });

  it('every message in task.json is used by the code', () => {
    const code = sources(path.join(root, 'src')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    assert.deepEqual(Object.keys(catalogue).filter((k) => !code.includes(`'${k}'`)), []);
  });

  it('placeholders are %s only, and every message is one line', () => {
    assert.deepEqual(Object.entries(catalogue).filter(([, v]) => /%[^s]/.test(v.replace(/%s/g, '')) || /[\r\n]/.test(v)).map(([k]) => k), []);
  });

  it('formats each argument on one safe line', () => {
    assert.equal(format(msg('FeedFound', 'a\r\n##vso[task.setvariable variable=x]1', 'id')), 'Feed a\\r\\n#\\#vso[task.setvariable variable=x]1 (id).');
  });

  it('no message writes an input\'s name into its text: the door words it', () => {
    const names = /\b(packageType|packageFiles|deprecateMessage|downloadDirectory|dryRun|maxVersions|failOnNoMatch|waitSeconds|sourceView|exceptView|keepLatest|olderThanDays|includeDependencies)\b|'(feed|packages|version|view)'/;
    assert.deepEqual(Object.entries(catalogue).filter(([, v]) => names.test(v)).map(([k]) => k), []);
  });
});

describe('messages: each front door words inputs and advice in its own language', () => {
  const tooMany = msg('TooManyVersions', 7, { input: 'maxVersions' }, 3, { input: 'maxVersions' }, { input: 'dryRun', value: 'true' });

  it('the task names its inputs', () => {
    assert.equal(format(tooMany), format(tooMany, taskDoor));
    assert.match(format(tooMany), /more than maxVersions \(3\).*raise maxVersions .*; dryRun: true shows the plan\.$/);
    assert.equal(format(msg('InputRequired', { input: 'deprecateMessage' })), "'deprecateMessage' is required for this action.");
    assert.match(format(msg('PackageFilesNoMatch', { input: 'packageFiles', line: 2 }, 'x')), /^packageFiles, line 2 \('x'\)/);
    assert.match(format(msg('AuthFailed', 'h', 401, 'd', { advice: 'authentication' })), /YAML pipelines/);
  });

  it('the command line names its flags, and a refused token gets the advice for where it came from', () => {
    const cli = cliDoor('--token-stdin');
    assert.match(format(tooMany, cli), /more than --max-versions \(3\).*raise --max-versions .*; --dry-run shows the plan\.$/);
    assert.equal(format(msg('InputRequired', { input: 'deprecateMessage' }), cli), "'--message' is required for this action.");
    assert.match(format(msg('FeedAmbiguous', 'dupe', { input: 'feed' }, 'A/dupe, B/dupe'), cli), /as '--feed': A\/dupe/);
    assert.match(format(msg('BadChoice', { input: 'failOnNoMatch', value: 'false' }, 'x', 'y'), cli), /^'--allow-no-match'/);
    assert.match(format(msg('PackageNotFound', { input: 'packages', line: 2 }, 'X', 'Y'), cli), /^selector 2 \('X'\)/);
    const refused = format(msg('AuthFailed', 'h', 401, 'd', { advice: 'authentication' }), cli);
    assert.match(refused, /The token came from --token-stdin: .*Packaging \(read, write and manage\)/);
    assert.doesNotMatch(refused, /YAML|connection/);
  });

  it('403: the task names the build identities; the command line with a personal access token names the token\'s owner', () => {
    const grant = { advice: 'permission' as const, projectService: 'Fabrikam Build Service (contoso)', collectionService: 'Project Collection Build Service (contoso)' };
    const byId = msg('ForbiddenId', 'Feed Owner', 'delete', 'F/f', 'id-1', 'd', grant);
    const named = msg('ForbiddenIdentity', 'Feed Owner', 'delete', 'F/f', 'Ann', 'd', { ...grant, identity: 'Ann' });
    assert.match(format(byId), /'Fabrikam Build Service \(contoso\)' with project-scoped .*'Project Collection Build Service \(contoso\)' with collection-scoped/);
    assert.match(format(named), /give 'Ann' that role\. A pipeline runs as 'Fabrikam Build Service \(contoso\)' with project-scoped .*'Project Collection Build Service \(contoso\)' with collection-scoped/);
    for (const m of [byId, named]) {
      const pat = format(m, cliDoor('--token-stdin', 'pat'));
      assert.match(pat, /The token from --token-stdin acts as the person who created it/);
      assert.doesNotMatch(pat, /Build Service|job authorization|build identities/);
      assert.equal(format(m, cliDoor('SYSTEM_ACCESSTOKEN', 'bearer')), format(m), 'a pipeline\'s token on the command line is a build identity');
    }
  });
});

describe('documents: the README for users, and one description of a bare feed name', () => {
  const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
  const flat = (text: string) => text.replace(/\s+/g, ' ');

  it('the README is at most 15 KB and keeps the two commands', () => {
    const readme = read('README.md');
    assert.ok(Buffer.byteLength(readme) <= 15 * 1024, `${Buffer.byteLength(readme)} bytes`);
    assert.match(readme, /npm ci\nnpm start/);
    assert.match(readme, /npm ci\nnpm test/);
    for (const heading of ['Getting it into your organization', 'A first step', 'A complete graph in @Release', 'The command line', 'Troubleshooting', 'Dependencies']) assert.match(readme, new RegExp(`^## ${heading}$`, 'm'), heading);
    assert.match(readme, /includeDependencies: true/);
  });

  it('the README, the overview, the task help and the command line\'s help say the same about a bare feed name', async () => {
    const help: string[] = [];
    const { main } = await import('../../src/cli');
    assert.equal(await main(['--help'], {}, { out: (s) => help.push(s), err: () => undefined }), 0);
    const feedHelp = (JSON.parse(read('task.json')) as { inputs: { name: string; helpMarkDown: string }[] }).inputs.find((i) => i.name === 'feed')!.helpMarkDown;
    for (const [where, text] of [['README.md', read('README.md')], ['overview.md', read('overview.md')], ['task.json', feedHelp], ['--help', help.join('')], ['docs/reference.md', read('docs/reference.md')]]) {
      assert.match(flat(text), /project's feed of that name, else the organization-scoped feed of that name, else the only feed of that name in any project/, where);
    }
  });
});
