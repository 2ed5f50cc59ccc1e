/**
 * The Rust semver crate's own tests (tests/test_version.rs, tests/test_version_req.rs), as data
 * in tests/data/upstream/cargo, run against our Cargo rule the way the engine uses it: a lone
 * full version is an exact version, anything else goes through parseRange.
 */
import { cargoRule as rule } from '../../../src/versions';
import { load, reasonsDocumented, runKinds, scopeTitle, sourceTitle, UpstreamCase, UpstreamFile } from './upstream';

interface CargoCase extends UpstreamCase {
  version?: string;
  a?: string;
  op?: '<' | '<=' | '>' | '>=' | '==' | '!=';
  b?: string;
  req?: string;
  same?: string;
  expected?: boolean;
}

const versions = load<UpstreamFile<CargoCase>>('cargo/version.json');
const reqs = load<UpstreamFile<CargoCase>>('cargo/version_req.json');

/** The selector as the engine reads it: exact version, requirement, or not taken (null / error). */
function selector(text: string): ((v: string) => boolean) | 'null' | 'threw' {
  const t = text.trim();
  if (rule.isValid(t)) return (v) => rule.isValid(v) && rule.compare(v, t) === 0;
  try {
    return rule.parseRange(text) ?? 'null';
  } catch {
    return 'threw';
  }
}

const show = (c: CargoCase) =>
  `${c.test} ${[c.req, c.same, c.version, c.a, c.op, c.b].filter((x) => x !== undefined).map((x) => JSON.stringify(x)).join(' ')}`;

// Versions the requirement data names, to compare two requirements on.
const corpus = [...new Set(reqs.cases.map((c) => c.version).filter((v): v is string => v !== undefined))];
corpus.push('0.0.0', '0.0.1', '0.1.0', '0.9.0', '1.0.0', '1.2.0', '1.2.3', '1.3.0', '2.0.0', '2.0.0-alpha', '3.0.0', '0.5.0');

describe(`upstream Cargo (semver crate): ${scopeTitle([...versions.cases, ...reqs.cases])}`, () => {
  describe(`${sourceTitle(versions.source)}: ${scopeTitle(versions.cases)}`, () => {
    runKinds<CargoCase>(
      versions.cases,
      {
        valid: (c) => (rule.isValid(c.version!) === c.expected ? null : `isValid gave ${!c.expected}`),
        compare: (c) => {
          const s = Math.sign(rule.compare(c.a!, c.b!));
          const got = { '<': s < 0, '<=': s <= 0, '>': s > 0, '>=': s >= 0, '==': s === 0, '!=': s !== 0 }[c.op!];
          return got === c.expected ? null : `compare gave ${s}`;
        },
      },
      show,
    );
  });

  describe(`${sourceTitle(reqs.source)}: ${scopeTitle(reqs.cases)}`, () => {
    runKinds<CargoCase>(
      reqs.cases,
      {
        'req-valid': (c) => {
          const r = selector(c.req!);
          const taken = typeof r === 'function';
          return taken === c.expected ? null : taken ? 'taken' : `parseRange gave ${r}`;
        },
        matches: (c) => {
          const r = selector(c.req!);
          if (typeof r !== 'function') return `parseRange gave ${r}`;
          const got = r(c.version!);
          return got === c.expected ? null : `matched ${got}`;
        },
        'req-same': (c) => {
          const a = selector(c.req!);
          const b = selector(c.same!);
          if (typeof a !== 'function' || typeof b !== 'function') return 'not both taken';
          const differ = corpus.filter((v) => a(v) !== b(v));
          return differ.length === 0 ? null : `they differ on ${differ.join(', ')}`;
        },
      },
      show,
    );
  });

  reasonsDocumented('cargo', [...versions.cases, ...reqs.cases]);
});
