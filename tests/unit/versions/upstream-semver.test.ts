/**
 * node-semver's own fixtures (test/fixtures), as data in tests/data/upstream/node-semver, run
 * against our npm / Universal rule. Ranges are matched as node-semver does with
 * includePrerelease; cases left out on purpose carry their reason in the data.
 */
import { semverRule as rule } from '../../../src/versions';
import { load, reasonsDocumented, runKinds, scopeTitle, sourceTitle, UpstreamCase, UpstreamFile } from './upstream';

interface SemverCase extends UpstreamCase {
  fixture: string;
  a?: string;
  b?: string;
  version?: string;
  range?: string;
  expected?: boolean;
}

const versions = load<UpstreamFile<SemverCase>>('node-semver/versions.json');
const ranges = load<UpstreamFile<SemverCase>>('node-semver/ranges.json');

function rangeOf(text: string): ((v: string) => boolean) | null | 'threw' {
  try {
    return rule.parseRange(text);
  } catch {
    return 'threw';
  }
}

const show = (c: SemverCase) =>
  `${c.fixture} ${[c.a, c.b, c.range, c.version].filter((x) => x !== undefined).map((x) => JSON.stringify(x)).join(' ')}`;

describe(`upstream node-semver: ${scopeTitle([...versions.cases, ...ranges.cases])}`, () => {
  describe(`${sourceTitle(versions.source)}: ${scopeTitle(versions.cases)}`, () => {
    runKinds<SemverCase>(
      versions.cases,
      {
        greater: (c) => {
          const ab = rule.compare(c.a!, c.b!);
          const ba = rule.compare(c.b!, c.a!);
          return ab > 0 && ba < 0 ? null : `compare gave ${ab} and ${ba}`;
        },
        equal: (c) => (rule.compare(c.a!, c.b!) === 0 && rule.compare(c.b!, c.a!) === 0 ? null : 'not equal'),
        valid: (c) => (rule.isValid(c.version!) === c.expected ? null : `isValid gave ${!c.expected}`),
      },
      show,
    );
  });

  describe(`${sourceTitle(ranges.source)}: ${scopeTitle(ranges.cases)}`, () => {
    runKinds<SemverCase>(
      ranges.cases,
      {
        // Taken: an exact version (the engine's business) or a range; not taken: null or an error.
        'range-valid': (c) => {
          const r = rangeOf(c.range!);
          const taken = rule.isValid(c.range!.trim()) || typeof r === 'function';
          return taken === c.expected ? null : taken ? 'taken as a version or range' : `parseRange gave ${r === 'threw' ? 'an error' : 'null'}`;
        },
        satisfies: (c) => {
          const r = rangeOf(c.range!);
          if (typeof r !== 'function') {
            // A full version as the whole selector is exact: the engine compares it.
            if (rule.isValid(c.range!.trim())) {
              const same = rule.compare(c.range!.trim(), c.version!) === 0;
              return same === c.expected ? null : `exact comparison gave ${same}`;
            }
            return `parseRange gave ${r === 'threw' ? 'an error' : 'null'}`;
          }
          const got = r(c.version!);
          return got === c.expected ? null : `matched ${got}`;
        },
      },
      show,
    );
  });

  reasonsDocumented('node-semver', [...versions.cases, ...ranges.cases]);
});
