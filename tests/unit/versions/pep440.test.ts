import * as assert from 'node:assert/strict';
import { pep440Rule } from '../../../src/versions';
import {
  consistencyTests, equalTests, malformedRangeTests, normalizeTests, notRangeTests, orderTests,
  prereleaseTests, rangeTests, validityTests,
} from './helpers';

const rule = pep440Rule;

describe('versions: PEP 440', () => {
  describe('ordering', () => {
    // The summary of permitted suffixes and relative ordering given in PEP 440.
    orderTests(rule, 'the specification example', [
      '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
      '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7',
      '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1',
    ]);
    orderTests(rule, 'epochs outrank release numbers', ['2013.10', '2014.04', '1!0.1', '1!1.0', '1!1.1', '2!0.0.1']);
    orderTests(rule, 'release segments of different lengths', ['0.9', '1.0a1', '1', '1.0.1', '1.1', '1.10', '2']);
    orderTests(rule, 'invalid versions first, by string', ['1.0-foo', 'abc', 'zzz', '0.1', '1.0']);
  });

  describe('equality', () => {
    equalTests(rule, [
      ['1.0', '1.0.0'], ['1', '1.0.0.0'], ['1.0-alpha1', '1.0a1'], ['1.0.a.1', '1.0a1'], ['1.0c1', '1.0rc1'],
      ['1.0pre1', '1.0rc1'], ['1.0-1', '1.0.post1'], ['1.0.rev1', '1.0.post1'], ['1.0-dev', '1.0.dev0'],
      ['v1.0', '1.0'], ['0!1.0', '1.0'], ['1.0+ABC', '1.0+abc'], ['1.0+ubuntu-1', '1.0+ubuntu.1'], ['01.02', '1.2'],
    ]);
    it('a local version is not the public one', () => assert.notEqual(rule.compare('1.0+abc', '1.0'), 0));
    it('1.0 and 1.0.0 are equal yet keep their own normalised spelling', () => {
      assert.equal(rule.compare('1.0', '1.0.0'), 0);
      assert.equal(rule.normalize('1.0'), '1.0');
      assert.equal(rule.normalize('1.0.0'), '1.0.0');
    });
  });

  describe('normalize', () => {
    normalizeTests(rule, [
      ['1.0.0a1', '1.0.0a1'], ['1.0-alpha1', '1.0a1'], ['1.0ALPHA1', '1.0a1'], ['1.0-beta.2', '1.0b2'],
      ['1.0c1', '1.0rc1'], ['1.0preview2', '1.0rc2'], ['1.0a', '1.0a0'], ['1.0.post1', '1.0.post1'],
      ['1.0-1', '1.0.post1'], ['1.0_r2', '1.0.post2'], ['1.0.post', '1.0.post0'], ['1.0.dev0', '1.0.dev0'],
      ['1.0-dev', '1.0.dev0'], ['v1.0', '1.0'], ['0!1.0', '1.0'], ['1!1.0', '1!1.0'],
      ['1.0+Ubuntu-1', '1.0+ubuntu.1'], ['1.0+abc.007', '1.0+abc.7'], ['01.002', '1.2'], ['not-a-version', 'not-a-version'],
    ]);
  });

  // Same release-segment length throughout, where normalised spelling and equality coincide.
  consistencyTests(rule, [
    '1.0', '1.0a1', '1.0-alpha1', '1.0.a1', '1.0ALPHA.1', '1.0b2', '1.0rc1', '1.0c1', '1.0.post1', '1.0-1',
    '1.0.dev0', '1.0-dev', '1.0+abc', '1.0+ABC', '1!1.0', 'v1.0', '1.1', 'junk',
  ]);

  describe('validity', () => {
    validityTests(
      rule,
      ['1', '1.0', '1.0.0.0.0', '1!2.0', '1.0a1', '1.0.post1.dev2', 'v1.0', '1.0+local.7', '1.0-alpha1', '2013.10'],
      ['', '1.0-foo', 'abc', '1..0', '1.0+', '1.0 ', ' 1.0', '1.0.*', '>=1.0', '1.0+a+b'],
    );
  });

  describe('pre-release', () => {
    prereleaseTests(
      rule,
      ['1.0a1', '1.0b2', '1.0rc1', '1.0c1', '1.0.dev0', '1.0a1.post1', '1.0.post1.dev0', '1.0-preview'],
      ['1.0', '1.0.post1', '1.0+local', '1!1.0', 'junk'],
    );
  });

  describe('specifiers', () => {
    rangeTests(rule, [
      { range: '>=1.0,<2', in: ['1.0', '1.5', '1.5a1', '1.9.post1', '1.0.post1'], out: ['0.9', '2.0', '2.0a1', '1.0a1', 'junk'] },
      { range: '>= 1.0 , < 2', in: ['1.5'], out: ['2.1'] },
      { range: '~=1.4', in: ['1.4', '1.9', '1.5b1'], out: ['2.0', '1.3', '1.4a1'] },
      { range: '~=1.4.2', in: ['1.4.2', '1.4.9', '1.4.3rc1'], out: ['1.5.0', '1.4.1'] },
      { range: '==1.4.*', in: ['1.4', '1.4.0', '1.4.5', '1.4.1a1', '1.4.0.post1'], out: ['1.5', '1.40', '1.3'] },
      { range: '1.4.*', in: ['1.4', '1.4.5', '1.4.1a1'], out: ['1.5', '1.40'] },
      { range: '1!1.*', in: ['1!1.5'], out: ['1.5', '1!2.0'] },
      { range: '!=1.5', in: ['1.4', '1.5.1', '1.5a1'], out: ['1.5', '1.5.0'] },
      { range: '!=1.5.*', in: ['1.4', '1.6a1'], out: ['1.5.3', '1.5b1'] },
      { range: '===1.0', in: ['1.0'], out: ['1.0.0', '1.0+local'] },
      { range: '>1.0', in: ['1.0.1', '1.1a1'], out: ['1.0', '1.0.post1'] },
      { range: '<=2.0', in: ['2.0', '2.0a1', '1.0'], out: ['2.0.post1', '2.1'] },
      { range: '==1.0', in: ['1.0', '1.0.0', '1.0+local'], out: ['1.0.1', '1.0a1'] },
    ]);
  });

  describe('selectors that are not ranges', () => {
    notRangeTests(rule, ['1.0', '1.0a1', '1!1.0', '', 'latest', '1.0-foo']);
  });

  describe('malformed specifiers', () => {
    malformedRangeTests(rule, [
      '>=1.0,', ',<2', '~=1', '=>1.0', '==1.*.1', '>=1.0.*', '>=abc', '>1.0 <2', '1.*.3', '<2 || >3', '*.1', '==1.0.dev1.*',
    ]);
  });
});
