import * as assert from 'node:assert/strict';
import type { PackageVersionInfo } from '../../../src/engine/ports';
import { FailureError } from '../../../src/engine/failures';
import { parseSelectors } from '../../../src/engine/request';
import { distance, Filters, globToRegExp, parseVersionSelector, selectVersions } from '../../../src/engine/select';
import { protocols } from '../../../src/protocols';

const now = Date.parse('2026-06-01T00:00:00Z');
const daysAgo = (n: number) => new Date(now - n * 86_400_000).toISOString();
const v = (version: string, age = 1, views: string[] = ['Local']): PackageVersionInfo => ({
  version,
  publishDate: daysAgo(age),
  views: views.map((name) => ({ id: `id-${name}`, name })),
});
const nugetVersions = [v('1.0.0', 100), v('1.1.0', 50, ['Local', 'Prerelease']), v('1.2.0-beta.1', 20, ['Local', 'Prerelease']), v('2.0.0', 5, ['Local', 'Prerelease', 'Release']), v('1.10.0', 30)];
const filters: Filters = { prerelease: 'include', source: 'any', keepLatest: 0, olderThanDays: 0, now };
const view = (name: string) => ({ id: `id-${name}`, name });

function pick(selector: string, f: Partial<Filters> = {}, list = nugetVersions, protocol = protocols.nuget) {
  const [s] = parseSelectors(`${protocol.key === 'maven' ? 'g:a' : 'X'}@${selector}`, '', protocol);
  const m = parseVersionSelector(s, protocol.versionRule);
  const r = selectVersions(list, m, protocol.versionRule, { ...filters, ...f });
  return { matched: r.matched.map((x) => x.version), selected: r.selected.map((x) => x.version) };
}

describe('engine: version selection', () => {
  it('latest is the highest, by the protocol order (1.10 above 1.2)', () => {
    assert.deepEqual(pick('latest').selected, ['2.0.0']);
    assert.deepEqual(pick('latest', {}, nugetVersions.slice(0, 3).concat(v('1.10.0'))).selected, ['1.10.0']);
  });

  it('* is every version, highest first', () => {
    assert.deepEqual(pick('*').selected, ['2.0.0', '1.10.0', '1.2.0-beta.1', '1.1.0', '1.0.0']);
  });

  it('exact versions compare in normalised form', () => {
    assert.deepEqual(pick('1.1').selected, ['1.1.0']);
    assert.deepEqual(pick('2.0.0.0').selected, ['2.0.0']);
    assert.deepEqual(pick('3.0.0').matched, []);
  });

  it('ranges admit prereleases inside their bounds, and prerelease is the one switch', () => {
    assert.deepEqual(pick('[1.1,2.0)').selected, ['1.10.0', '1.2.0-beta.1', '1.1.0']);
    assert.deepEqual(pick('[1.1,2.0)', { prerelease: 'exclude' }).selected, ['1.10.0', '1.1.0']);
    assert.deepEqual(pick('*', { prerelease: 'only' }).selected, ['1.2.0-beta.1']);
  });

  it('sourceView keeps only versions in that view now', () => {
    assert.deepEqual(pick('*', { sourceView: view('Prerelease') }).selected, ['2.0.0', '1.2.0-beta.1', '1.1.0']);
    assert.deepEqual(pick('latest', { sourceView: view('prerelease') }).selected, ['2.0.0']);
  });

  it('keepLatest leaves out the N highest of what the selector picked; matched still counts them', () => {
    const r = pick('*', { keepLatest: 2 });
    assert.deepEqual(r.selected, ['1.2.0-beta.1', '1.1.0', '1.0.0']);
    assert.equal(r.matched.length, 5);
    assert.deepEqual(pick('latest', { keepLatest: 1 }).selected, []);
    assert.deepEqual(pick('latest', { keepLatest: 1 }).matched, ['2.0.0']);
  });

  it('olderThanDays keeps versions published more than N days ago', () => {
    assert.deepEqual(pick('*', { olderThanDays: 40 }).selected, ['1.1.0', '1.0.0']);
    assert.deepEqual(pick('*', { keepLatest: 1, olderThanDays: 25 }).selected, ['1.10.0', '1.1.0', '1.0.0']);
  });

  it('npm ranges, PyPI specifiers and Maven intervals go to their own rules', () => {
    const npm = [v('1.0.0'), v('1.2.0'), v('1.3.0-beta.1'), v('2.0.0')];
    assert.deepEqual(pick('^1.2', {}, npm, protocols.npm).selected, ['1.3.0-beta.1', '1.2.0']);
    const py = [v('1.0'), v('1.4.2'), v('1.5rc1'), v('2.0')];
    assert.deepEqual(pick('>=1.0,<2', {}, py, protocols.pypi).selected, ['1.5rc1', '1.4.2', '1.0']);
    const mvn = [v('1.0'), v('1.5-SNAPSHOT'), v('1.5'), v('2.0')];
    assert.deepEqual(pick('[1.0,2.0)', { prerelease: 'exclude' }, mvn, protocols.maven).selected, ['1.5', '1.0']);
  });

  it("NuGet's floating 0.9.1* is the rule's float (0.9.1 and 0.9.10 to 0.9.19), not a glob", () => {
    const list = ['0.9.0', '0.9.1-beta', '0.9.1', '0.9.2', '0.9.10', '0.9.15', '0.9.19', '0.9.25', '0.10.1'].map((x) => v(x));
    const [s] = parseSelectors('X@0.9.1*', '', protocols.nuget);
    assert.equal(parseVersionSelector(s, protocols.nuget.versionRule).kind, 'range');
    // A glob would take 0.9.1-beta too; the float starts at 0.9.1.
    assert.deepEqual(pick('0.9.1*', {}, list).selected, ['0.9.19', '0.9.15', '0.9.10', '0.9.1']);
  });

  it('a malformed selector is an error naming its line', () => {
    const [s] = parseSelectors('\nX@[1.0,', '', protocols.nuget);
    assert.throws(() => parseVersionSelector(s, protocols.nuget.versionRule), (e: unknown) => e instanceof FailureError && e.failure.kind === 'badInput' && e.failure.message.key === 'BadVersionSelector' && JSON.stringify(e.failure.message.args[0]) === JSON.stringify({ input: 'packages', line: 2 }));
  });
});

describe('engine: names', () => {
  it('globs match whole names, case-insensitively, with regex characters taken literally', () => {
    assert.ok(globToRegExp('Contoso.*').test('contoso.core'));
    assert.ok(!globToRegExp('Contoso.*').test('ContosoXcore'));
    assert.ok(globToRegExp('@scope/*').test('@scope/name'));
    assert.ok(!globToRegExp('Core').test('Contoso.Core'));
    assert.ok(globToRegExp('C?re').test('Core'));
  });

  it('finds closest names by edit distance', () => {
    assert.equal(distance('contoso.core', 'contoso.cor'), 1);
    assert.equal(distance('', 'abc'), 3);
    assert.equal(distance('kitten', 'sitting'), 3);
  });

  it('normalises names as the servers compare them', () => {
    assert.equal(protocols.pypi.normalizeName('My_Package.Name'), 'my-package-name');
    assert.equal(protocols.cargo.normalizeName('serde_json'), protocols.cargo.normalizeName('serde-json'));
    assert.equal(protocols.nuget.normalizeName('Contoso.Core'), 'contoso.core');
    assert.notEqual(protocols.npm.normalizeName('Left-Pad'), protocols.npm.normalizeName('left-pad'));
  });
});
