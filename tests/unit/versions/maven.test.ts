import * as assert from 'node:assert/strict';
import { mavenRule } from '../../../src/versions';
import {
  consistencyTests, equalTests, malformedRangeTests, normalizeTests, notRangeTests, orderTests,
  prereleaseTests, rangeTests, validityTests,
} from './helpers';

const rule = mavenRule;

describe('versions: Maven', () => {
  describe('ordering', () => {
    orderTests(rule, 'qualifiers after one number', [
      '1-alpha2snapshot', '1-alpha2', '1-alpha-123', '1-beta-2', '1-beta123', '1-m2', '1-m11', '1-rc', '1-cr2',
      '1-rc123', '1-SNAPSHOT', '1', '1-sp', '1-sp2', '1-sp123', '1-abc', '1-def', '1-pom-1', '1-1-snapshot',
      '1-1', '1-2', '1-123',
    ]);
    orderTests(rule, 'numbers, dots, hyphens and letter transitions', [
      '2.0', '2.0.a', '2-1', '2.0.2', '2.0.123', '2.1.0', '2.1-a', '2.1b', '2.1-c', '2.1-1', '2.1.0.1', '2.2',
      '2.123', '11.a2', '11.a11', '11.b2', '11.b11', '11.m2', '11.m11', '11', '11.a', '11b', '11c', '11m',
    ]);
    orderTests(rule, 'the documented qualifier order', [
      '1-alpha', '1-beta', '1-milestone', '1-rc', '1-snapshot', '1', '1-sp', '1-aaa', '1-zzz', '1-1', '1.1',
    ]);
    orderTests(rule, 'everyday release trains', [
      '0.9', '1.0-alpha-1', '1.0-alpha-2', '1.0-beta-1', '1.0-SNAPSHOT', '1.0', '1.0-1', '1.0-2', '2.0-1',
      '2.0.1', '2.0.1-klm', '2.0.1-lmn', '2.0.1-xyz', '2.0.1-123', '3.3.0', '3.3.0-I20070605-10',
    ]);
    orderTests(rule, 'numbers beyond 64 bits', [
      '20190126.230843', '1234567890.12345', '123456789012345.1H.5-beta', '12345678901234567890.1H.5-beta',
    ]);
    orderTests(rule, 'invalid versions first, by string', ['[1.0]', 'a b', '0', '1']);

    const lower: ReadonlyArray<readonly [string, string]> = [
      ['6.1.0rc3', '6.1.0'], ['6.1.0rc3', '6.1H.5-beta'], ['6.1.0', '6.1H.5-beta'], // MNG-5568: transitive
      ['1-0.alpha', '1'], ['1-0.beta', '1'], ['1-0.alpha', '1-0.beta'], // MNG-6964
      ['1-foo2', '1-foo10'], ['1.foo', '1-1'], ['1-ga-1', '1-sp-1'], ['1-ga.1', '1-sp.1'],
      ['1.0.0.RC1', '1.0.0-RC2'], ['1.0.final-redhat', '1.0-sp1-redhat'], // MNG-7644, MNG-7714 ['1-ga', '1-sp'],
      ['1.0-alpha-1-SNAPSHOT', '1.0-alpha-1'], ['1-AARDVARK', '1-zebra'], ['2147483647', '2147483648'],
      ['1-2147483647', '1-2147483648'], ['0.99.9', '1.99.9-gamma-snapshot'],
    ];
    for (const [a, b] of lower) {
      it(`${a} < ${b}`, () => {
        assert.ok(rule.compare(a, b) < 0);
        assert.ok(rule.compare(b, a) > 0);
      });
    }
  });

  describe('equality', () => {
    equalTests(rule, [
      ['1', '1.0'], ['1', '1.0.0'], ['1.0', '1.0.0'], ['1', '1-0'], ['1', '1.0-0'], ['1.0', '1.0-0'],
      ['1a', '1-a'], ['1a', '1.0-a'], ['1a', '1.0.0-a'], ['1.0a', '1-a'], ['1.0.0a', '1-a'],
      ['1x', '1-x'], ['1x', '1.0-x'], ['1.0.0x', '1-x'], ['1ga', '1'], ['1release', '1'], ['1final', '1'],
      ['1-ga', '1'], ['1.ga', '1-0'], ['1.foo', '1-foo'], ['1cr', '1rc'], ['1a1', '1-alpha-1'], ['1b2', '1-beta-2'],
      ['1m3', '1-milestone-3'], ['1X', '1x'], ['1A', '1a'], ['1RELEASE', '1'], ['1FinaL', '1'], ['1Cr', '1rc'],
      ['1m3', '1MILESTONE3'], ['2.6.1.Final', '2.6.1'], ['1-foo', '1-FOO'], ['0001', '1'], ['000', '0'],
    ]);
    it('1-a (unknown qualifier) is not 1-alpha', () => assert.notEqual(rule.compare('1-a', '1-alpha'), 0));
    it('1-1 is not 1.1', () => assert.notEqual(rule.compare('1-1', '1.1'), 0));
  });

  describe('normalize', () => {
    normalizeTests(rule, [
      ['1.0', '1'], ['1.0.0', '1'], ['1-ga', '1'], ['1.0-FINAL', '1'], ['1.2.0', '1.2'], ['1.0-SNAPSHOT', '1-snapshot'],
      ['1.0-alpha1', '1-alpha1'], ['1-cr2', '1-rc2'], ['1.0.0.M1', '1-milestone1'], ['2.1b', '2.1-b'],
      ['007.01', '7.1'], ['0', '0'], ['0.0', '0'], ['1-0-1', '1-0-1'], ['a b', 'a b'],
    ]);
  });

  consistencyTests(rule, [
    '1', '1.0', '1.0.0', '1-0', '1-ga', '1.ga', '1-a', '1a', '1-alpha', '1a1', '1-alpha-1', '1-alpha.1', '1-rc',
    '1-cr', '1-sp', '1.1', '1-1', '1-0-1', '1.ga.1', '1.0.x.1', '0', '0-alpha', '2.0.a', '2-a',
    '6.1H.5-beta', '1-0.alpha', '1-SNAPSHOT', '1-snapshot', '1.0.0.RC1', '1.0.0-RC1', 'a b',
  ]);

  describe('validity', () => {
    validityTests(
      rule,
      ['1', '1.0', '1.0-SNAPSHOT', '1.0.0.RELEASE', '2.6.1.Final', '1.0-alpha-1', '20190126.230843', 'r09', '1.0+build_3'],
      ['', ' 1.0', '1.0 ', '[1.0]', '(,1.0]', '1.4.*', '1,2', '-1', '.1', 'a/b'],
    );
  });

  describe('pre-release', () => {
    prereleaseTests(
      rule,
      ['1.0-alpha-1', '1.0a1', '1.0-beta', '1.0.0.M1', '1.0-milestone-2', '1.0-rc1', '1.0-CR2', '1.0-SNAPSHOT',
        '1.0-alpha-1-SNAPSHOT'],
      ['1.0', '1.0-ga', '1.0.Final', '1.0-sp1', '1.0-1', '1.0-a', '1.0-foo', '2.6.1.RELEASE', '[1.0]'],
    );
  });

  describe('interval ranges', () => {
    rangeTests(rule, [
      { range: '[1.0,2.0)', in: ['1.0', '1', '1.5', '1.9.9', '2.0-alpha-1', '2.0-SNAPSHOT', '1.1-rc1'], out: ['0.9', '1.0-SNAPSHOT', '2.0', '2', '2.0.1'] },
      { range: '[1.0,)', in: ['1.0', '99'], out: ['0.9', '1.0-rc1'] },
      { range: '(1.0,)', in: ['1.0.1', '1-sp', '1-1'], out: ['1.0', '1.0.0', '1-ga'] },
      { range: '(,1.0]', in: ['1.0', '0.1', '1.0-SNAPSHOT'], out: ['1.0.1', '1-sp'] },
      { range: '[1.2]', in: ['1.2', '1.2.0', '1.2-ga'], out: ['1.2.1', '1.2-SNAPSHOT'] },
      { range: '(,1.0],[1.2,)', in: ['0.5', '1.0', '1.2', '3.0'], out: ['1.1', '1.0.1', '1.2-rc1'] },
      { range: '[1.0,1.2),[1.5,2.0),[3.0]', in: ['1.1', '1.6', '3.0'], out: ['1.3', '2.0', '3.0.1'] },
      { range: ' [ 1.0 , 2.0 ] ', in: ['2.0'], out: ['2.0.1'] },
      // maven-resolver takes these: unions need no order, the comma between intervals is optional,
      // an interval may be empty, and (,) is every version.
      { range: '[1.2,),[1.5,2.0)', in: ['1.2', '1.6', '9'], out: ['1.1'] },
      { range: '[1.0,2.0) [3.0,)', in: ['1.5', '3.1'], out: ['2.5'] },
      { range: '[1.0,2.0),', in: ['1.5'], out: ['2.0'] },
      { range: '(1.0,1.0)', in: [], out: ['1.0', '0.9', '1.1'] },
      { range: '(,)', in: ['0.1', '1.0-SNAPSHOT', '99'], out: [] },
      { range: '[1.2.*]', in: ['1.2-alpha-1', '1.2-SNAPSHOT', '1.2', '1.2.9999999'], out: ['1.3-rc-1', '1.1'] },
      { range: '[1.0.0-alpha-1,1.0.0-beta)', in: ['1.0-alpha-5', '1.0-alpha-1'], out: ['1.0-beta', '1.0'] },
    ]);
  });

  describe('wildcards', () => {
    rangeTests(rule, [
      { range: '1.4.*', in: ['1.4', '1.4.0', '1.4.9', '1.4.0.1', '1.4-SNAPSHOT', '1.4.2-rc1', '1.04.1', '1.4rc1'], out: ['1.40', '1.5', '1.3.9', '2.4', 'x1.4'] },
      { range: '1.*', in: ['1', '1.0', '1.99-beta'], out: ['2.0', '10.1'] },
      { range: '1.0.*', in: ['1', '1-SNAPSHOT', '1.0.5'], out: ['1.1'] },
    ]);
  });

  describe('selectors that are not ranges', () => {
    notRangeTests(rule, ['1.0', '1.0-SNAPSHOT', '', 'latest']);
  });

  describe('malformed ranges', () => {
    malformedRangeTests(rule, [
      '(1.0)', '[1.0)', '(1.0]', '[1.0,2.0', '[2.0,1.0]', '[1.0,2.0,3.0]',
      '[1.0 2.0]', '[1.0,2.0)x', '[1.0,2.0)[', '(1.0,2.0]x[3.0,)',
      '1.*.3', '1.4*', '*.1', '1.4.x.*', '1.0,2.0', '>=1.0', '[]', '[1.x.*]',
    ]);
  });
});
