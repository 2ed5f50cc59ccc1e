// Properties over any input: parsing never throws anything but a one-line badInput, output text
// never breaks a line or starts an agent command, selection only narrows, download names never
// leave their folder, and credentials never survive redaction.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { protocols } from '../../../src/protocols';
import { segment } from '../../../src/protocols/names';
import { explain } from '../../../src/engine/explain';
import { Failure, FailureError, failureOf } from '../../../src/engine/failures';
import { format, msg } from '../../../src/engine/messages';
import type { PackageVersionInfo } from '../../../src/engine/ports';
import type { Row } from '../../../src/engine/plan';
import { RunOutcome } from '../../../src/engine/report';
import { inputNames, parseRequest, parseSelectors } from '../../../src/engine/request';
import { isPlainFileName } from '../../../src/engine/run';
import { Redactor } from '../../../src/engine/secrets';
import { parseVersionSelector, selectVersions } from '../../../src/engine/select';
import { cell, inline, json } from '../../../src/engine/text';
import { present } from '../../../src/outputs';
import { nodeFiles } from '../../../src/wiring';
import { assertMarkdownIntact, commandIn, markdownCells } from '../../helpers/hostile-checks';
import { removeRunFolders, runFolder } from '../../helpers/in-process';

const runs = { numRuns: 300 };

/** Fragments that hostile text is made of, mixed with arbitrary characters. */
const nasty = fc.constantFrom('\r', '\n', '\r\n', '\u2028', '\u2029', '\u0000', '\u0085', '##vso[', '##VSO[', '##[', '#', '##', '[', ']', '|', '\\', '`', '*', '_', '<', '>', '@', ';', ',', '/', '..', '../', '..\\', '%0A', '%AZP25', ' ', '\t', 'CON', ':', '\u202e', 'task.setvariable variable=x]1');
const hostileText = fc.array(fc.oneof(nasty, fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('Contoso.Core', '1.0.0', 'latest', '*', '[1.0,2.0)', '^1.2', '>=1.0,<2')), { maxLength: 12 }).map((parts) => parts.join(''));

function assertOneLine(text: string, where: string): void {
  assert.ok(!/[\r\n\u2028\u2029\u0085]/.test(text), `${where} breaks the line: ${JSON.stringify(text)}`);
  assert.ok(!commandIn(text), `${where} carries an agent command: ${JSON.stringify(text)}`);
  assert.ok(!/##vso\[|##\[/i.test(text), `${where} holds a command sequence: ${JSON.stringify(text)}`);
}

/** Anything thrown must be a badInput FailureError whose words are one safe line. */
function onlyBadInput(fn: () => unknown, where: string): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof FailureError, `${where} threw ${String(e)}`);
    assert.equal(e.failure.kind, 'badInput', `${where}: ${e.message}`);
    if (e.failure.kind === 'badInput') assertOneLine(format(e.failure.message), where);
  }
}

