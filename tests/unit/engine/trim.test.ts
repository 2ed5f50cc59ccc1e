// A listing pass keeps only the versions the selection could pick (versionsWanted): the selection
// over the trimmed packages must be the selection over the whole ones, for any selectors, versions
// and filters, and so must what a "no version matched" message lists.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { protocols } from '../../../src/protocols';
import type { FeedView, PackageInfo, PackageVersionInfo } from '../../../src/engine/ports';
import type { Prerelease, Selector, Source } from '../../../src/engine/request';
import { Filters, globToRegExp, parseVersionSelector, selectVersions, versionsOf, versionsWanted } from '../../../src/engine/select';

const local: FeedView = { id: 'v-local', name: 'Local' };
const release: FeedView = { id: 'v-release', name: 'Release' };

const versionText = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3)).map(([a, b, c]) => `${a}.${b}.${c}`),
  fc.tuple(fc.nat(2), fc.nat(2), fc.constantFrom('alpha', 'beta.1', 'rc.2', 'RC.2')).map(([a, b, l]) => `${a}.${b}.0-${l}`),
);
const version: fc.Arbitrary<PackageVersionInfo> = fc.record({
  version: versionText,
  isDeleted: fc.boolean(),
  views: fc.subarray([local, release]),
  publishDate: fc.integer({ min: 0, max: 400 }).map((d) => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString()),
  isCachedVersion: fc.boolean(),
}).map((v) => {
  const out: PackageVersionInfo = { version: v.version, views: v.views, publishDate: v.publishDate };
  if (v.isDeleted) out.isDeleted = true;
  if (v.isCachedVersion) out.isCachedVersion = true;
  return out;
});
const pkg: fc.Arbitrary<PackageInfo> = fc.record({ name: fc.constantFrom('Contoso.Core', 'Contoso.Web', 'Fabrikam.Lib', 'contoso.core'), versions: fc.array(version, { maxLength: 24 }) })
  .map((p) => ({ id: p.name, name: p.name, versions: p.versions }));
const selector: fc.Arbitrary<Selector> = fc.record({
  name: fc.constantFrom('Contoso.Core', 'Contoso.*', '*', 'Fabrikam.Lib', 'Nothing.*'),
  version: fc.constantFrom('latest', '*', '1.0.0', '0.1.0-beta.1', '[1.0,2.0)', '1.*', '*-rc*', '2.*-alpha*'),
}).map((s, ) => ({ input: 'packages', line: 1, text: `${s.name}@${s.version}`, name: s.name, glob: s.name.includes('*'), version: s.version }));

const rule = protocols.nuget.versionRule;
const takes = (s: Selector, name: string) => (s.glob ? globToRegExp(s.name.toLowerCase(), true).test(name.toLowerCase()) : s.name.toLowerCase() === name.toLowerCase());

