// Mocha's spec reporter, plus one closing line that CI reads: "N passed, M failed[, K skipped]".
'use strict';
const mocha = require('mocha');
const Spec = (mocha.reporters || mocha.default.reporters).Spec;

class CountingReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = this.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}
module.exports = CountingReporter;
