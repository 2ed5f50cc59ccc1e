import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readPage } from '../../../src/azure/feeds';
import type { FeedView } from '../../../src/engine/ports';

const version = fc.record({
  version: fc.string(),
  isListed: fc.boolean(),
  isDeleted: fc.boolean(),
  publishDate: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  views: fc.array(fc.record({ id: fc.uuid(), name: fc.string(), url: fc.webUrl() }), { maxLength: 3 }),
  storageId: fc.string(),
});
const pkg = fc.record({ id: fc.uuid(), name: fc.string(), url: fc.string(), versions: fc.array(version, { maxLength: 4 }) });

describe('azure feeds: a listing page', () => {
  it('is trimmed to the fields the engine reads, package by package', () => {
    fc.assert(fc.property(fc.array(pkg, { maxLength: 6 }), fc.nat(), (packages, count) => {
      const read = readPage(JSON.parse(JSON.stringify({ count, value: packages })), new Map<string, FeedView>());
      assert.equal(read.listed, packages.length);
      assert.deepEqual(read.packages.map((p) => [p.id, p.name, p.versions.map((v) => [v.version, v.isListed, !!v.isDeleted, v.publishDate, v.views!.map((x) => [x.id, x.name])])]),
        packages.map((p) => [p.id, p.name, p.versions.map((v) => [v.version, v.isListed, v.isDeleted, v.publishDate, v.views.map((x) => [x.id, x.name])])]));
      for (const p of read.packages) for (const v of p.versions) assert.ok(!('storageId' in v) && !('url' in v), 'fields the engine does not read are dropped');
    }));
  });

  it('an entry that is not a package is counted for paging but not used; a page without a value array is empty', () => {
    const read = readPage({ value: [{ id: '1', name: 'a', versions: [{ version: '1.0', views: [] }] }, 7, null] }, new Map());
    assert.equal(read.listed, 3);
    assert.deepEqual(read.packages.map((p) => p.name), ['a']);
    assert.deepEqual(readPage({ count: 0 }, new Map()), { packages: [], listed: 0 });
    assert.deepEqual(readPage({ value: null }, new Map()), { packages: [], listed: 0 });
    assert.deepEqual(readPage(undefined, new Map()), { packages: [], listed: 0 });
  });

  it('shares one object for each view', () => {
    const doc = { value: [{ id: '1', name: 'a', versions: [{ version: '1', views: [{ id: 'l', name: 'Local' }] }, { version: '2', views: [{ id: 'l', name: 'Local' }] }] }] };
    const [p] = readPage(doc, new Map()).packages;
    assert.equal(p.versions[0].views![0], p.versions[1].views![0]);
  });
});
