/**
 * Root hooks (they apply to the whole run): no test leaves a temporary folder behind. Test
 * helpers make them with ./helpers/temp, under this run's own prefix.
 */
import * as assert from 'node:assert/strict';
import { removeRunFolders } from './helpers/in-process';
import { removeTaskFolders } from './helpers/run-task';
import { leftTemp } from './helpers/temp';

after(() => {
  removeRunFolders();
  removeTaskFolders();
  assert.deepEqual(leftTemp(), [], 'temporary folders left behind by the tests');
});