describe('properties: input parsing', () => {
  const inputs = fc.record(Object.fromEntries(inputNames.map((n) => [n, fc.option(n === 'action' ? fc.oneof(fc.constantFrom('promote', 'unlist', 'delete', 'show', 'download', 'deprecate', 'restore'), hostileText) : n === 'packageType' ? fc.oneof(fc.constantFrom('nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'), hostileText) : hostileText, { nil: undefined })])), { requiredKeys: [] });

  it('parseRequest: any inputs give a request or one badInput on one safe line', () => {
    fc.assert(fc.property(inputs, (i) => onlyBadInput(() => parseRequest(i, { downloadDirectory: 'dl' }), 'parseRequest')), { numRuns: 1000 });
  });

  it('parseRequest: a feed never climbs out of the organization (no `.`/`..` segment, no backslash)', () => {
    fc.assert(fc.property(hostileText, (feed) => {
      let r;
      try {
        r = parseRequest({ action: 'show', feed, packages: 'x', version: '*' }, { downloadDirectory: 'dl' });
      } catch (e) {
        assert.equal(failureOf(e).kind, 'badInput');
        return;
      }
      for (const s of [r.feed.feed, r.feed.project ?? 'p']) {
        assert.ok(s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\\'), JSON.stringify(feed));
      }
    }), runs);
  });

  it('parseSelectors: any text, any protocol: selectors with names and versions, or one badInput', () => {
    fc.assert(fc.property(hostileText, hostileText, fc.constantFrom(...Object.values(protocols)), (text, version, protocol) => {
      let selectors;
      try {
        selectors = parseSelectors(text, version.trim(), protocol);
      } catch (e) {
        onlyBadInput(() => { throw e; }, 'parseSelectors');
        return;
      }
      for (const s of selectors) {
        assert.ok(s.name.length > 0 && s.version.length > 0);
        // Names come from lines; a version may come from the `version` input as given.
        assert.ok(!/[\r\n]/.test(s.name), 'a selector name is one line');
      }
    }), runs);
  });

  it('parseVersionSelector: any version text, any protocol: a matcher or one badInput', () => {
    fc.assert(fc.property(hostileText, fc.constantFrom(...Object.values(protocols)), (version, protocol) => {
      onlyBadInput(() => parseVersionSelector({ input: 'packages', line: 1, text: `x@${version}`, name: 'x', glob: false, version }, protocol.versionRule), `parseVersionSelector ${protocol.key}`);
    }), { numRuns: 600 });
  });

  it('segment: a name is one encoded path segment that decodes to itself, or refused', () => {
    fc.assert(fc.property(hostileText, (name) => {
      let s: string;
      try {
        s = segment(name);
      } catch (e) {
        assert.equal(failureOf(e).kind, 'badInput');
        return;
      }
      assert.ok(!/[/\\?#\s]/.test(s), s);
      assert.ok(s !== '.' && s !== '..', s);
      assert.equal(decodeURIComponent(s), name);
      const u = new URL(`http://127.0.0.1/org/_apis/${s}/x`);
      assert.ok(u.pathname.startsWith('/org/_apis/'), u.pathname);
      assert.equal(u.pathname.split('/').length, 5, u.pathname);
    }), { numRuns: 600 });
  });
});

describe('properties: output text', () => {
  const anyText = fc.oneof(hostileText, fc.string({ unit: 'binary' }));

  it('inline: one line, no control characters, no agent command', () => {
    fc.assert(fc.property(anyText, (s) => {
      const out = inline(s);
      assertOneLine(out, 'inline');
      assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(out), JSON.stringify(out));
    }), { numRuns: 1000 });
  });

  it('inline: text without control characters or `#` comes out as it went in', () => {
    fc.assert(fc.property(fc.string().filter((s) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029#]/.test(s) && !/\b(Basic|Bearer)\s/i.test(s)), (s) => {
      assert.equal(inline(s), s);
    }), runs);
  });

  it('cell: one line, no raw HTML, the row keeps its cells', () => {
    fc.assert(fc.property(fc.array(anyText, { minLength: 1, maxLength: 5 }), (values) => {
      const row = `| ${values.map((v) => cell(v) || ' ').join(' | ')} |`;
      for (const v of values) assertOneLine(cell(v), 'cell');
      assert.ok(!/[<>]/.test(row), row);
      assert.equal(markdownCells(row).length, values.length, row);
    }), { numRuns: 600 });
  });

  it('json: one line, no `#`, and it reads back as the same value', () => {
    const value = fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown);
    const withText = fc.oneof(value, fc.array(fc.record({ package: anyText, version: anyText, deprecated: fc.option(anyText) })));
    fc.assert(fc.property(withText, (v) => {
      const out = json(v);
      assertOneLine(out, 'json');
      assert.ok(!out.includes('#'));
      const back = JSON.parse(out) as unknown;
      // Only credentials are changed; none are registered in this process unless a test made a client.
      if (!/\b(Basic|Bearer)\s/i.test(JSON.stringify(v))) assert.deepEqual(back, JSON.parse(JSON.stringify(v)));
    }), { numRuns: 600 });
  });

  it('format: any arguments give a message on one safe line', () => {
    fc.assert(fc.property(anyText, anyText, anyText, fc.integer(), (a, b, c, n) => {
      assertOneLine(format(msg('BadSelector', n, a, b)), 'BadSelector');
      assertOneLine(format(msg('FeedFound', a, b)), 'FeedFound');
      assertOneLine(format(msg('Downloaded', a, b, c, n)), 'Downloaded');
      assertOneLine(format(msg('UnsafeFile', a, b, c, a)), 'UnsafeFile');
    }), runs);
  });

  it('explain: any failure detail, identity or URL gives one safe line', () => {
    const failure: fc.Arbitrary<Failure> = fc.oneof(
      fc.record({ kind: fc.constant('authentication' as const), status: fc.integer({ min: 100, max: 599 }), detail: anyText, method: anyText, url: anyText }),
      fc.record({ kind: fc.constant('forbidden' as const), detail: anyText, identity: fc.option(anyText, { nil: undefined }), method: anyText, url: anyText }),
      fc.record({ kind: fc.constant('notFound' as const), detail: anyText, method: anyText, url: anyText }),
      fc.record({ kind: fc.constant('refused' as const), status: fc.integer(), detail: anyText, method: anyText, url: anyText }),
      fc.record({ kind: fc.constant('transient' as const), attempts: fc.nat(), detail: anyText, method: anyText, url: anyText, retryAfterMs: fc.option(fc.nat(), { nil: undefined }) }),
      fc.record({ kind: fc.constant('lostAnswer' as const), detail: anyText, method: anyText, url: anyText }),
      fc.record({ kind: fc.constant('location' as const), collectionUrl: anyText, areaId: anyText, detail: anyText }),
      fc.record({ kind: fc.constant('bug' as const), detail: anyText }),
    );
    fc.assert(fc.property(failure, anyText, anyText, (f, feed, project) => {
      assertOneLine(format(explain(f, { action: 'promote', role: 'contributor', feed, project, organization: project })), `explain ${f.kind}`);
    }), { numRuns: 600 });
  });

  it('present: any rows give a table of one line a row, an intact summary and faithful JSON', () => {
    const state = fc.option(fc.record({ views: fc.array(anyText, { maxLength: 3 }), listed: fc.option(fc.boolean()), deleted: fc.boolean(), deprecated: fc.option(anyText) }));
    const row: fc.Arbitrary<Row> = fc.record({ package: anyText, version: anyText, before: state, after: state, outcome: fc.constantFrom('changed', 'unchanged', 'planned', 'downloaded', 'failed'), published: fc.option(fc.date({ noInvalidDate: true }).map((d) => d.toISOString())), source: fc.constantFrom('local', 'upstream') }) as fc.Arbitrary<Row>;
    fc.assert(fc.property(fc.array(row, { maxLength: 6 }), fc.boolean(), anyText, (rows, show, warning) => {
      const outcome: RunOutcome = { rows, changedCount: rows.filter((r) => r.outcome === 'changed').length, downloadedFiles: [], result: 'Failed', errors: [msg('Unexpected', warning)], warnings: [msg('Unexpected', warning)], requests: 0, show };
      const out = present(outcome, warning, 'result.json');
      const lines = out.table!.split(/\r\n|\r|\n/);
      assert.equal(lines.length, rows.length + 2);
      for (const l of lines) assertOneLine(l, 'table line');
      assertMarkdownIntact(out.markdown, rows.length);
      assertOneLine(out.json, 'result json');
      assertOneLine(out.message, 'closing message');
      for (const v of Object.values(out.variables)) if (v !== undefined) assertOneLine(v, 'variable');
    }), runs);
  });
});

describe('properties: selection', () => {
  const rule = protocols.nuget.versionRule;
  const now = Date.UTC(2025, 0, 1);
  const version = fc.tuple(fc.nat(3), fc.nat(3), fc.nat(3), fc.option(fc.constantFrom('alpha', 'beta.1', 'rc.2'), { nil: undefined })).map(([a, b, c, p]) => `${a}.${b}.${c}${p ? `-${p}` : ''}`);
  const info: fc.Arbitrary<PackageVersionInfo> = fc.record({
    version,
    publishDate: fc.integer({ min: 0, max: 400 }).map((d) => new Date(now - d * 86_400_000 - 1000).toISOString()),
    isCachedVersion: fc.boolean(),
    views: fc.subarray([{ id: 'r', name: 'Release' }, { id: 'p', name: 'Prerelease' }]),
  });
  const versions = fc.uniqueArray(info, { selector: (v) => v.version, maxLength: 15 });
  const matcherText = fc.constantFrom('*', 'latest', '1.*', '[1.0,2.0)', '2.1.0', '(,3.0]', '1.0.0-*');
  const filters = fc.record({
    prerelease: fc.constantFrom('include', 'exclude', 'only') as fc.Arbitrary<'include' | 'exclude' | 'only'>,
    source: fc.constantFrom('any', 'local', 'upstream') as fc.Arbitrary<'any' | 'local' | 'upstream'>,
    sourceView: fc.option(fc.constant({ id: 'p', name: 'Prerelease' }), { nil: undefined }),
    exceptView: fc.option(fc.constant({ id: 'r', name: 'Release' }), { nil: undefined }),
    keepLatest: fc.nat(4),
    olderThanDays: fc.nat(300),
    now: fc.constant(now),
  });

  it('selected ⊆ matched ⊆ filtered ⊆ input; keepLatest leaves out the highest; olderThanDays keeps only older', () => {
    fc.assert(fc.property(versions, matcherText, filters, (vs, text, f) => {
      const matcher = parseVersionSelector({ input: 'packages', line: 1, text, name: 'x', glob: false, version: text }, rule);
      const { matched, selected } = selectVersions(vs, matcher, rule, f);
      const all = new Set(vs);
      for (const m of matched) {
        assert.ok(all.has(m));
        const pre = rule.isPrerelease(m.version);
        if (f.prerelease === 'exclude') assert.ok(!pre);
        if (f.prerelease === 'only') assert.ok(pre);
        if (f.source === 'local') assert.ok(!m.isCachedVersion);
        if (f.source === 'upstream') assert.ok(m.isCachedVersion);
        if (f.sourceView) assert.ok(m.views!.some((x) => x.id === 'p'));
        if (f.exceptView) assert.ok(!m.views!.some((x) => x.id === 'r'));
      }
      const matchedSet = new Set(matched);
      for (const s of selected) assert.ok(matchedSet.has(s));
      if (text === 'latest') assert.ok(matched.length <= 1);
      // Nor do the filters and the selector leave out more: matched is every version that passes the
      // filters and that the selector takes.
      const passing = vs.filter((v) => {
        const pre = rule.isPrerelease(v.version);
        if ((f.prerelease === 'exclude' && pre) || (f.prerelease === 'only' && !pre)) return false;
        if ((f.source === 'local' && v.isCachedVersion) || (f.source === 'upstream' && !v.isCachedVersion)) return false;
        if (f.sourceView && !v.views!.some((x) => x.id === 'p')) return false;
        return !(f.exceptView && v.views!.some((x) => x.id === 'r'));
      });
      const takes = (v: string) =>
        matcher.kind === 'all' || (matcher.kind === 'exact' && rule.compare(v, matcher.version) === 0) || (matcher.kind === 'range' && matcher.test(v)) || (matcher.kind === 'glob' && matcher.pattern.test(v));
      // `latest`: the greatest stable version, the greatest pre-release only where no stable one passes.
      const stable = passing.filter((v) => !rule.isPrerelease(v.version));
      const greatest = (stable.length ? stable : passing).reduce<PackageVersionInfo[]>((best, v) => (best.length && rule.compare(v.version, best[0].version) <= 0 ? best : [v]), []);
      assert.deepEqual(new Set(matched), new Set(matcher.kind === 'latest' ? greatest : passing.filter((v) => takes(v.version))), `${text} ${JSON.stringify(f)}`);
      // keepLatest: the N highest matched are never selected.
      const highest = [...matched].sort((a, b) => rule.compare(b.version, a.version)).slice(0, f.keepLatest);
      for (const h of highest) assert.ok(!selected.includes(h), `${h.version} is among the ${f.keepLatest} highest`);
      const cutoff = now - f.olderThanDays * 86_400_000;
      if (f.olderThanDays > 0) for (const s of selected) assert.ok(Date.parse(s.publishDate!) < cutoff);
      // Nothing else is left out: what is old enough and not among the highest is selected.
      const expected = matched.filter((m) => !highest.includes(m) && (f.olderThanDays === 0 || Date.parse(m.publishDate!) < cutoff));
      assert.deepEqual(new Set(selected), new Set(expected));
    }), { numRuns: 500 });
  });
});

describe('properties: download file names', () => {
  after(removeRunFolders);

  it('isPlainFileName: a name it accepts resolves directly inside any folder', () => {
    fc.assert(fc.property(hostileText, (name) => {
      if (!isPlainFileName(name)) return;
      for (const dir of ['/srv/dl', 'C:\\dl', 'rel/dl']) {
        for (const p of [path.posix, path.win32]) {
          const target = p.resolve(p.resolve(dir), name);
          assert.equal(p.dirname(target), p.resolve(dir), `${JSON.stringify(name)} under ${dir}`);
        }
      }
      assert.ok(!/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(name));
    }), { numRuns: 1000 });
    // Found by the property above: a line separator after the dot hid the device name from the check.
    assert.equal(isPlainFileName('CON..\u2028'), false);
    assert.equal(isPlainFileName('lpt1.\u2029x'), false);
  });

  it('protocol file names from any server name and version are plain or refused', () => {
    fc.assert(fc.property(hostileText, hostileText, fc.constantFrom(protocols.nuget, protocols.npm), (name, version, protocol) => {
      const file = protocol.downloadFileName!(name, version);
      if (isPlainFileName(file)) assert.equal(path.basename(file), file);
    }), runs);
  });

  it('FilesPort: writes only inside its folder, whatever the name', async () => {
    const root = runFolder('prop');
    const dir = path.join(root, 'inner', 'dl');
    fs.mkdirSync(dir, { recursive: true });
    const content = () => (async function* () { yield Buffer.from('x'); })();
    await fc.assert(fc.asyncProperty(hostileText, async (name) => {
      try {
        const w = await nodeFiles.write(dir, name, content());
        assert.equal(path.dirname(w.path), dir);
      } catch (e) {
        assert.ok(e instanceof FailureError || (e as NodeJS.ErrnoException).code !== undefined, String(e));
      }
      assert.deepEqual(fs.readdirSync(root), ['inner']);
      assert.deepEqual(fs.readdirSync(path.join(root, 'inner')), ['dl']);
    }), { numRuns: 300 });
    for (const f of fs.readdirSync(dir)) assert.ok(!f.endsWith('.part'), `no partial file left: ${f}`);
  });
});

describe('properties: redaction', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9._~-]{8,60}$/);
  const forms = (t: string) => {
    const b64 = Buffer.from(`:${t}`).toString('base64');
    return [t, b64, encodeURIComponent(b64), `Bearer ${t}`, `Basic ${b64}`, `Basic ${Buffer.from(`user:${t}`).toString('base64')}`, ` ${Buffer.from(`someone:${t}`).toString('base64')} `, encodeURIComponent(t)];
  };

  it('any text holding the token in any form comes out without it', () => {
    fc.assert(fc.property(token, fc.array(fc.oneof(hostileText, fc.constant('@')), { maxLength: 6 }), fc.array(fc.nat(7), { minLength: 1, maxLength: 6 }), (t, noise, which) => {
      const all = forms(t);
      const text = which.map((w, i) => `${noise[i] ?? ''}${all[w]}`).join('') + (noise.at(-1) ?? '');
      const out = new Redactor([t]).redact(text);
      assert.ok(!out.includes(t), JSON.stringify(out));
      assert.ok(!out.includes(Buffer.from(`:${t}`).toString('base64')), JSON.stringify(out));
      for (const w of out.match(/[A-Za-z0-9+/]{12,}={0,2}/g) ?? []) assert.ok(!Buffer.from(w, 'base64').toString('latin1').includes(t), w);
    }), { numRuns: 500 });
  });

  it('text without the token or a credential scheme is left as it is', () => {
    fc.assert(fc.property(token, hostileText, (t, text) => {
      fc.pre(!text.includes(t) && !/\b(Basic|Bearer)/i.test(text) && !/[A-Za-z0-9+/_-]{12,}/.test(text));
      assert.equal(new Redactor([t]).redact(text), text);
    }), runs);
  });
});
