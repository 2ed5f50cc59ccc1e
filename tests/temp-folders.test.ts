/**
 * Root hooks (they apply to the whole run): no test leaves a `plc-*` temporary folder behind.
 * Test helpers name their folders `plc-…`.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { removeRunFolders } from './helpers/in-process';
import { removeTaskFolders } from './helpers/run-task';

const ours = () => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('plc-')));
let atStart = new Set<string>();

before(() => {
  atStart = ours();
});

after(() => {
  removeRunFolders();
  removeTaskFolders();
  const left = [...ours()].filter((n) => !atStart.has(n));
  assert.deepEqual(left, [], 'temporary folders left behind by the tests');
});
