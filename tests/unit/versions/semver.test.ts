import * as assert from 'node:assert/strict';
import { cargoRule, semverRule } from '../../../src/versions';
import {
  consistencyTests, equalTests, malformedRangeTests, normalizeTests, notRangeTests, orderTests,
  prereleaseTests, rangeTests, validityTests,
} from './helpers';

describe('versions: SemVer 2', () => {
  const rule = semverRule;
  describe('ordering', () => {
    // The SemVer 2 specification's precedence example.
    orderTests(rule, 'specification example', [
      '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11',
      '1.0.0-rc.1', '1.0.0',
    ]);
    orderTests(rule, 'numbers and labels', [
      '0.0.1', '0.1.0', '1.0.0-0', '1.0.0-1', '1.0.0-10', '1.0.0-A', '1.0.0-a', '1.0.0', '1.0.1', '1.2.0', '1.10.0',
      '2.0.0-rc.1', '2.0.0',
    ]);
    orderTests(rule, 'invalid versions first, by string', ['1.0', 'v1.0.0', 'x', '0.0.0', '1.0.0']);
    it('labels compare case-sensitively (ASCII)', () => assert.ok(rule.compare('1.0.0-B', '1.0.0-a') < 0));
  });

  describe('equality', () => {
    equalTests(rule, [['1.0.0+build.1', '1.0.0+build.2'], ['1.0.0-rc.1+x', '1.0.0-rc.1'], ['1.0.0', '1.0.0+0']]);
    it('1.0.0-Beta is not 1.0.0-beta', () => assert.notEqual(rule.compare('1.0.0-Beta', '1.0.0-beta'), 0));
  });

  describe('normalize', () => {
    normalizeTests(rule, [['1.0.0+build.5', '1.0.0'], ['1.0.0-rc.1+sha.abc', '1.0.0-rc.1'], ['1.2.3', '1.2.3'], ['1.0', '1.0']]);
  });

  consistencyTests(rule, ['1.0.0', '1.0.0+a', '1.0.0+b', '1.0.0-a', '1.0.0-A', '1.0.0-a+x', '1.0.1', '1.0', 'junk']);

  describe('validity', () => {
    validityTests(
      rule,
      ['0.0.0', '1.2.3', '1.2.3-alpha.1', '1.2.3+build', '1.2.3-0.a.b-c+x.y', '10.20.30'],
      ['1', '1.2', '1.2.3.4', 'v1.2.3', '=1.2.3', ' 1.2.3', '01.2.3', '1.2.3-01', '1.2.3-', '1.2.3+', '1.2.3-a..b', '^1.2.3', ''],
    );
  });

  describe('pre-release', () => {
    prereleaseTests(rule, ['1.0.0-alpha', '1.0.0-0', '1.0.0-rc.1+build'], ['1.0.0', '1.0.0+build', '1.0', 'junk']);
  });

  describe('ranges', () => {
    rangeTests(rule, [
      { range: '^1.2', in: ['1.2.0', '1.9.9', '1.3.0-beta.1', '1.2.0-rc.1'], out: ['1.1.9', '2.0.0', '2.0.0-alpha', 'v1.3.0'] },
      { range: '^0.2.3', in: ['0.2.3', '0.2.9'], out: ['0.3.0', '0.2.2'] },
      { range: '~1.2.3', in: ['1.2.3', '1.2.9', '1.2.5-beta'], out: ['1.3.0', '1.2.2'] },
      { range: '1.4.*', in: ['1.4.0', '1.4.7', '1.4.0-alpha', '1.4.2-rc.1'], out: ['1.5.0', '1.3.9', '1.5.0-alpha'] },
      { range: '1.x', in: ['1.0.0', '1.99.0', '1.2.0-beta'], out: ['2.0.0', '0.9.0', '2.0.0-beta'] },
      { range: '1.2', in: ['1.2.0', '1.2.9-rc.1'], out: ['1.3.0', '1.1.0'] },
      { range: '1.0.0 - 2.0.0', in: ['1.0.0', '2.0.0', '1.5.0-beta', '2.0.0-rc.1'], out: ['0.9.9', '2.0.1', '2.0.1-alpha'] },
      { range: '>=1.0.0 <2.0.0', in: ['1.0.0', '1.9.9', '1.5.0-beta'], out: ['2.0.0', '0.9.0', '1.0.0-rc.1'] },
      { range: '^1.0.0 || ^3.0.0', in: ['1.2.0', '3.1.0', '3.5.0-beta.2'], out: ['2.0.0', '4.0.0', '3.0.0-beta.2'] },
      { range: '<1.0.0', in: ['0.9.0', '1.0.0-rc.1'], out: ['1.0.0'] },
      { range: '=1.2.3', in: ['1.2.3', '1.2.3+build'], out: ['1.2.4', '1.2.3-rc'] },
    ]);
  });

  describe('selectors that are not ranges', () => {
    notRangeTests(rule, ['1.2.3', '1.2.3-beta.1', '', 'latest', 'next', '1.2.3.4']);
  });

  describe('malformed ranges', () => {
    malformedRangeTests(rule, ['>=abc', '^', '>1 <', '1.2.3 -', '1.*.3', '=>1', '>=1.0.0 <2.0.0 ||', '||', '^1 || || ^2', 'x.1', '>=1.0, <2.0']);
  });
});

