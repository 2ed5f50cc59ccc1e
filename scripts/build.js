// Build: type-check and compile everything (src and tests) with tsc into out/,
// then bundle each entry that exists into dist/, once each: src/task.ts -> dist/index.js (the file
// task.json names; task-lib inside it reads ../task.json at run time) and src/cli.ts -> dist/cli.js
// (executable). Bundles are minified, tree-shaken and carry no source map, so the .vsix stays small.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// The message catalogue's types come from task.json: regenerate them before compiling.
require('./messages');
const tsc = require.resolve('typescript/bin/tsc');
// Compiled files of sources that no longer exist would still run as tests.
fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit', cwd: root });

const entries = [
  { source: path.join(root, 'src', 'task.ts'), out: 'index.js' },
  // The command line, `package-lifecycle` (package.json `bin`): the same engine, its own entry.
  { source: path.join(root, 'src', 'cli.ts'), out: 'cli.js', banner: '#!/usr/bin/env node', executable: true },
].filter((e) => fs.existsSync(e.source));

if (entries.length) {
  const esbuild = require('esbuild');
  const dist = path.join(root, 'dist');
  fs.mkdirSync(dist, { recursive: true });
  const version = JSON.stringify(require(path.join(root, 'package.json')).version);
  for (const e of entries) {
    // Written aside and renamed into place, so a task started meanwhile never finds it half there.
    const next = path.join(dist, `${path.basename(e.out, '.js')}.${process.pid}.tmp.js`);
    esbuild.buildSync({
      entryPoints: [e.source],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: next,
      minify: true,
      treeShaking: true,
      sourcemap: false,
      logLevel: 'warning',
      legalComments: 'none',
      define: { PACKAGE_VERSION: version },
      ...(e.banner ? { banner: { js: e.banner } } : {}),
    });
    if (e.executable) fs.chmodSync(next, 0o755);
    fs.renameSync(next, path.join(dist, e.out));
  }
}
