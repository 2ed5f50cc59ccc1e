// npm run package: stage exactly what the extension needs into .build/vsix/, then let tfx-cli
// build the .vsix offline into .build/. Prints the .vsix path and size.
//
// Staged layout (the manifest's "files" and contribution name the task folder):
//   vss-extension.json, images/icon.png, README.md, LICENSE (if present)
//   PackageLifecycleV1/task.json, icon.png, dist/index.js, dist/lib.json
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const buildDir = path.join(root, '.build');
const stage = path.join(buildDir, 'vsix');
const TASK_FOLDER = 'PackageLifecycleV1';

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}

function copy(from, to) {
  const src = path.join(root, from);
  if (!fs.existsSync(src)) fail(`${from} is missing${from.startsWith('dist') ? ' (run npm run build first)' : ''}`);
  const dest = path.join(stage, to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(src, dest);
}

function main() {
  const started = Date.now();
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });

  copy('vss-extension.json', 'vss-extension.json');
  copy('images/icon.png', 'images/icon.png');
  copy('README.md', 'README.md');
  if (fs.existsSync(path.join(root, 'LICENSE'))) copy('LICENSE', 'LICENSE');

  copy('task.json', `${TASK_FOLDER}/task.json`);
  copy('images/icon.png', `${TASK_FOLDER}/icon.png`);
  copy('dist/index.js', `${TASK_FOLDER}/dist/index.js`);
  copy('dist/lib.json', `${TASK_FOLDER}/dist/lib.json`);

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

  for (const old of fs.readdirSync(buildDir)) {
    if (old.endsWith('.vsix')) fs.rmSync(path.join(buildDir, old));
  }

  const tfx = path.join(root, 'node_modules', 'tfx-cli', '_build', 'tfx-cli.js');
  if (!fs.existsSync(tfx)) fail('tfx-cli is not installed (run npm ci)');
  const out = execFileSync(
    process.execPath,
    [
      tfx, 'extension', 'create',
      '--root', stage,
      '--manifest-globs', 'vss-extension.json',
      '--output-path', buildDir,
      '--no-prompt', '--no-color', '--json',
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );

  let vsix;
  try {
    vsix = JSON.parse(out.slice(out.indexOf('{'))).path;
  } catch {
    vsix = undefined;
  }
  if (!vsix) vsix = fs.readdirSync(buildDir).filter((f) => f.endsWith('.vsix')).map((f) => path.join(buildDir, f))[0];
  if (!vsix || !fs.existsSync(vsix)) fail(`tfx did not write a .vsix:\n${out}`);

  const size = fs.statSync(vsix).size;
  console.log(`${path.relative(process.cwd(), vsix) || vsix}  ${(size / 1024).toFixed(1)} KB (${size} bytes)  in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main();