describe('engine select: a listing pass keeps what the selection could pick', () => {
  it('selecting from trimmed packages is selecting from whole ones', () => {
    fc.assert(fc.property(
      fc.array(pkg, { maxLength: 4 }),
      fc.array(selector, { minLength: 1, maxLength: 3 }),
      fc.constantFrom<Prerelease>('include', 'exclude', 'only'),
      fc.constantFrom<Source>('any', 'local', 'upstream'),
      fc.constantFrom(undefined, release),
      fc.constantFrom(undefined, local),
      fc.nat(3),
      fc.constantFrom(0, 100),
      fc.boolean(),
      (packages, selectors, prerelease, source, sourceView, exceptView, keepLatest, olderThanDays, recycleBin) => {
        const matchers = selectors.map((s) => parseVersionSelector(s, rule));
        const trim = versionsWanted(protocols.nuget, selectors, matchers, { prerelease, source, sourceView: sourceView?.name, exceptView: exceptView?.name }, recycleBin);
        const filters: Filters = { prerelease, source, sourceView, exceptView, keepLatest, olderThanDays, now: Date.UTC(2026, 6, 1) };
        const trimmedAll = packages.map(trim);
        // What a "no version matched" message lists for each selector: the packages' versions together, ten and whether more.
        for (let i = 0; i < selectors.length; i++) {
          const listed = (ps: PackageInfo[]) => {
            const all = ps.filter((p) => takes(selectors[i], p.name)).flatMap((p) => versionsOf(p, recycleBin).map((v) => v.version));
            return [all.slice(0, 10), all.length > 10];
          };
          const none = packages.filter((p) => takes(selectors[i], p.name)).every((p) => !selectVersions(versionsOf(p, recycleBin), matchers[i], rule, filters).matched.length);
          if (none) assert.deepEqual(listed(trimmedAll), listed(packages), `the message for ${selectors[i].text}`);
        }
        for (const p of packages) {
          const trimmed = trim(p);
          for (let i = 0; i < selectors.length; i++) {
            if (!takes(selectors[i], p.name)) continue;
            const whole = selectVersions(versionsOf(p, recycleBin), matchers[i], rule, filters);
            const kept = selectVersions(versionsOf(trimmed, recycleBin), matchers[i], rule, filters);
            assert.deepEqual(kept.selected, whole.selected, `${selectors[i].text} on ${p.name}`);
            assert.deepEqual(kept.matched, whole.matched, `${selectors[i].text} on ${p.name}`);
            const m = matchers[i];
            if (m.kind === 'exact') {
              const exists = (q: PackageInfo) => versionsOf(q, recycleBin).some((v) => rule.compare(v.version, m.version) === 0);
              assert.equal(exists(trimmed), exists(p), 'whether the exact version exists at all');
            }
            if (!whole.matched.length) assert.deepEqual(versionsOf(trimmed, recycleBin).slice(0, 10), versionsOf(p, recycleBin).slice(0, 10), 'what the no-match message lists');
          }
        }
      },
    ), { numRuns: 2000 });
  });

  it('keeps one version of ten for latest, and every version where a view filter decides which is latest', () => {
    const p: PackageInfo = { id: 'x', name: 'Contoso.Core', versions: Array.from({ length: 10 }, (_, i) => ({ version: `1.0.${i}`, views: [local] })) };
    const s: Selector = { input: 'packages', line: 1, text: 'Contoso.*', name: 'Contoso.*', glob: true, version: 'latest' };
    const m = [parseVersionSelector(s, rule)];
    assert.deepEqual(versionsWanted(protocols.nuget, [s], m, { prerelease: 'include', source: 'any' }, false)(p).versions.map((v) => v.version), ['1.0.9']);
    assert.equal(versionsWanted(protocols.nuget, [s], m, { prerelease: 'include', source: 'any', sourceView: 'Release' }, false)(p).versions.length, 10);
  });

  it('where a view filter decides, the latest in the view is kept even past the first ten', () => {
    const versions: PackageVersionInfo[] = Array.from({ length: 20 }, (_, i) => ({ version: `1.0.${i}`, views: i === 14 ? [release] : [local] }));
    const p: PackageInfo = { id: 'x', name: 'Contoso.Core', versions };
    const s: Selector = { input: 'packages', line: 1, text: 'Contoso.Core', name: 'Contoso.Core', glob: false, version: 'latest' };
    const kept = versionsWanted(protocols.nuget, [s], [parseVersionSelector(s, rule)], { prerelease: 'include', source: 'any', sourceView: 'Release' }, false)(p);
    assert.ok(kept.versions.some((v) => v.version === '1.0.14'));
  });

  it('a package with no version matched keeps enough for the message to say there are more than ten', () => {
    const p: PackageInfo = { id: 'x', name: 'Contoso.Core', versions: Array.from({ length: 12 }, (_, i) => ({ version: `1.0.${i}`, views: [local] })) };
    const s: Selector = { input: 'packages', line: 1, text: 'Contoso.Core@9.9.9', name: 'Contoso.Core', glob: false, version: '9.9.9' };
    const kept = versionsWanted(protocols.nuget, [s], [parseVersionSelector(s, rule)], { prerelease: 'include', source: 'any' }, false)(p);
    assert.ok(kept.versions.length > 10, `${kept.versions.length} kept`);
    assert.deepEqual(kept.versions.slice(0, 10), p.versions.slice(0, 10));
  });

  it('an exact version the filters leave out is kept, so that the selection knows it exists', () => {
    const versions: PackageVersionInfo[] = Array.from({ length: 20 }, (_, i) => ({ version: i === 15 ? '2.0.0-beta' : `1.0.${i}`, views: [local] }));
    const p: PackageInfo = { id: 'x', name: 'Contoso.Core', versions };
    const s: Selector = { input: 'packages', line: 1, text: 'Contoso.Core@2.0.0-beta', name: 'Contoso.Core', glob: false, version: '2.0.0-beta' };
    const kept = versionsWanted(protocols.nuget, [s], [parseVersionSelector(s, rule)], { prerelease: 'exclude', source: 'any' }, false)(p);
    assert.ok(kept.versions.some((v) => v.version === '2.0.0-beta'));
  });
});

describe('engine select: latest where versions do not order totally', () => {
  it('a trimmed listing and the selection pick the same latest Maven version', () => {
    const maven = protocols.maven;
    for (const texts of [['0-beta', 'ga.10', '0'], ['0', 'alpha', 'android', '0-alpha']]) {
      const p: PackageInfo = { id: 'x', name: 'com.fabrikam:lib', versions: texts.map((version) => ({ version, views: [] })) };
      const s: Selector = { input: 'packages', line: 1, text: 'com.fabrikam:*', name: 'com.fabrikam:*', glob: true, version: 'latest' };
      const m = [parseVersionSelector(s, maven.versionRule)];
      const f: Filters = { prerelease: 'include', source: 'any', keepLatest: 0, olderThanDays: 0, now: 0 };
      const trimmed = versionsWanted(maven, [s], m, { prerelease: 'include', source: 'any' }, false)(p);
      assert.deepEqual(selectVersions(versionsOf(trimmed, false), m[0], maven.versionRule, f).matched, selectVersions(versionsOf(p, false), m[0], maven.versionRule, f).matched, texts.join(', '));
    }
  });
});
