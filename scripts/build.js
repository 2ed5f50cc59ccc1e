// Build: type-check and compile everything (src and tests) with tsc into out/,
// then bundle the task entry into dist/index.js, the file task.json names.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });

const entry = path.join(root, 'src', 'task.ts');
if (fs.existsSync(entry)) {
  const esbuild = require('esbuild');
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist, { recursive: true });
  // Written aside and renamed into place, so a task started meanwhile never finds it half there.
  const next = path.join(dist, `index.${process.pid}.tmp.js`);
  esbuild.buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: next,
    logLevel: 'warning',
    legalComments: 'none',
  });
  fs.renameSync(next, path.join(dist, 'index.js'));
  // task-lib reads its own message catalogue from lib.json next to the running file.
  const lib = path.join(dist, `lib.${process.pid}.tmp.json`);
  fs.copyFileSync(require.resolve('azure-pipelines-task-lib/lib.json'), lib);
  fs.renameSync(lib, path.join(dist, 'lib.json'));
}
