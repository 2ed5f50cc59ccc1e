// npm run package: stage exactly what the extension needs, let tfx-cli build the .vsix offline,
// then print the .vsix path, its size and what it holds.
//
//   npm run package                               # .build/<publisher>.package-lifecycle-<version>.vsix
//   npm run package -- --publisher <id>           # your Marketplace publisher instead of the placeholder
//   npm run package -- --out-dir <dir>            # stage and write into <dir> instead of .build/
//
// --publisher is handed to tfx's own --publisher option, so the manifest keeps its placeholder.
//
// Staged layout (the manifest's "files" and contribution name the task folder):
//   vss-extension.json, images/icon.png, overview.md (the Marketplace page), LICENSE
//   PackageLifecycleV1/task.json, icon.png, dist/index.js
// The developer README, sources and source maps stay out.
'use strict';
const { execFileSync } = require('node:child_process');
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

function stageFiles(stage) {
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
  const task = JSON.parse(fs.readFileSync(path.join(root, 'task.json'), 'utf8'));
  const manifestPath = path.join(stage, 'vss-extension.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  const v = task.version;
  const taskVersion = `${v.Major}.${v.Minor}.${v.Patch}`;
  if (manifest.version !== taskVersion) {
    console.log(`package: extension version ${manifest.version} -> ${taskVersion} (from task.json)`);
    manifest.version = taskVersion;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  }
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
  const manifest = stageFiles(stage);
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

main();
