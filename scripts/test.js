// Runs mocha on the compiled tests. The reporter prints "N passed, M failed" as the last line.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const args = [
  mocha,
  '--reporter', path.join(root, 'scripts', 'reporter.js'),
  '--recursive', 'out/tests',
  '--extension', 'test.js',
  '--timeout', '30000',
  ...process.argv.slice(2),
];
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
process.exit(r.status === null ? 1 : r.status);
