// The extension manifest and the .vsix that scripts/package.js builds: what the Marketplace shows,
// where the extension installs, and exactly which files ship.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { makeTemp } from '../helpers/temp';

const root = path.resolve(__dirname, '../../..');

/** The repository URL: package.json `repository` is the one place that names it. */
const REPOSITORY = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { repository: { url: string } }).repository.url;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const packaging = require(path.join(root, 'scripts', 'package.js')) as { uuidV5(ns: string, name: string): string; taskIdFor(publisher: string, task: string): string };

/** The folder the packaging script stages the task into. */
const TASK_FOLDER = 'PackageLifecycleV1';

/** Everything the .vsix holds (directory entries aside). */
const VSIX_FILES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension.vsomanifest',
  'LICENSE',
  'overview.md',
  'images/icon.png',
  `${TASK_FOLDER}/task.json`,
  `${TASK_FOLDER}/icon.png`,
  `${TASK_FOLDER}/dist/index.js`,
];

/** The .vsix budget: 250 KB (a minified bundle with task-lib inside). */
const VSIX_MAX_BYTES = 250 * 1024;

interface Manifest {
  id: string;
  publisher: string;
  version: string;
  description: string;
  categories: string[];
  targets: { id: string; version?: string }[];
  icons: { default: string };
  content: Record<string, { path: string }>;
  links?: Record<string, { uri: string }>;
  repository?: { type: string; uri: string };
  files: { path: string }[];
  contributions: { type: string; properties: { name: string } }[];
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;
}

describe('vss-extension.json', () => {
  const manifest = readJson<Manifest>('vss-extension.json');

  it('contributes one task, from the folder the packaging script stages', () => {
    assert.equal(manifest.id, 'package-lifecycle');
    const tasks = manifest.contributions.filter((c) => c.type === 'ms.vss-distributed-task.task');
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].properties.name, TASK_FOLDER);
    assert.ok(manifest.files.some((f) => f.path === TASK_FOLDER));
    const script = fs.readFileSync(path.join(root, 'scripts', 'package.js'), 'utf8');
    assert.ok(script.includes(`'${TASK_FOLDER}'`), 'scripts/package.js stages a different folder');
  });

  it('installs once per product: Azure DevOps Services, and Azure DevOps Server with REST 7.1', () => {
    // Microsoft.VisualStudio.Services would mean both products again. Azure DevOps Server 2022
    // (19.x) answers at most api-version 7.0; the task sends the server's 7.1 versions.
    assert.deepEqual(manifest.targets, [
      { id: 'Microsoft.VisualStudio.Services.Cloud' },
      { id: 'Microsoft.TeamFoundation.Server', version: '[20.0,)' },
    ]);
  });

  it('shows the Marketplace page and the license, not the developer README', () => {
    assert.equal(manifest.content.details.path, 'overview.md');
    assert.equal(manifest.content.license.path, 'LICENSE');
    for (const file of [manifest.icons.default, manifest.content.details.path, manifest.content.license.path]) {
      assert.ok(fs.existsSync(path.join(root, file)), file);
    }
    assert.match(fs.readFileSync(path.join(root, 'LICENSE'), 'utf8'), /^MIT License\n\nCopyright \(c\) the package-lifecycle-task authors\n/);
  });

  it('is listed under Azure Pipelines and Azure Artifacts, with a description the Marketplace takes', () => {
    assert.deepEqual(manifest.categories, ['Azure Pipelines', 'Azure Artifacts']);
    assert.ok(manifest.description.length < 200, `${manifest.description.length} characters`);
  });

  it('leaves its links and repository to the packaging, which takes them from package.json', () => {
    assert.equal(manifest.links, undefined);
    assert.equal(manifest.repository, undefined);
    assert.match(REPOSITORY, /^https:\/\/\S+$/);
  });

  it('keeps the publisher placeholder that --publisher overrides', () => {
    assert.equal(manifest.publisher, 'your-publisher');
  });

  it('no document but package.json names the repository', () => {
    for (const file of ['README.md', 'overview.md', 'task.json', 'vss-extension.json', 'CONTRIBUTING.md']) {
      assert.ok(!fs.readFileSync(path.join(root, file), 'utf8').includes(REPOSITORY), file);
    }
  });

  it('npm pack builds first, and its tarball is not committed', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.match(pkg.scripts.prepack, /npm run build/);
    assert.match(fs.readFileSync(path.join(root, '.gitignore'), 'utf8'), /^\*\.tgz$/m);
  });

  it('derives one task id per publisher: a name-based UUID (version 5)', () => {
    // RFC 9562's own example: the DNS namespace and www.example.com.
    assert.equal(packaging.uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const fabrikam = packaging.taskIdFor('fabrikam-tools', 'PackageLifecycle');
    assert.match(fabrikam, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(packaging.taskIdFor('fabrikam-tools', 'PackageLifecycle'), fabrikam, 'the same for the same publisher');
    assert.notEqual(packaging.taskIdFor('contoso', 'PackageLifecycle'), fabrikam, 'another for another publisher');
  });
});

