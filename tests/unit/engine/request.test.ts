import * as assert from 'node:assert/strict';
import { FailureError } from '../../../src/engine/failures';
import type { Msg } from '../../../src/engine/messages';
import { parseFeed, parseRequest, parseSelectors } from '../../../src/engine/request';
import { protocols } from '../../../src/protocols';

const defaults = { downloadDirectory: '/agent/_work/1/s' };
const base = { feed: 'Fabrikam/internal', packages: 'Contoso.Core', version: '1.0.0', view: 'Release' };

function failsWith(fn: () => unknown, key: string): { message_: Msg } {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FailureError && e.failure.kind === 'badInput', `expected bad input, got ${String(e)}`);
    assert.equal(e.failure.message.key, key);
    return { message_: e.failure.message };
  }
  assert.fail(`expected ${key}`);
}

describe('engine: request', () => {
  it('applies the contract defaults', () => {
    const r = parseRequest(base, defaults);
    assert.equal(r.action, 'promote');
    assert.equal(r.protocol.key, 'nuget');
    assert.equal(r.prerelease, 'include');
    assert.equal(r.keepLatest, 0);
    assert.equal(r.maxVersions, 100);
    assert.equal(r.failOnNoMatch, true);
    assert.equal(r.dryRun, false);
    assert.equal(r.waitSeconds, 0);
    assert.equal(r.downloadDirectory, '/agent/_work/1/s');
  });

  it('strips @ from view names', () => {
    assert.equal(parseRequest({ ...base, view: '@Release' }, defaults).view, 'Release');
    assert.equal(parseRequest({ ...base, sourceView: '@Prerelease' }, defaults).sourceView, 'Prerelease');
  });

  it('requires a view for promote and a message for deprecate', () => {
    failsWith(() => parseRequest({ ...base, view: '' }, defaults), 'InputRequired');
    failsWith(() => parseRequest({ ...base, action: 'deprecate', packageType: 'npm', view: '' }, defaults), 'InputRequired');
    const r = parseRequest({ ...base, action: 'deprecate', packageType: 'npm', deprecateMessage: 'use 2.x' }, defaults);
    assert.equal(r.deprecateMessage, 'use 2.x');
  });

  it('refuses combinations outside the contract table before anything else', () => {
    failsWith(() => parseRequest({ ...base, action: 'unlist', packageType: 'npm' }, defaults), 'ActionNotSupported');
    failsWith(() => parseRequest({ ...base, action: 'deprecate', deprecateMessage: 'x' }, defaults), 'ActionNotSupported');
    failsWith(() => parseRequest({ ...base, action: 'download', packageType: 'pypi' }, defaults), 'ActionNotSupported');
    failsWith(() => parseRequest({ ...base, action: 'unlist', packageType: 'maven', packages: 'g:a' }, defaults), 'ActionNotSupported');
    assert.equal(parseRequest({ ...base, action: 'unlist', packageType: 'cargo', packages: 'serde' }, defaults).action, 'unlist');
    assert.equal(parseRequest({ ...base, action: 'show', packageType: 'upack', packages: 'tool' }, defaults).action, 'show');
  });

  it('refuses unknown choices, numbers and booleans', () => {
    failsWith(() => parseRequest({ ...base, action: 'publish' }, defaults), 'BadChoice');
    failsWith(() => parseRequest({ ...base, packageType: 'gem' }, defaults), 'BadPackageType');
    failsWith(() => parseRequest({ ...base, keepLatest: '-1' }, defaults), 'BadNumber');
    failsWith(() => parseRequest({ ...base, maxVersions: 'ten' }, defaults), 'BadNumber');
    failsWith(() => parseRequest({ ...base, dryRun: 'yes' }, defaults), 'BadBoolean');
    failsWith(() => parseRequest({ ...base, prerelease: 'some' }, defaults), 'BadChoice');
  });

  it('reads feed forms', () => {
    assert.deepEqual(parseFeed('Fabrikam/internal'), { text: 'Fabrikam/internal', project: 'Fabrikam', feed: 'internal' });
    assert.deepEqual(parseFeed('/3f2a'), { text: '/3f2a', project: null, feed: '3f2a' });
    assert.deepEqual(parseFeed('shared'), { text: 'shared', project: undefined, feed: 'shared' });
    failsWith(() => parseFeed('a/b/c'), 'BadFeed');
    // Path syntax, in any spelling, is refused before any request: as a feed or as a project.
    for (const bad of ['..', '.', '%2e', '%2E%2e', 'Fabrikam/..', '../internal', '%2e%2e/internal', 'a\\b']) failsWith(() => parseFeed(bad), 'BadFeed');
  });
});

describe('engine: selectors', () => {
  it('splits on lines and semicolons, not commas', () => {
    const s = parseSelectors('A\nB;C@[1.0,2.0)\n\n# comment\n', '1.0.0', protocols.nuget);
    assert.deepEqual(s.map((x) => [x.line, x.name, x.version]), [[1, 'A', '1.0.0'], [2, 'B', '1.0.0'], [2, 'C', '[1.0,2.0)']]);
  });

  it('takes the version after the last @ that is not the first character', () => {
    const s = parseSelectors('@scope/name@1.2.3\n@scope/other\nplain@^1.0', 'latest', protocols.npm);
    assert.deepEqual(s.map((x) => [x.name, x.version]), [['@scope/name', '1.2.3'], ['@scope/other', 'latest'], ['plain', '^1.0']]);
  });

  it('reads Maven groupId:artifactId', () => {
    const s = parseSelectors('com.contoso:core@1.0', '', protocols.maven);
    assert.deepEqual([s[0].name, s[0].version], ['com.contoso:core', '1.0']);
    failsWith(() => parseSelectors('core@1.0', '', protocols.maven), 'BadSelector');
  });

  it('marks globs', () => {
    const s = parseSelectors('Contoso.*\nExact', 'latest', protocols.nuget);
    assert.deepEqual(s.map((x) => x.glob), [true, false]);
  });

  it('names the line that has no version', () => {
    const e = failsWith(() => parseSelectors('A@1.0\nB', '', protocols.nuget), 'NoVersion');
    assert.deepEqual(e.message_.args.slice(0, 2), [{ input: 'packages', line: 2 }, 'B']);
  });
});