describe('versions: Cargo', () => {
  const rule = cargoRule;
  it('orders like SemVer 2', () => {
    const list = ['0.1.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0', '1.0.1'];
    assert.deepEqual([...list].reverse().sort(rule.compare), list);
  });
  prereleaseTests(rule, ['1.0.0-alpha'], ['1.0.0+meta']);
  validityTests(rule, ['1.0.0', '0.1.0-alpha+x'], ['1.0', 'v1.0.0']);

  describe('requirements', () => {
    rangeTests(rule, [
      { range: '>=1.0, <2.0', in: ['1.0.0', '1.9.9', '1.5.0-beta'], out: ['2.0.0', '0.9.9'] },
      { range: '>=1.0,<2.0', in: ['1.5.0'], out: ['2.0.0'] },
      { range: '>= 1.2.0, < 1.5', in: ['1.4.9'], out: ['1.5.0', '1.1.0'] },
      { range: '^1.2.3', in: ['1.2.3', '1.9.0', '1.3.0-rc.1'], out: ['2.0.0', '1.2.2'] },
      { range: '~1.2', in: ['1.2.0', '1.2.7'], out: ['1.3.0'] },
      { range: '=1.2.3', in: ['1.2.3'], out: ['1.2.4'] },
      // The crate's wildcard comparator matches a pre-release only with its own pre-release part.
      { range: '1.*', in: ['1.0.0', '1.4.2'], out: ['2.0.0', '1.4.2-beta'] },
      { range: '1.4.*', in: ['1.4.0', '1.4.9'], out: ['1.5.0'] },
      // A partial bare version is a caret requirement, as Cargo reads it.
      { range: '1.2', in: ['1.2.0', '1.2.5', '1.3.0', '1.9.0'], out: ['2.0.0', '1.1.0'] },
      // Inside a comma list every bare version is a caret requirement.
      { range: '0.1.0, 0.1.4, 0.1.6', in: ['0.1.6', '0.1.9', '0.1.7-rc.1'], out: ['0.1.0', '0.1.4', '0.2.0'] },
      { range: '>=1.2.3, 1.4', in: ['1.4.0', '1.8.0'], out: ['1.3.0', '2.0.0'] },
    ]);
  });

  describe('selectors that are not ranges', () => {
    notRangeTests(rule, ['1.2.3', '', 'latest', 'next']);
  });

  describe('malformed requirements', () => {
    malformedRangeTests(rule, [
      '^1 || ^2', '1.0.0 - 2.0.0', '>=1.0,', ',<2.0', '>=1.0,,<2.0', '>=1.0 <2.0', '>=abc, <2', '1.*.3',
      // A wildcard must be the only comparator; text with * that Cargo does not take is no range.
      '*, 0.20.0-any', '0.20.0-any, *', '*-rc*', '1.0.*-beta',
    ]);
  });
});
