/**
 * pypa/packaging's own tests (test_version.py, test_specifiers.py), as data in
 * tests/data/upstream/pep440, run against our PEP 440 rule. Specifiers are matched with
 * prereleases=True; cases that only hold under another pre-release policy are out of scope,
 * with their reason, in the data.
 */
import * as assert from 'node:assert/strict';
import { pep440Rule as rule } from '../../../src/versions';
import { load, reasonsDocumented, runKinds, scopeTitle, sourceTitle, UpstreamCase, UpstreamFile } from './upstream';

interface VersionCase extends UpstreamCase {
  version: string;
  expected: boolean | string;
}
interface VersionsFile extends UpstreamFile<VersionCase> {
  ordering: { ascending: string[] };
}
interface SpecCase extends UpstreamCase {
  specifier: string;
  version?: string;
  expected: boolean;
}

const versions = load<VersionsFile>('pep440/versions.json');
const specifiers = load<UpstreamFile<SpecCase>>('pep440/specifiers.json');
const ascending = versions.ordering.ascending;
const OPS = ['<', '<=', '==', '!=', '>=', '>'] as const;
const orderingCases = ascending.length * ascending.length * OPS.length;

/** Whether the selector is taken as a specifier set (a predicate), and the predicate. */
function asRange(s: string): ((v: string) => boolean) | null | 'threw' {
  try {
    return rule.parseRange(s);
  } catch {
    return 'threw';
  }
}

describe(`upstream PEP 440: ${scopeTitle([...versions.cases, ...specifiers.cases], orderingCases)}`, () => {
  describe(`${sourceTitle(versions.source)}: ${scopeTitle(versions.cases, orderingCases)}`, () => {
    runKinds<VersionCase>(
      versions.cases,
      {
        valid: (c) => (rule.isValid(c.version) === c.expected ? null : `isValid gave ${!c.expected}`),
        normalize: (c) => {
          const n = rule.normalize(c.version);
          return n === c.expected ? null : `normalize gave ${n}`;
        },
        prerelease: (c) => (rule.isPrerelease(c.version) === c.expected ? null : `isPrerelease gave ${!c.expected}`),
      },
      (c) => `${c.test} ${JSON.stringify(c.version)}`,
    );

    it(`ordering: ${orderingCases} comparisons (${OPS.join(' ')} over ${ascending.length} versions, each pair) pass`, () => {
      const failures: string[] = [];
      for (let i = 0; i < ascending.length; i++) {
        for (let j = 0; j < ascending.length; j++) {
          const c = Math.sign(rule.compare(ascending[i], ascending[j]));
          const want = Math.sign(i - j);
          for (const op of OPS) {
            const got = { '<': c < 0, '<=': c <= 0, '==': c === 0, '!=': c !== 0, '>=': c >= 0, '>': c > 0 }[op];
            const exp = { '<': want < 0, '<=': want <= 0, '==': want === 0, '!=': want !== 0, '>=': want >= 0, '>': want > 0 }[op];
            if (got !== exp) failures.push(`${ascending[i]} ${op} ${ascending[j]} should be ${exp}`);
          }
        }
      }
      assert.equal(failures.length, 0, failures.slice(0, 40).join('\n'));
    });
  });

  describe(`${sourceTitle(specifiers.source)}: ${scopeTitle(specifiers.cases)}`, () => {
    runKinds<SpecCase>(
      specifiers.cases,
      {
        'spec-valid': (c) => {
          const r = asRange(c.specifier);
          if (c.expected) return typeof r === 'function' ? null : `parseRange gave ${r === 'threw' ? 'an error' : 'null'}`;
          return typeof r === 'function' ? 'parseRange took it as a specifier set' : null;
        },
        contains: (c) => {
          const r = asRange(c.specifier);
          if (typeof r !== 'function') return `parseRange gave ${r === 'threw' ? 'an error' : 'null'}`;
          const got = r(c.version!);
          return got === c.expected ? null : `matched ${got}`;
        },
      },
      (c) => `${c.test} ${JSON.stringify(c.specifier)}${c.version !== undefined ? ` ∋ ${JSON.stringify(c.version)}` : ''}`,
    );
  });

  reasonsDocumented('pep440', [...versions.cases, ...specifiers.cases]);
});
