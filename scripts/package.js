// npm run package: stage exactly what the extension needs, let tfx-cli build the .vsix offline,
// then print the .vsix path, its size and what it holds.
//
//   npm run package                               # .build/<publisher>.package-lifecycle-<version>.vsix
//   npm run package -- --publisher <id>           # your Marketplace publisher instead of the placeholder
//   npm run package -- --out-dir <dir>            # stage and write into <dir> instead of .build/
//
// --publisher is handed to tfx's own --publisher option, so the manifest keeps its placeholder.
//
// What the packaging writes into the staged copies (the repository's files stay as they are):
// - the task's id, derived from the publisher (a name-based UUID, version 5), so that copies of
//   the extension from two publishers can be installed side by side in one organization;
// - the repository URL, which lives only in package.json `repository`: task.json's helpUrl and
//   "Learn more" link, the extension's links, and the overview's {{repository}}.
//
// Staged layout (the manifest's "files" and contribution name the task folder):
//   vss-extension.json, images/icon.png, overview.md (the Marketplace page), LICENSE
//   PackageLifecycleV1/task.json, icon.png, dist/index.js
// The developer README, sources and source maps stay out.
'use strict';
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const TASK_FOLDER = 'PackageLifecycleV1';

// What goes into the .vsix: [file in the repository, path in the extension].
const STAGED = [
  ['vss-extension.json', 'vss-extension.json'],
  ['images/icon.png', 'images/icon.png'],
  ['overview.md', 'overview.md'],
  ['LICENSE', 'LICENSE'],
  ['task.json', `${TASK_FOLDER}/task.json`],
  ['images/icon.png', `${TASK_FOLDER}/icon.png`],
  ['dist/index.js', `${TASK_FOLDER}/dist/index.js`],
];

/** The namespace of the task ids the packaging derives (the id of the task as the repository has it). */
const TASK_ID_NAMESPACE = '75b94c72-d4b5-4727-b362-24f79c994531';

/** A name-based UUID, version 5 (RFC 9562): SHA-1 of the namespace's 16 bytes and the name. */
function uuidV5(namespace, name) {
  const hash = crypto.createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The task's id for a publisher: the same every time for that publisher, another for another. */
function taskIdFor(publisher, taskName) {
  return uuidV5(TASK_ID_NAMESPACE, `${publisher.toLowerCase()}.${taskName}`);
}

/** package.json's `repository` as a web URL (the one place the project names it). */
function repositoryUrl() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const repo = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository && pkg.repository.url;
  if (!repo) fail('package.json has no repository URL');
  const url = repo.replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  if (!/^https:\/\/\S+$/.test(url)) fail(`package.json repository '${repo}' is not an https URL`);
  return url;
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { publisher: undefined, outDir: path.join(root, '.build') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') fail(`${name} needs a value`);
      return v;
    };
    if (name === '--publisher') opts.publisher = value();
    else if (name === '--out-dir') opts.outDir = path.resolve(value());
    else fail(`unknown option ${arg} (known: --publisher <id>, --out-dir <dir>)`);
  }
  // Marketplace publisher ids are letters, digits, '-' and '_'; anything else would only fail at upload.
  if (opts.publisher !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(opts.publisher)) {
    fail(`--publisher '${opts.publisher}' is not a Marketplace publisher id (letters, digits, '-' and '_')`);
  }
  return opts;
}

