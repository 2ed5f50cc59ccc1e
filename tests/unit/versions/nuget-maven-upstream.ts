/**
 * Runs facts taken from a package manager's own test suite (JSON files under tests/data/upstream)
 * against one VersionRule. Each file names its source (repository, path, commit) and lists cases;
 * a case the task leaves out on purpose carries `outOfScope` with a key into the file's `reasons`.
 * Every in-scope case must pass; out-of-scope cases are counted, never run.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VersionRule, VersionSelectorError } from '../../../src/versions/types';

export interface UpstreamCase {
  kind: string;
  test: string;
  outOfScope?: string;
  [key: string]: unknown;
}

export interface UpstreamFile {
  suite: string;
  source: { repo: string; commit: string; path: string };
  reasons: Record<string, string>;
  cases: UpstreamCase[];
}

export const upstreamRoot = path.resolve(__dirname, '../../../../tests/data/upstream');

export function loadUpstream(dir: string): Array<{ file: string; data: UpstreamFile }> {
  const folder = path.join(upstreamRoot, dir);
  return fs
    .readdirSync(folder)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as UpstreamFile }));
}

const str = (c: UpstreamCase, key: string): string => {
  const v = c[key];
  assert.equal(typeof v, 'string', `case field ${key}`);
  return v as string;
};
const optStr = (c: UpstreamCase, key: string): string | null => (c[key] === null ? null : str(c, key));
const bool = (c: UpstreamCase, key: string): boolean => {
  assert.equal(typeof c[key], 'boolean', `case field ${key}`);
  return c[key] as boolean;
};

/** The predicate of a range selector; fails when the rule does not take it as a range. */
function rangeOf(rule: VersionRule, range: string): (v: string) => boolean {
  const p = rule.parseRange(range);
  assert.ok(p, `${JSON.stringify(range)} should be a range`);
  return p;
}

/** True when the rule takes the text as a version or a range. */
function accepts(rule: VersionRule, text: string): boolean {
  if (rule.isValid(text.trim())) return true;
  try {
    return rule.parseRange(text) !== null;
  } catch (e) {
    if (e instanceof VersionSelectorError) return false;
    throw e;
  }
}

function pick(rule: VersionRule, admitted: string[], how: string): string | null {
  if (admitted.length === 0) return null;
  const sorted = [...admitted].sort(rule.compare);
  return how === 'lowest' ? sorted[0] : sorted[sorted.length - 1];
}

