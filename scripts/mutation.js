// `npm run mutation`: StrykerJS over the code stryker.config.json names, with the in-process tests.
// `npm run mutation -- src/engine/text.ts src/versions` mutates only those files and folders, and
// `npm run mutation -- src/engine/apply.ts:120-140` only those lines.
// Extra options after the paths go to Stryker as they are (`--concurrency 1`, `--logLevel debug`).
// The report is written to reports/mutation/ (index.html and mutation.json).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith('-'));
const targets = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);

// A file may carry Stryker's line range: `src/engine/apply.ts:120-140`.
const patterns = targets.map((t) => {
  const [, file, lines = ''] = /^(.*?)((?::\d+(?::\d+)?-\d+(?::\d+)?)?)$/.exec(t);
  const rel = path.relative(root, path.resolve(file)).split(path.sep).join('/');
  if (rel.startsWith('..') || !fs.existsSync(path.join(root, rel))) {
    console.error(`mutation: ${t} is not a file or folder of this project`);
    process.exit(2);
  }
  return fs.statSync(path.join(root, rel)).isDirectory() ? `${rel.replace(/\/$/, '')}/**/*.ts` : rel + lines;
});

const stryker = path.join(path.dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin', 'stryker.js');
const shim = path.join(__dirname, 'mutation-mocha-shim.js');
const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, `--require ${JSON.stringify(shim)}`].filter(Boolean).join(' ') };
const strykerArgs = [stryker, 'run', 'stryker.config.json', ...(patterns.length ? ['--mutate', patterns.join(',')] : []), ...options];
const r = spawnSync(process.execPath, strykerArgs, { stdio: 'inherit', cwd: root, env });
process.exit(r.status === null ? 1 : r.status);
