import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { PageReader, readPage as readAnswer } from '../../../src/azure/feeds';
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

/** The page's bytes given to a PageReader `size` bytes at a time, as they arrive from a socket. */
function inChunks(size: number) {
  return (text: string, views: Map<string, FeedView>) => {
    const bytes = Buffer.from(text, 'utf8');
    const reader = new PageReader(views);
    for (let i = 0; i < bytes.length; i += size) reader.write(bytes.subarray(i, i + size));
    return reader.end();
  };
}

const readers: [string, (text: string, views: Map<string, FeedView>) => ReturnType<typeof readAnswer>][] = [
  ['package by package', (text, views) => readAnswer(text, views, 0)],
  ['whole, as small answers are', (text, views) => readAnswer(text, views)],
  ['as it arrives, a byte at a time', inChunks(1)],
  ['as it arrives, 7 bytes at a time', inChunks(7)],
  ['as it arrives, 4 KB at a time', inChunks(4096)],
];

describe('azure feeds: a listing page read as it arrives gives what the whole answer gives, however it is cut', () => {
  it('any cut points, any answer', () => {
    fc.assert(fc.property(fc.array(pkg, { maxLength: 5 }), fc.array(fc.nat(400), { maxLength: 12 }), fc.boolean(), (packages, cuts, bom) => {
      const bytes = Buffer.from(`${bom ? '\ufeff' : ''}${JSON.stringify({ count: packages.length, value: packages })}`, 'utf8');
      const reader = new PageReader(new Map());
      let from = 0;
      for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
        reader.write(bytes.subarray(from, c));
        from = c;
      }
      reader.write(bytes.subarray(from));
      assert.deepEqual(reader.end(), readAnswer(bytes, new Map()));
    }));
  });

  it('an answer cut short throws at its end, wherever the cut', () => {
    const text = JSON.stringify({ count: 2, value: [{ id: '1', name: 'a', versions: [{ version: '1.0', views: [] }] }, { id: '2', name: 'b', versions: [] }] });
    for (let n = 1; n < text.length; n++) {
      const reader = new PageReader(new Map());
      const cut = Buffer.from(text.slice(0, n));
      assert.throws(() => {
        for (let i = 0; i < cut.length; i += 5) reader.write(cut.subarray(i, i + 5));
        reader.end();
      }, SyntaxError, `cut after ${n} bytes: ${text.slice(0, n)}`);
    }
  });

  it('a comma before the closing bracket is refused wherever the answer is cut', () => {
    const text = '{"value":[{"id":"1","name":"a","versions":[]}, ]}';
    for (let n = 1; n < text.length; n++) {
      const reader = new PageReader(new Map());
      assert.throws(() => {
        reader.write(Buffer.from(text.slice(0, n)));
        reader.write(Buffer.from(text.slice(n)));
        reader.end();
      }, SyntaxError, `cut after ${n}: ${text.slice(0, n)}`);
    }
  });

  it('what is around the array must be JSON, as for a whole answer: text after it, a missing brace or a second value are refused', () => {
    const item = '{"id":"1","name":"a","versions":[]}';
    for (const bad of [`{"value":[${item}]} trailing`, `{"value":[${item}]`, `{"value":[${item}],}`, `{"value":[${item}],"value":[]}`, `{"value":[${item}],"value":null}`, `{"count":1 "value":[${item}]}`, `{"value":[${item}]}{}`]) {
      for (const size of [1, 5, 4096]) assert.throws(() => inChunks(size)(bad, new Map()), SyntaxError, `${bad} in pieces of ${size}`);
    }
    for (const good of [`{"value":[${item}]}`, `\ufeff {"count":1, "value" : [${item}] , "more":{"value":[1]}, "x":"]}"}\n`]) {
      assert.deepEqual(inChunks(3)(good, new Map()), readAnswer(good, new Map()), good);
    }
  });

  it('a long head before the array is read whole, to the same result', () => {
    const text = JSON.stringify({ note: 'x'.repeat(200_000), value: [{ id: '1', name: 'a', versions: [] }] });
    assert.deepEqual(inChunks(1000)(text, new Map()).packages.map((p) => p.name), ['a']);
  });
});

for (const [how, readPage] of readers) describe(`azure feeds: a listing page read ${how}`, () => {
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