/** Checks one case; throws an AssertionError when the rule disagrees with upstream. */
export function checkCase(rule: VersionRule, c: UpstreamCase): void {
  switch (c.kind) {
    case 'valid':
      assert.equal(rule.isValid(str(c, 'version')), true, `${JSON.stringify(c.version)} should be valid`);
      return;
    case 'invalid':
      assert.equal(rule.isValid(str(c, 'version')), false, `${JSON.stringify(c.version)} should be invalid`);
      return;
    case 'equal': {
      const [a, b] = [str(c, 'a'), str(c, 'b')];
      assert.ok(rule.isValid(a) && rule.isValid(b), `${a} and ${b} should be valid`);
      assert.equal(rule.compare(a, b), 0, `${a} == ${b}`);
      assert.equal(rule.compare(b, a), 0, `${b} == ${a}`);
      return;
    }
    case 'notEqual': {
      const [a, b] = [str(c, 'a'), str(c, 'b')];
      assert.notEqual(rule.compare(a, b), 0, `${a} != ${b}`);
      return;
    }
    case 'order': {
      const [lo, hi] = [str(c, 'lower'), str(c, 'higher')];
      assert.ok(rule.compare(lo, hi) < 0, `${lo} < ${hi}`);
      assert.ok(rule.compare(hi, lo) > 0, `${hi} > ${lo}`);
      return;
    }
    case 'ascending': {
      const versions = c.versions as string[];
      for (let i = 0; i < versions.length; i++) {
        for (let j = i + 1; j < versions.length; j++) {
          assert.ok(rule.compare(versions[i], versions[j]) < 0, `${versions[i]} < ${versions[j]}`);
          assert.ok(rule.compare(versions[j], versions[i]) > 0, `${versions[j]} > ${versions[i]}`);
        }
      }
      return;
    }
    case 'allEqual': {
      const versions = c.versions as string[];
      for (const a of versions) for (const b of versions) assert.equal(rule.compare(a, b), 0, `${a} == ${b}`);
      return;
    }
    case 'normalized': {
      // Upstream keeps the case of labels; this rule's normalize folds it (equal versions share one form).
      const n = rule.normalize(str(c, 'version'));
      assert.equal(n.toLowerCase(), str(c, 'expected').toLowerCase(), `normalize(${c.version})`);
      return;
    }
    case 'canonical': {
      const v = str(c, 'version');
      const n = rule.normalize(v);
      assert.equal(rule.normalize(n), n, `normalize(${v}) reads back as itself`);
      assert.equal(rule.compare(n, v), 0, `normalize(${v}) = ${n} is the same version`);
      if (typeof c.expected === 'string') assert.equal(n, c.expected, `normalize(${v})`);
      return;
    }
    case 'prerelease':
      assert.equal(rule.isPrerelease(str(c, 'version')), bool(c, 'expected'), `isPrerelease(${c.version})`);
      return;
    case 'rangeValid':
      assert.ok(accepts(rule, str(c, 'range')), `${JSON.stringify(c.range)} should parse`);
      return;
    case 'rangeInvalid': {
      const r = str(c, 'range');
      assert.equal(rule.isValid(r.trim()), false, `${JSON.stringify(r)} should not be a version`);
      let p: ((v: string) => boolean) | null = null;
      try {
        p = rule.parseRange(r);
      } catch (e) {
        assert.ok(e instanceof VersionSelectorError, `${JSON.stringify(r)} threw ${String(e)}`);
      }
      assert.equal(p, null, `${JSON.stringify(r)} should not parse as a range`);
      return;
    }
    case 'satisfies': {
      const p = rangeOf(rule, str(c, 'range'));
      assert.equal(p(str(c, 'version')), bool(c, 'expected'), `${c.range} on ${c.version}`);
      return;
    }
    case 'sameRange': {
      // Two spellings of one range: they agree on their own bounds and on the bounds' neighbours.
      const [a, b] = [rangeOf(rule, str(c, 'a')), rangeOf(rule, str(c, 'b'))];
      for (const v of (c.probe as string[] | undefined) ?? ['0', '0.0.1', '1', '2021', '2021.0.0.1', '2020.9', '3000']) {
        assert.equal(a(v), b(v), `${c.a} and ${c.b} on ${v}`);
      }
      return;
    }
    case 'bounds': {
      const p = rangeOf(rule, str(c, 'range'));
      const min = optStr(c, 'min');
      const max = optStr(c, 'max');
      if (min !== null) assert.equal(p(min), bool(c, 'minInclusive'), `${c.range} on its minimum ${min}`);
      if (max !== null) assert.equal(p(max), bool(c, 'maxInclusive'), `${c.range} on its maximum ${max}`);
      return;
    }
    case 'bestMatch': {
      // The task selects every admitted version; upstream picks one of them: the highest inside a
      // float, the lowest for a plain range. `prerelease: exclude` is the task's own filter.
      const p = rangeOf(rule, str(c, 'range'));
      let candidates = c.versions as string[];
      if (c.prerelease === 'exclude') candidates = candidates.filter((v) => !rule.isPrerelease(v));
      const got = pick(rule, candidates.filter(p), str(c, 'pick'));
      const want = optStr(c, 'expected');
      if (want === null) assert.equal(got, null, `${c.range} should admit none of ${candidates.join(', ')}`);
      else assert.ok(got !== null && rule.compare(got, want) === 0, `${c.range}: picked ${got}, upstream ${want}`);
      return;
    }
    case 'contains': {
      const p = rangeOf(rule, str(c, 'range'));
      for (const v of (c.in as string[]) ?? []) assert.equal(p(v), true, `${c.range} should contain ${v}`);
      for (const v of (c.out as string[]) ?? []) assert.equal(p(v), false, `${c.range} should not contain ${v}`);
      return;
    }
    default:
      assert.fail(`unknown case kind ${c.kind}`);
  }
}

function label(c: UpstreamCase): string {
  const fields = Object.entries(c)
    .filter(([k]) => !['kind', 'test', 'outOfScope', 'note', 'pick'].includes(k))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  return `${c.test}: ${c.kind} ${fields}`.slice(0, 200);
}

/** One describe per upstream file, titled with its case counts; one `it` per in-scope case. */
export function upstreamSuites(rule: VersionRule, dir: string): void {
  for (const { file, data } of loadUpstream(dir)) {
    const inScope = data.cases.filter((c) => c.outOfScope === undefined);
    const out = data.cases.length - inScope.length;
    describe(`${data.suite} (${data.cases.length} cases: ${inScope.length} in scope, ${out} out of scope)`, () => {
      it(`${file} names its source and gives every out-of-scope case a known reason`, () => {
        assert.match(data.source.commit, /^[0-9a-f]{40}$/);
        assert.ok(data.source.repo && data.source.path);
        assert.ok(data.cases.length > 0);
        for (const c of data.cases) {
          if (c.outOfScope !== undefined) assert.ok(data.reasons[c.outOfScope], `reason ${c.outOfScope}`);
        }
      });
      for (const c of inScope) it(label(c), () => checkCase(rule, c));
    });
  }
}
