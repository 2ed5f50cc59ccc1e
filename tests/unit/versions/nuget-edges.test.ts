/**
 * NuGet versions at their edges: leading zeros, 32-bit limits of numeric labels, metadata, and
 * floating ranges whose digits, spaces or bounds decide which versions a selector picks.
 */
import * as assert from 'node:assert/strict';
import { FailureError } from '../../../src/engine/failures';
import { parseVersionSelector } from '../../../src/engine/select';
import { nugetRule } from '../../../src/versions';
import { malformedRangeTests, normalizeTests, orderTests, rangeTests, validityTests } from './helpers';

const rule = nugetRule;

describe('versions: NuGet at the edges', () => {
  describe('validity', () => {
    validityTests(
      rule,
      // An alphanumeric label may start with 0; metadata may have leading zeros; many leading zeros before a part are fine.
      ['1.0.0-01a', '1.0.0-0a.1', '1.0.0+01', '1.0.0-beta+001.02', '000000000001.0.0', '1.00000000002.0'],
      ['1.0.0-001', '1.0.0-beta+', '1.0.0-beta+a..b', '1.0.0-beta.00', '1.0.0-beta+a_b'],
    );
    normalizeTests(rule, [
      ['000000000001.0.0', '1.0.0'],
      ['1.0.0-beta+001', '1.0.0-beta'],
    ]);
  });

  describe('ordering of label identifiers', () => {
    orderTests(rule, 'numbers compare as numbers, within 32 bits', ['1.0.0-20', '1.0.0-100', '1.0.0-2147483647']);
    orderTests(rule, 'numbers before words, even words that sort before digits', ['1.0.0-5', '1.0.0--a', '1.0.0-A0']);
    orderTests(rule, 'beyond 32 bits an identifier is a word, compared as text', ['1.0.0-2147483647', '1.0.0-10000000000', '1.0.0-9999999999']);
    orderTests(rule, 'negative numbers down to -2147483648 are numbers', ['1.0.0--2147483648', '1.0.0--1', '1.0.0-0', '1.0.0--2147483649']);
    orderTests(rule, 'only plain digits are numbers (not 1e0)', ['1.0.0-1', '1.0.0-5', '1.0.0-1e0', '1.0.0-a']);
  });

  describe('floating ranges', () => {
    rangeTests(rule, [
      // The contract's prefix reading, with the written digits as the minimum.
      { range: '1.101*', in: ['1.101.0', '1.101.5', '1.1015.0', '1.1010.2'], out: ['1.100.9', '1.10.0', '1.102.0', '1.11.0', '2.101.0'] },
      { range: '1.100*', in: ['1.100.0', '1.1000.0'], out: ['1.10.0', '1.101.0', '1.1.0'] },
      { range: '1.001*', in: ['1.1.0', '1.15.0'], out: ['1.0.0', '1.2.0', '1.01.0-beta'] },
      { range: '1. 2*', in: ['1.2.0', '1.25.0'], out: ['1.3.0', '1.12.0'] },
      // A pre-release float whose label holds a dot and a dash: the label as written is the prefix.
      { range: '1.0.0-beta.1-x*', in: ['1.0.0-beta.1-x', '1.0.0-beta.1-xy'], out: ['1.0.0-beta.2', '1.0.0-beta1-x', '1.0.1-beta.1-x'] },
      // A float as an interval's lower bound.
      { range: '[*, 2.0)', in: ['0.0.0', '1.9.9', '1.0.0-beta'], out: ['2.0', '0.0.0-a', '0.0.0-z'] },
      { range: '[*-*, 2.0)', in: ['0.0.0-0', '0.0.0-a', '1.9.9'], out: ['2.0', '0.0.0--1'] },
      { range: '[ *, 2.0)', in: ['0.0.0', '1.0', '1.9.9'], out: ['2.0', '3.0'] },
      { range: '( ,2.0)', in: ['1.0', '0.0.1'], out: ['2.0', '2.1'] },
    ]);
  });

  describe('malformed ranges', () => {
    malformedRangeTests(rule, ['[1.0,2.00', '(1.0,2.00', '[1.0.0)']);
  });

  it('names NuGet in the reason a selector is refused', () => {
    assert.throws(
      () => parseVersionSelector({ input: 'packages', line: 3, text: 'Contoso.Core@abc', name: 'Contoso.Core', version: 'abc' } as never, rule),
      (e: unknown) => e instanceof FailureError && e.failure.kind === 'badInput' && e.failure.message.args[3] === 'not a NuGet version, range or wildcard',
    );
  });
});
