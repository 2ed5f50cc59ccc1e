import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readPage as readAnswer } from '../../../src/azure/feeds';
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

for (const [how, whole] of [['package by package', 0], ['whole, as small answers are', undefined]] as const) describe(`azure feeds: a listing page read ${how}`, () => {
  const readPage = (text: string, views: Map<string, FeedView>) => readAnswer(text, views, whole);
  it('gives what parsing the whole page gives, trimmed to the fields the engine reads', () => {
    fc.assert(fc.property(fc.array(pkg, { maxLength: 6 }), fc.nat(), fc.boolean(), (packages, count, pretty) => {
      const text = JSON.stringify({ count, value: packages, extra: { value: [1, 2] } }, null, pretty ? 2 : undefined);
      const read = readPage(text, new Map<string, FeedView>());
      assert.equal(read.listed, packages.length);
      assert.deepEqual(read.packages.map((p) => [p.id, p.name, p.versions.map((v) => [v.version, v.isListed, !!v.isDeleted, v.publishDate, v.views!.map((x) => [x.id, x.name])])]),
        packages.map((p) => [p.id, p.name, p.versions.map((v) => [v.version, v.isListed, v.isDeleted, v.publishDate, v.views.map((x) => [x.id, x.name])])]));
    }));
  });

  it('a key before value, nested arrays and strings with brackets and escapes do not confuse it', () => {
    const text = '\ufeff{"note":"] } [ \\" {","nested":{"value":[9]},"value":[{"id":"1","name":"a\\"]","versions":[{"version":"1.0","views":[{"id":"v","name":"Local"}]}]},7,null]}';
    const read = readPage(text, new Map());
    assert.equal(read.listed, 3);
    assert.deepEqual(read.packages.map((p) => p.name), ['a"]']);
  });

  it('a page without a value array is empty; text that is not JSON throws', () => {
    assert.deepEqual(readPage('{"count":0}', new Map()), { packages: [], listed: 0 });
    assert.deepEqual(readPage('{"value":null}', new Map()), { packages: [], listed: 0 });
    assert.throws(() => readPage('<html>sign in</html>', new Map()));
    assert.throws(() => readPage('{"value":[{"name":"x"', new Map()));
  });

  it('shares one object for each view', () => {
    const text = JSON.stringify({ value: [{ id: '1', name: 'a', versions: [{ version: '1', views: [{ id: 'l', name: 'Local' }] }, { version: '2', views: [{ id: 'l', name: 'Local' }] }] }] });
    const [p] = readPage(text, new Map()).packages;
    assert.equal(p.versions[0].views![0], p.versions[1].views![0]);
  });
});
