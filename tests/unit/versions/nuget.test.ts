import * as assert from 'node:assert/strict';
import { nugetRule } from '../../../src/versions';
import {
  consistencyTests, equalTests, malformedRangeTests, normalizeTests, notRangeTests, orderTests,
  prereleaseTests, rangeTests, validityTests,
} from './helpers';

const rule = nugetRule;

describe('versions: NuGet', () => {
  describe('ordering', () => {
    // NuGet's documented pre-release example, lowest first: labels compare as text, case-insensitively.
    orderTests(rule, 'documented pre-release labels of 1.0.1', [
      '1.0.1-aaa', '1.0.1-alpha10', '1.0.1-alpha2', '1.0.1-beta', '1.0.1-open', '1.0.1-rc', '1.0.1-zzz', '1.0.1',
    ]);
    // SemVer 2 precedence example, which NuGet follows for dotted labels.
    orderTests(rule, 'SemVer 2 labels', [
      '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11',
      '1.0.0-rc.1', '1.0.0',
    ]);
    orderTests(rule, 'numeric parts, four of them, and labels against numbers', [
      '0.9', '1.0.0-0', '1.0.0-2', '1.0.0-10', '1.0.0-a', '1.0.0-a.0', '1.0', '1.0.0.1-beta', '1.0.0.1', '1.0.0.2',
      '1.0.1', '1.2', '1.10', '2.0.0-rc.1', '2.0.0', '10.0.0',
    ]);
    orderTests(rule, 'invalid versions first, by string', ['a', 'not-a-version', 'z', '0.0.1', '1.0.0']);
    it('numeric label identifiers compare as numbers, not text', () => {
      assert.ok(rule.compare('1.0.0-beta.2', '1.0.0-beta.10') < 0);
      assert.ok(rule.compare('1.0.0-beta2', '1.0.0-beta10') > 0);
    });
  });

  describe('equality', () => {
    equalTests(rule, [
      ['1.0', '1.0.0'],
      ['1', '1.0.0.0'],
      ['1.0.0', '1.0.0.0'],
      ['01.0', '1.0.0'],
      ['1.00.01', '1.0.1'],
      ['1.0.0-Beta', '1.0.0-beta'],
      ['1.0.0-RC.1', '1.0.0-rc.1'],
      ['1.0.0+abc', '1.0.0'],
      ['1.0.0-beta+sha.1', '1.0.0-beta+sha.2'],
    ]);
    it('1.0.0.1 is not 1.0.0', () => assert.notEqual(rule.compare('1.0.0.1', '1.0.0'), 0));
  });

  describe('normalize', () => {
    normalizeTests(rule, [
      ['1.0', '1.0.0'],
      ['1', '1.0.0'],
      ['1.00', '1.0.0'],
      ['1.00.0.0', '1.0.0'],
      ['1.0.01.0', '1.0.1'],
      ['1.01.1', '1.1.1'],
      ['1.0.0.4', '1.0.0.4'],
      ['1.0.7+r3456', '1.0.7'],
      ['1.0.0-Beta.1', '1.0.0-beta.1'],
      [' 1.0 ', '1.0.0'],
      ['1 . 2', '1.2.0'],
      ['1.0.0-BETA1', '1.0.0-beta1'],
      ['2.3.4-alpha-1+build.5', '2.3.4-alpha-1'],
      ['not a version', 'not a version'],
    ]);
  });

  consistencyTests(rule, [
    '1', '1.0', '1.0.0', '1.0.0.0', '1.0.0.1', '01.2', '1.2.0', '1.0.0-beta', '1.0.0-BETA', '1.0.0-beta.1',
    '1.0.0-beta1', '1.0.0-rc+x', '1.0.0-rc', '1.0.0+meta', '2.0', 'junk',
  ]);

  describe('validity', () => {
    validityTests(
      rule,
      ['1', '1.0', '1.0.0', '1.0.0.0', '1.0.0-beta', '1.0.0-beta1', '1.0.0-beta.1+build.5', '1.0.0+meta',
        '01.002.3', '2147483647.0.0', '1.0.0-a-b.c-d', ' 1.0', '1 . 0', '1.0.0-0A'],
      ['', '1.0.0.0.0', 'v1.0.0', '1.0.0-', '1.0.0+', '1.0.0-beta..1', '1.0.0-beta_1', '1.a', '.1', '1.',
        '2147483648.0.0', '[1.0]', '1.*', '0.9.1*', '1.2*', '1.0.0-beta.01', '1.0.0-01',
        '1 0.1'],
    );
  });

  describe('pre-release', () => {
    prereleaseTests(rule, ['1.0.0-beta', '1.0.0-0', '1.0.0.1-rc.1', '1.0-alpha+meta'], ['1.0', '1.0.0+meta', '1.0.0.1', 'junk']);
  });

  describe('interval ranges (NuGet version range table)', () => {
    rangeTests(rule, [
      { range: '[1.0,)', in: ['1.0', '1.0.0', '1.0.1', '99.0', '1.1.0-beta'], out: ['0.9', '1.0.0-rc.1'] },
      { range: '(1.0,)', in: ['1.0.0.1', '1.0.1-alpha', '2.0'], out: ['1.0', '1.0.0.0', '0.1'] },
      { range: '[1.0]', in: ['1.0', '1.0.0.0', '1.0.0+meta'], out: ['1.0.1', '1.0.0-beta', '0.9'] },
      { range: '(,1.0]', in: ['1.0', '0.1', '1.0.0-beta'], out: ['1.0.0.1', '1.0.1-beta'] },
      { range: '(,1.0)', in: ['0.9.9', '1.0.0-rc.2'], out: ['1.0', '1.1'] },
      { range: '[1.0,2.0]', in: ['1.0', '1.5', '2.0', '2.0.0-beta'], out: ['0.9', '2.0.0.1', '2.0.1'] },
      { range: '(1.0,2.0)', in: ['1.0.1', '1.9.9', '1.5.0-beta', '2.0.0-rc.1'], out: ['1.0', '2.0', '1.0.0-beta'] },
      { range: '[1.0,2.0)', in: ['1.0', '1.9', '1.2.3-beta.1'], out: ['2.0', '0.9', '0.9-beta', '1.0.0-beta'] },
      { range: '[1.0.0-beta,1.0.0]', in: ['1.0.0-beta', '1.0.0-beta.2', '1.0.0-RC', '1.0.0'], out: ['1.0.0-alpha', '1.0.1'] },
      { range: '[ 1.0 , 2.0 )', in: ['1.5'], out: ['2.0'] },
      // NuGet takes these, though no version can fall inside (or every one can, with a space).
      { range: '(1.0,1.0)', in: [], out: ['1.0', '1.0.0-a', '0.9', '1.1'] },
      { range: '(, )', in: ['0.0.1', '1.0.0-a', '99.0'], out: ['junk'] },
    ]);
  });

  describe('floating versions as wildcards', () => {
    rangeTests(rule, [
      { range: '1.4.*', in: ['1.4', '1.4.0', '1.4.9', '1.4.0.7', '1.4.2-beta'], out: ['1.5.0', '1.3.9', '1.40.0', '2.4.0', 'junk', '1.4.0-beta'] },
      // The contract's reading of digits before the star: a prefix of that part (NuGet itself takes
      // 0.9.10 and everything above it in 0.9.x).
      {
        range: '0.9.1*',
        in: ['0.9.1', '0.9.10', '0.9.15', '0.9.19', '0.9.100', '0.9.1.3', '0.9.12-beta'],
        out: ['0.9.2', '0.9.25', '0.9.0', '0.10.1', '0.9.9', '0.10.0', '1.0.0', '0.9.1-beta', '0.9.21', '1.9.1'],
      },
      { range: '1.2*', in: ['1.2', '1.2.7', '1.20.0', '1.29.3', '1.200.1'], out: ['1.3.0', '1.30.0', '1.1.0', '2.2.0', '1.12.0'] },
      { range: '1*', in: ['1.0', '1.9.9', '10.0', '19.2', '100.0'], out: ['2.0', '20.0', '0.1'] },
      { range: '1.2.3.4*', in: ['1.2.3.4', '1.2.3.45'], out: ['1.2.3.5', '1.2.4.4'] },
      { range: '0.9.01*', in: ['0.9.1', '0.9.15'], out: ['0.9.2', '0.9.0'] },
      { range: '1.0*', in: ['1.0', '1.0.9'], out: ['1.1', '1.10', '1.20'] },
      { range: '1.0.1*-beta*', in: ['1.0.1-beta', '1.0.12-beta.2', '1.0.1', '1.0.15'], out: ['1.0.2-beta', '1.0.1-alpha', '1.0.12-rc', '1.1.1-beta'] },
      { range: '1.1*-*', in: ['1.1.0', '1.10.0-rc.1', '1.1.0-0'], out: ['1.2.0-rc.1', '1.20.0', '2.1.0'] },
      // Inside an interval the float keeps the prefix reading and the bounds cut it.
      { range: '[0.9.1*, 0.9.15]', in: ['0.9.1', '0.9.10', '0.9.15'], out: ['0.9.16', '0.9.2', '0.9.0', '0.9.19'] },
      { range: '(0.9.1*, )', in: ['0.9.10', '0.9.19'], out: ['0.9.1', '0.9.2'] },
      { range: '[1.1*-*, 2.0.0)', in: ['1.10.1', '1.1.0-beta'], out: ['1.2.0', '3.1.0'] },
      { range: '[1.*,2.0)', in: ['1.0', '1.9.9', '1.5.0-beta'], out: ['2.0', '0.9', '1.0.0-beta'] },
      { range: '[1.*-alpha*, 2.0.0)', in: ['1.0.0-alpha', '1.5.0', '1.5.0-alpha.2'], out: ['1.5.0-beta', '2.0.0', '0.9.0'] },
      { range: '[1.0.*, )', in: ['1.0.0', '1.0.7'], out: ['1.1.0', '0.9.0', '1.0.0-beta'] },
      { range: '1.*', in: ['1.0', '1.99.3', '1.2.0-rc.1'], out: ['2.0', '0.9', '11.0', '1.0.0-rc.1'] },
      { range: '1.2.3.*', in: ['1.2.3', '1.2.3.9', '1.2.3.1-beta'], out: ['1.2.4', '1.2.30'] },
      { range: '1.4.0-*', in: ['1.4.0-alpha', '1.4.0-rc.2', '1.4.0'], out: ['1.4.1', '1.4.1-alpha', '1.3.9'] },
      { range: '1.4.0-beta*', in: ['1.4.0-beta', '1.4.0-beta2', '1.4.0-BETA.3', '1.4.0'], out: ['1.4.0-alpha', '1.4.0-rc', '1.4.1-beta'] },
      { range: '1.4.0-beta.*', in: ['1.4.0-beta.1', '1.4.0'], out: ['1.4.0-beta', '1.4.0-beta1'] },
      { range: '1.4.*-*', in: ['1.4.0', '1.4.3-rc.1', '1.4.0-alpha'], out: ['1.5.0-alpha', '1.3.0'] },
      { range: '1.4.*-rc*', in: ['1.4.3-rc.1', '1.4.2'], out: ['1.4.3-beta', '1.5.0-rc.1'] },
      { range: '*-*', in: ['0.0.1-a', '7.0'], out: ['junk'] },
      { range: '*', in: ['0.0.1-a', '7.0'], out: ['junk'] },
    ]);
  });

  describe('selectors that are not ranges', () => {
    // A bare version is exact for the engine; NuGet's own "1.0 or higher" reading is not offered.
    notRangeTests(rule, ['1.0', '1.0.0', '1.0.0-beta', '1.0.0.0', '', '  ', 'latest', 'abc']);
  });

  describe('malformed ranges', () => {
    malformedRangeTests(rule, [
      '(1.0)', '[1.0)', '(1.0]', '[1.0,2.0', '[1.0,2.0,3.0]', '[2.0,1.0]', '[1.0,1.0)', '[a,2.0]',
      '[]', '[1.0],[2.0,)', '1.*.3', '1.2.3.4.*', '**', '1.4.0-*-*', '1.4.0-be*ta',
      '1.4.0-*x', '>=1.0', '^1.2', '1.0 - 2.0', '1.4.*-be_ta*', 'x.*', '(,)', '[,]', '[,)', '(,]',
    ]);
  });
});