function stageFiles(stage, publisher) {
  fs.rmSync(stage, { recursive: true, force: true });
  for (const [from, to] of STAGED) {
    const src = path.join(root, from);
    if (!fs.existsSync(src)) fail(`${from} is missing${from.startsWith('dist') ? ' (run npm run build first)' : ''}`);
    const dest = path.join(stage, to);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(src, dest);
  }
  // A bundle that points at a source map it does not ship would only make debuggers look for it.
  const bundle = path.join(stage, TASK_FOLDER, 'dist', 'index.js');
  const text = fs.readFileSync(bundle, 'utf8');
  const stripped = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
  if (stripped !== text) fs.writeFileSync(bundle, stripped);

  // The extension's version follows task.json's, so the two cannot drift apart.
  const repository = repositoryUrl();
  const taskPath = path.join(stage, TASK_FOLDER, 'task.json');
  const task = JSON.parse(fs.readFileSync(taskPath, 'utf8'));
  const manifestPath = path.join(stage, 'vss-extension.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const v = task.version;
  const taskVersion = `${v.Major}.${v.Minor}.${v.Patch}`;
  if (manifest.version !== taskVersion) {
    console.log(`package: extension version ${manifest.version} -> ${taskVersion} (from task.json)`);
    manifest.version = taskVersion;
  }
  task.id = taskIdFor(publisher ?? manifest.publisher, task.name);
  task.helpUrl = `${repository}#readme`;
  task.helpMarkDown = `${task.helpMarkDown} [Learn more](${repository}#readme)`;
  manifest.links = {
    home: { uri: repository },
    getstarted: { uri: `${repository}#readme` },
    learn: { uri: `${repository}#readme` },
    support: { uri: `${repository}/issues` },
    license: { uri: `${repository}/blob/main/LICENSE` },
    repository: { uri: repository },
  };
  manifest.repository = { type: 'git', uri: repository };
  fs.writeFileSync(taskPath, JSON.stringify(task, null, 2) + '\n');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  const overviewPath = path.join(stage, 'overview.md');
  const overview = fs.readFileSync(overviewPath, 'utf8').replace(/\{\{repository\}\}/g, repository);
  if (/\{\{\w+\}\}/.test(overview)) fail(`overview.md holds a placeholder the packaging does not fill: ${/\{\{\w+\}\}/.exec(overview)[0]}`);
  fs.writeFileSync(overviewPath, overview);
  console.log(`package: task id ${task.id} (publisher ${publisher ?? manifest.publisher}), repository ${repository}`);
  return manifest;
}

/** The entries of a zip's central directory (a .vsix is a zip): name, compressed and full size. */
function zipEntries(zip) {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail('the .vsix is not a zip');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) fail('the .vsix has a damaged central directory');
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    entries.push({ name: zip.toString('utf8', at + 46, at + 46 + nameLen), compressed, size });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

function main() {
  const started = Date.now();
  const opts = parseArgs(process.argv.slice(2));
  const stage = path.join(opts.outDir, 'vsix');
  fs.mkdirSync(opts.outDir, { recursive: true });
  const manifest = stageFiles(stage, opts.publisher);
  // tfx reads an --output-path whose last segment holds a dot as a file name, so name the file here.
  const vsixPath = path.join(opts.outDir, `${opts.publisher ?? manifest.publisher}.${manifest.id}-${manifest.version}.vsix`);

  for (const old of fs.readdirSync(opts.outDir)) {
    if (old.endsWith('.vsix')) fs.rmSync(path.join(opts.outDir, old));
  }

  const tfx = path.join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
  if (!fs.existsSync(tfx)) fail('tfx-cli is not installed (run npm ci)');
  const args = [
    tfx, 'extension', 'create',
    '--root', stage,
    '--manifest-globs', 'vss-extension.json',
    '--output-path', vsixPath,
    '--no-prompt', '--no-color', '--json',
  ];
  if (opts.publisher) args.push('--publisher', opts.publisher);
  let out;
  try {
    out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  } catch (e) {
    fail(`tfx extension create failed (exit ${e.status}); its message is above.${e.stdout ? `\n${e.stdout}` : ''}`);
  }

  let vsix;
  try {
    vsix = JSON.parse(out.slice(out.indexOf('{'))).path;
  } catch {
    vsix = undefined;
  }
  if (!vsix) vsix = vsixPath;
  if (!vsix || !fs.existsSync(vsix)) fail(`tfx did not write a .vsix:\n${out}`);
  fs.rmSync(stage, { recursive: true, force: true });

  const size = fs.statSync(vsix).size;
  const relative = path.relative(process.cwd(), vsix);
  const shown = relative && !relative.startsWith('..') ? relative : vsix;
  console.log(`${shown}  ${(size / 1024).toFixed(1)} KB (${size} bytes)  in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const entries = zipEntries(fs.readFileSync(vsix));
  const width = Math.max(...entries.map((e) => String(e.size).length));
  for (const e of entries) {
    console.log(`  ${String(e.size).padStart(width)}  ${String(e.compressed).padStart(width)}  ${e.name}`);
  }
  console.log(`  ${entries.filter((e) => !e.name.endsWith("/")).length} files, ${entries.length} entries (size, compressed size, name)`);
}

if (require.main === module) main();
module.exports = { uuidV5, taskIdFor, repositoryUrl };
