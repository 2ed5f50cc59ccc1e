import * as assert from 'node:assert/strict';
describe('toolchain', () => {
  it('runs compiled tests', () => { assert.equal(1 + 1, 2); });
});
