// The test log: one line per top-level suite with its counts, each failure as it happens, every
// failure in full at the end (mocha's own epilogue), and one closing line that CI reads:
// "N passed, M failed[, K skipped]". Not a line per test: the upstream version suites alone hold
// thousands of cases.
'use strict';
const mocha = require('mocha');
const { Base } = mocha.reporters || mocha.default.reporters;

class CountingReporter extends Base {
  constructor(runner, options) {
    super(runner, options);
    const counts = new Map();
    /** The top-level suite a test or hook belongs to (the root for tests outside any suite). */
    const topOf = (runnable) => {
      let s = runnable.parent;
      while (s && s.parent && !s.parent.root) s = s.parent;
      return s;
    };
    const bump = (runnable, kind) => {
      const top = topOf(runnable);
      const c = counts.get(top) || { passed: 0, failed: 0, skipped: 0 };
      c[kind]++;
      counts.set(top, c);
    };
    const line = (title, c) => {
      const parts = [`${c.passed} passed`];
      if (c.failed) parts.push(`${c.failed} failed`);
      if (c.skipped) parts.push(`${c.skipped} skipped`);
      process.stdout.write(`  ${c.failed ? '✖' : '✔'} ${title}: ${parts.join(', ')}\n`);
    };
    runner.on('pass', (t) => bump(t, 'passed'));
    runner.on('pending', (t) => bump(t, 'skipped'));
    runner.on('fail', (t) => {
      bump(t, 'failed');
      process.stdout.write(`  ✖ FAILED: ${t.fullTitle()}\n`);
    });
    runner.on('suite end', (suite) => {
      if (suite.parent && suite.parent.root && counts.has(suite)) line(suite.title, counts.get(suite));
    });
    runner.once('end', () => {
      const loose = counts.get(runner.suite);
      if (loose) line('(tests outside a suite)', loose);
      this.epilogue();
      const s = this.stats;
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`${s.passes} passed, ${s.failures} failed${skipped}\n`);
    });
  }
}
module.exports = CountingReporter;
