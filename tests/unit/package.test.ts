// The extension manifest and the .vsix that scripts/package.js builds: what the Marketplace shows,
// where the extension installs, and exactly which files ship.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { makeTemp } from '../helpers/temp';

const root = path.resolve(__dirname, '../../..');

/** The repository URL placeholder every document and manifest uses. */
const REPOSITORY = 'https://github.com/package-lifecycle/package-lifecycle-task';

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
  links: Record<string, { uri: string }>;
  repository: { type: string; uri: string };
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

  it('links home, get started, support, license and repository, all to the one repository', () => {
    for (const link of ['home', 'getstarted', 'support', 'license', 'repository']) {
      assert.ok(manifest.links[link]?.uri.startsWith(REPOSITORY), link);
    }
    assert.deepEqual(manifest.repository, { type: 'git', uri: REPOSITORY });
  });

  it('keeps the publisher placeholder that --publisher overrides', () => {
    assert.equal(manifest.publisher, 'your-publisher');
  });

  it('every document names the same repository', () => {
    for (const file of ['README.md', 'overview.md', 'task.json', 'vss-extension.json']) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const others = [...text.matchAll(/https:\/\/github\.com\/[^\s)"'#]+/g)]
        .map((m) => m[0])
        .filter((u) => !u.startsWith(REPOSITORY));
      assert.deepEqual(others, [], file);
    }
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
    assert.deepEqual(
      zip.get(`${TASK_FOLDER}/task.json`)!.toString('utf8'),
      fs.readFileSync(path.join(root, 'task.json'), 'utf8'),
    );
    assert.doesNotMatch(zip.get(`${TASK_FOLDER}/dist/index.js`)!.toString('utf8').slice(-500), /sourceMappingURL/);

    // The task as the agent unpacks it: task-lib finds task.json's messages next to dist/.
    const task = path.join(outDir, 'task');
    for (const name of [`${TASK_FOLDER}/task.json`, `${TASK_FOLDER}/dist/index.js`]) {
      fs.mkdirSync(path.join(task, path.dirname(name)), { recursive: true });
      fs.writeFileSync(path.join(task, name), zip.get(name)!);
    }
    const run = spawnSync(process.execPath, [path.join(task, TASK_FOLDER, 'dist', 'index.js')], { cwd: task, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', AGENT_TEMPDIRECTORY: task, INPUT_FEED: 'f' } });
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
