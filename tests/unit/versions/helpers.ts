import * as assert from 'node:assert/strict';
import { VersionRule, VersionSelectorError } from '../../../src/versions/types';

/** A fixed shuffle (seeded LCG), so a failure can be reproduced. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Defines tests that `ascending` is the rule's order, from shuffles and pair by pair. */
export function orderTests(rule: VersionRule, title: string, ascending: readonly string[]): void {
  describe(title, () => {
    for (const seed of [1, 7, 42]) {
      it(`sorts a shuffled list back into order (seed ${seed})`, () => {
        const input = shuffled(ascending, seed);
        assert.notDeepEqual(input, ascending, 'the shuffle should move something');
        assert.deepEqual([...input].sort(rule.compare), [...ascending]);
      });
    }
    for (let i = 0; i + 1 < ascending.length; i++) {
      const [lo, hi] = [ascending[i], ascending[i + 1]];
      it(`${lo} < ${hi}`, () => {
        assert.ok(rule.compare(lo, hi) < 0, `compare(${lo}, ${hi}) should be negative`);
        assert.ok(rule.compare(hi, lo) > 0, `compare(${hi}, ${lo}) should be positive`);
      });
    }
  });
}

export function equalTests(rule: VersionRule, pairs: ReadonlyArray<readonly [string, string]>): void {
  for (const [a, b] of pairs) {
    it(`${a} == ${b}`, () => {
      assert.equal(rule.compare(a, b), 0);
      assert.equal(rule.compare(b, a), 0);
    });
  }
}

export function normalizeTests(rule: VersionRule, cases: ReadonlyArray<readonly [string, string]>): void {
  for (const [input, expected] of cases) {
    it(`normalize(${input}) = ${expected}`, () => assert.equal(rule.normalize(input), expected));
  }
}

export function validityTests(rule: VersionRule, valid: readonly string[], invalid: readonly string[]): void {
  for (const v of valid) it(`accepts ${JSON.stringify(v)}`, () => assert.equal(rule.isValid(v), true));
  for (const v of invalid) it(`rejects ${JSON.stringify(v)}`, () => assert.equal(rule.isValid(v), false));
}

export function prereleaseTests(rule: VersionRule, pre: readonly string[], stable: readonly string[]): void {
  for (const v of pre) it(`${v} is a pre-release`, () => assert.equal(rule.isPrerelease(v), true));
  for (const v of stable) it(`${v} is not a pre-release`, () => assert.equal(rule.isPrerelease(v), false));
}

export interface RangeCase {
  range: string;
  in: readonly string[];
  out: readonly string[];
}

export function rangeTests(rule: VersionRule, cases: readonly RangeCase[]): void {
  for (const c of cases) {
    describe(c.range, () => {
      for (const v of c.in) {
        it(`admits ${v}`, () => {
          const p = rule.parseRange(c.range);
          assert.ok(p, 'should be a range');
          assert.equal(p(v), true);
        });
      }
      for (const v of c.out) {
        it(`excludes ${v}`, () => {
          const p = rule.parseRange(c.range);
          assert.ok(p, 'should be a range');
          assert.equal(p(v), false);
        });
      }
    });
  }
}

export function malformedRangeTests(rule: VersionRule, selectors: readonly string[]): void {
  for (const s of selectors) {
    it(`${JSON.stringify(s)} throws VersionSelectorError`, () => {
      assert.throws(
        () => rule.parseRange(s),
        (e: unknown) => e instanceof VersionSelectorError && e.selector === s.trim() && e.reason.length > 0,
      );
    });
  }
}

export function notRangeTests(rule: VersionRule, selectors: readonly string[]): void {
  for (const s of selectors) {
    it(`${JSON.stringify(s)} is not a range (null)`, () => assert.equal(rule.parseRange(s), null));
  }
}

/** Over a corpus: compare() == 0 exactly when normalize() agrees, and compare is antisymmetric. */
export function consistencyTests(rule: VersionRule, corpus: readonly string[]): void {
  it('compare is antisymmetric and agrees with normalize over the corpus', () => {
    for (const a of corpus) {
      for (const b of corpus) {
        const ab = Math.sign(rule.compare(a, b)) || 0;
        assert.equal(ab, -Math.sign(rule.compare(b, a)) || 0, `${a} vs ${b}`);
        assert.equal(ab === 0, rule.normalize(a) === rule.normalize(b), `${a} vs ${b}: compare ${ab}`);
      }
    }
  });
  it('normalize is idempotent and keeps the version equal', () => {
    for (const v of corpus) {
      const n = rule.normalize(v);
      assert.equal(rule.normalize(n), n, v);
      assert.equal(rule.compare(v, n), 0, v);
    }
  });
}
