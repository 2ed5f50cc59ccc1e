/**
 * Shared plumbing for the runners of upstream test data (tests/data/upstream): load a data file,
 * count its cases in and out of scope, and run the in-scope ones so that every failure is listed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const UPSTREAM_DIR = path.resolve(__dirname, '../../../../tests/data/upstream');

export interface Source {
  repo: string;
  path: string;
  commit: string;
}

export interface UpstreamCase {
  kind: string;
  test?: string;
  /** Present when the task leaves this case out on purpose: why. */
  outOfScope?: string;
}

export interface UpstreamFile<C extends UpstreamCase> {
  source: Source;
  cases: C[];
}

export function load<T>(relative: string): T {
  return JSON.parse(fs.readFileSync(path.join(UPSTREAM_DIR, relative), 'utf8')) as T;
}

/** "npm/node-semver test/fixtures/range-include.js @ 6e05b76" */
export function sourceTitle(s: Source): string {
  return `${s.repo} ${s.path} @ ${s.commit.slice(0, 7)}`;
}

export function counts(cases: readonly UpstreamCase[]): { inScope: number; outOfScope: number } {
  const outOfScope = cases.filter((c) => c.outOfScope !== undefined).length;
  return { inScope: cases.length - outOfScope, outOfScope };
}

export function scopeTitle(cases: readonly UpstreamCase[], extraInScope = 0): string {
  const c = counts(cases);
  return `${c.inScope + extraInScope} in scope, ${c.outOfScope} out of scope`;
}

/**
 * One `it` per kind: runs every in-scope case of that kind (none is skipped) and fails listing
 * each case that does not hold. `check` returns null when the case holds, else what happened.
 */
export function runKinds<C extends UpstreamCase>(
  cases: readonly C[],
  checks: Record<string, (c: C) => string | null>,
  describeCase: (c: C) => string,
): void {
  const kinds = [...new Set(cases.map((c) => c.kind))];
  it('every case has a kind this runner knows, and every out-of-scope case a reason', () => {
    for (const c of cases) {
      assert.ok(checks[c.kind], `unknown kind ${c.kind}`);
      if (c.outOfScope !== undefined) assert.ok(c.outOfScope.length > 20, `no reason given: ${describeCase(c)}`);
    }
  });
  for (const kind of kinds) {
    const inScope = cases.filter((c) => c.kind === kind && c.outOfScope === undefined);
    const out = cases.filter((c) => c.kind === kind && c.outOfScope !== undefined).length;
    it(`${kind}: ${inScope.length} in scope pass (${out} out of scope)`, () => {
      const failures: string[] = [];
      for (const c of inScope) {
        let problem: string | null;
        try {
          problem = checks[kind](c);
        } catch (e) {
          problem = `threw ${(e as Error).message}`;
        }
        if (problem !== null) failures.push(`${describeCase(c)}: ${problem}`);
      }
      assert.equal(failures.length, 0, `${failures.length} of ${inScope.length} failed:\n  ${failures.slice(0, 60).join('\n  ')}`);
    });
  }
}

/** The distinct reasons of a set of cases, with their counts. */
export function reasons(cases: readonly UpstreamCase[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const c of cases) if (c.outOfScope !== undefined) m.set(c.outOfScope, (m.get(c.outOfScope) ?? 0) + 1);
  return m;
}

/** Every reason a suite uses is written down in the out-of-scope summary, with its count. */
export function reasonsDocumented(suite: string, cases: readonly UpstreamCase[]): void {
  it('every out-of-scope reason is listed in OUT-OF-SCOPE-semver-cargo-pep440.md with its count', () => {
    const doc = fs.readFileSync(path.join(UPSTREAM_DIR, 'OUT-OF-SCOPE-semver-cargo-pep440.md'), 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith(`| ${suite} |`));
    for (const [reason, n] of reasons(cases)) {
      assert.ok(
        rows.some((r) => r.includes(`| ${n} |`) && r.includes(reason)),
        `missing row "| ${suite} | ${n} | ${reason} |"`,
      );
    }
  });
}