describe('npm run package', function () {
  this.timeout(120_000);
  let outDir: string;

  beforeEach(() => {
    outDir = makeTemp('vsix');
  });
  afterEach(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  function packageScript(...args: string[]) {
    return spawnSync(process.execPath, [path.join(root, 'scripts', 'package.js'), ...args], { cwd: root, encoding: 'utf8' });
  }

  it('builds a .vsix with exactly the extension files, under the publisher given', function () {
    if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) this.skip(); // no bundle until the build makes one
    const manifest = readJson<Manifest>('vss-extension.json');
    const r = packageScript('--publisher', 'fabrikam-tools', '--out-dir', outDir);
    assert.equal(r.status, 0, r.stderr + r.stdout);

    const vsix = path.join(outDir, `fabrikam-tools.${manifest.id}-${manifest.version}.vsix`);
    assert.deepEqual(fs.readdirSync(outDir), [path.basename(vsix)], 'the staging folder is left behind');
    const size = fs.statSync(vsix).size;
    assert.ok(size <= VSIX_MAX_BYTES, `${size} bytes`);
    assert.ok(r.stdout.includes(`${size} bytes`), r.stdout);

    const zip = readZip(fs.readFileSync(vsix));
    const files = [...zip.keys()].filter((n) => !n.endsWith('/'));
    assert.deepEqual(files.sort(), [...VSIX_FILES].sort());
    for (const name of files) assert.ok(r.stdout.includes(name), `${name} missing from the listing`);

    const vsixManifest = zip.get('extension.vsixmanifest')!.toString('utf8');
    assert.match(vsixManifest, /<Identity [^>]*Publisher="fabrikam-tools"/);
    assert.match(vsixManifest, /<License>LICENSE<\/License>/);
    assert.match(vsixManifest, /Content\.Details" [^>]*Path="overview\.md"/);
    // The task as the repository has it, with the publisher's own id and the repository's URL.
    const staged = JSON.parse(zip.get(`${TASK_FOLDER}/task.json`)!.toString('utf8')) as Record<string, unknown>;
    const task = readJson<Record<string, unknown>>('task.json');
    assert.equal(staged.id, packaging.taskIdFor('fabrikam-tools', 'PackageLifecycle'));
    assert.equal(staged.helpUrl, `${REPOSITORY}#readme`);
    assert.equal(staged.helpMarkDown, `${task.helpMarkDown as string} [Learn more](${REPOSITORY}#readme)`);
    assert.deepEqual({ ...staged, id: task.id, helpUrl: undefined, helpMarkDown: task.helpMarkDown }, { ...task, helpUrl: undefined });
    const overview = zip.get('overview.md')!.toString('utf8');
    assert.ok(overview.includes(`${REPOSITORY}/issues`), 'the overview links the repository');
    assert.doesNotMatch(overview, /\{\{\w+\}\}/);
    assert.ok(vsixManifest.includes(REPOSITORY), 'the extension links the repository');
    assert.doesNotMatch(zip.get(`${TASK_FOLDER}/dist/index.js`)!.toString('utf8').slice(-500), /sourceMappingURL/);

    // The task as the agent unpacks it: task-lib finds task.json's messages next to dist/.
    const unpacked = path.join(outDir, 'task');
    for (const name of [`${TASK_FOLDER}/task.json`, `${TASK_FOLDER}/dist/index.js`]) {
      fs.mkdirSync(path.join(unpacked, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(unpacked, name), zip.get(name)!);
    }
    const run = spawnSync(process.execPath, [path.join(unpacked, TASK_FOLDER, 'dist', 'index.js')], { cwd: unpacked, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AGENT_TEMPDIRECTORY: unpacked, INPUT_FEED: 'f' } });
    assert.match(run.stdout, /^##vso\[task\.complete result=Failed;\]System\.TeamFoundationCollectionUri is not set/m, run.stdout);
    assert.doesNotMatch(run.stdout, /^##vso\[task\.issue type=warning/m, "task-lib warns of no message it cannot find");
  });

  it('refuses a publisher id the Marketplace would refuse, before building anything', () => {
    const r = packageScript('--publisher', 'not an id', '--out-dir', outDir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /--publisher 'not an id' is not a Marketplace publisher id/);
    assert.deepEqual(fs.readdirSync(outDir), []);
  });

  it('refuses options it does not know', () => {
    const r = packageScript('--publsher', 'fabrikam', '--out-dir', outDir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown option --publsher/);
  });
});

/** The files of a zip (a .vsix is a zip), by name: stored or deflated entries. */
function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    assert.ok(method === 0 || method === 8, `${name}: compression method ${method}`);
    files.set(name, method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}
