// Generated inputs against the built task and the built command line, started as the agent and a
// shell start them, against the strict emulator. Every run must keep the invariants below whatever
// the inputs: one closing result, only the task's own agent commands, no token, a faithful and
// sorted result file, nothing changed by a dry run or a show, nothing sent for an invalid input,
// no request the service would refuse, no file outside the download folder, maxVersions kept.
//
// The committed run is small and seeded; for a hunt: FUZZ_RUNS=2000 (and FUZZ_SEED=<n>).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { findProtocol, supports } from '../../src/protocols';
import type { ActionKey } from '../../src/protocols';
import { FaultSpec, Fixture, hostileFixture, RequestRecord } from '../emulator';
import { filesUnder, runCli } from '../helpers/cli';
import { changing, useEmulator } from '../helpers/e2e';
import { nugetFixture } from '../helpers/fixtures';
import { agentLines, leakForms } from '../helpers/hostile-checks';
import { runFolder } from '../helpers/in-process';
import { protocolFixture } from '../helpers/protocol-fixtures';
import { repoRoot, runTask, TaskRun } from '../helpers/run-task';

const taskRuns = Number(process.env.FUZZ_RUNS) || 16;
const cliRuns = Number(process.env.FUZZ_CLI_RUNS) || Math.max(8, Math.round(taskRuns / 3));
const seed = Number(process.env.FUZZ_SEED) || 20240611;

/**
 * The committed run (the default seed, at least the default number of runs) must reach every outcome
 * counted in `reached`, or the invariants about it went untried; a run with another seed may by chance not.
 */
function assertReached(reached: Record<string, number>, runs: number, least: number): void {
  if (process.env.FUZZ_SEED || runs < least) return;
  for (const [what, n] of Object.entries(reached)) assert.ok(n > 0, `no run ${what}: the generators no longer reach it (${JSON.stringify(reached)})`);
}

const allowedVariables = ['changedCount', 'resultFile', 'result', 'feedUrl', 'downloadedFiles'];
const allowedCommands = ['task.setvariable', 'task.issue', 'task.complete', 'task.uploadsummary', 'task.setsecret', 'task.debug'];
const outcomes = ['changed', 'unchanged', 'planned', 'downloaded', 'failed'];
const rowKeys = ['after', 'before', 'outcome', 'package', 'published', 'source', 'version'];
const actionList: ActionKey[] = ['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanentDelete', 'download', 'show'];
const typeList = ['nuget', 'npm', 'pypi', 'maven', 'upack', 'cargo'];

/** The NuGet organization, the five other protocols' packages in the same feed, and the hostile feed. */
function fixture(): Fixture {
  const base = nugetFixture();
  const others = protocolFixture().feeds![0].packages!;
  const feeds = base.feeds!.map((f) => (f.name === 'internal' ? { ...f, packages: [...f.packages!, ...others] } : f));
  return { ...base, feeds: [...feeds, ...hostileFixture().feeds!] };
}

// ---- generators -------------------------------------------------------------------------------

const hostileBits = ['\r', '\n', '\r\n', '\u2028', '\u0085', '\t', ' ', '##vso[task.setvariable variable=changedCount]9', '##vso[task.complete result=Succeeded;]x', '##[error]x', '##VSO[', '../', '..\\', '%0A', '%AZP25', ';', '@', '|', 'Ünï✓', '\u202e', '😀', '`', '<b>'];
const bit = fc.constantFrom(...hostileBits);
/** Text made of hostile fragments and arbitrary characters (no NUL: an environment cannot hold one). */
const junk = fc
  .array(fc.oneof(bit, fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 6 })
  .map((p) => p.join('').replace(/\u0000/g, ''));
/** A value with odd whitespace around it. */
const padded = (v: string) => fc.constantFrom(` ${v}`, `${v} `, `\t${v}\r\n`, `\n${v}`);

const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', '0', '1', '2', '3', '100') },
  { weight: 1, arbitrary: fc.constantFrom('-1', '-0', '1.5', '1e3', '0x10', 'abc', '٣', '+2', ' 2 ', '99999999999999999999', '4294967296', '2147483648', 'Infinity', 'NaN') },
  { weight: 1, arbitrary: junk },
);
const boolText = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', 'true', 'false') }, { weight: 1, arbitrary: fc.constantFrom('True', 'FALSE', ' true ', 'yes', '1', 'no') }, { weight: 1, arbitrary: junk });
const viewText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('', 'Release', '@Release', 'Prerelease', '@Prerelease', 'Local') },
  { weight: 1, arbitrary: fc.constantFrom('Nope', 'release', '##vso[task.setvariable variable=changedCount]999', '../Release', 'Release\nx', 'a|b|c') },
  { weight: 1, arbitrary: junk },
);
const names = [
  'Contoso.Core', 'Contoso.Web', 'Contoso.*', '*', 'contoso.core', 'Contoso.Nope', '@contoso/widgets', 'left-pad', 'My-Package', 'my-package', 'my_crate', 'my-crate',
  'com.contoso:core', 'contoso-tools', 'Hostile.*', 'hostile-*', 'Shared.Lib', '../escape', 'a/../b', '@', 'a@', '@scope', 'x,y', '#comment', '..', '.',
];
const versions = ['', '1.0.0', '1.0', '2.0.0', '2.0', 'latest', '*', '1.*', '*-beta*', '[1.0,2.0)', '(,)', '[2.0,1.0]', '^1.0', '>=1.0.0 <2.0.0', '>=1.0,<2', '~=1.0', '1.*.0', '0.9.0', '9.9.9'];
const selectorLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...names), fc.constantFrom(...versions)).map(([n, v]) => (v ? `${n}@${v}` : n)) },
  { weight: 3, arbitrary: fc.constantFrom(...names) },
  { weight: 1, arbitrary: junk },
);
const packagesText = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 8, arbitrary: fc.tuple(fc.array(selectorLine, { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', '\r\n', '\r', ';', ' ; ', '\n\n')).map(([l, sep]) => l.join(sep)) },
);

const wild = fc.record(
  {
    action: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...actionList) }, { weight: 1, arbitrary: fc.constantFrom('', 'PROMOTE', 'permanent-delete', 'frobnicate', 'show;delete', '##vso[task.complete result=Succeeded;]') }, { weight: 1, arbitrary: fc.constantFrom(...actionList).chain(padded) }),
    feed: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('Fabrikam/internal', 'internal', '/shared', 'shared', 'Fabrikam/hostile', 'hostile', '1a1a1a1a-0000-4000-8000-000000000001', '6d1d2f5c-0a4e-4a5b-9f1a-1c2b3d4e5f60/internal') },
      { weight: 2, arbitrary: fc.constantFrom('', ' ', 'dupe', 'nope', 'Fabrikam/nope', 'Nope/internal', '../internal', 'Fabrikam/../internal', '..', '.', 'a\\b', 'Fabrikam/', '/', 'internal%2F..', 'Fabrikam/internal/x') },
      { weight: 1, arbitrary: junk },
      { weight: 1, arbitrary: padded('Fabrikam/internal') },
    ),
    packageType: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...typeList) }, { weight: 1, arbitrary: fc.constantFrom('', 'NuGet', 'NPM', 'python', 'gradle', '##vso[') }, { weight: 1, arbitrary: junk }),
    packages: packagesText,
    packageFiles: fc.oneof({ weight: 12, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom('*.nupkg', '**/*.tgz', '../*.nupkg', '!*.snupkg', 'missing.nupkg') }),
    version: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...versions) }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: padded('1.0.0') }),
    view: viewText,
    sourceView: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: viewText }),
    exceptView: fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: viewText }),
    source: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', 'any', 'local', 'upstream') }, { weight: 1, arbitrary: fc.constantFrom('Any', 'remote', 'LOCAL ') }, { weight: 1, arbitrary: junk }),
    prerelease: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', 'include', 'exclude', 'only') }, { weight: 1, arbitrary: fc.constantFrom('Only', 'none', 'true') }, { weight: 1, arbitrary: junk }),
    keepLatest: numberText,
    olderThanDays: numberText,
    deprecateMessage: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('', 'use 2.0', ' ') }, { weight: 2, arbitrary: junk }),
    downloadDirectory: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('', 'dl', 'a/b', './dl', '../escape', 'dl/../../escape2') }, { weight: 1, arbitrary: junk.map((j) => `dl/${j.replace(/[\r\n]/g, '')}`) }),
    dryRun: boolText,
    maxVersions: numberText,
    failOnNoMatch: boolText,
    // Small: an exact version that is not there is waited for that long.
    waitSeconds: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('', '0', '1') }, { weight: 1, arbitrary: fc.constantFrom('-1', 'abc', '1.5', '99999999999999999999') }),
  },
);


/** Per protocol: names the fixture holds (or nearly), and version selectors its grammar takes. */
const coherent: Record<string, { names: string[]; versions: string[]; feeds: string[] }> = {
  nuget: { names: ['Contoso.Core', 'Contoso.Web', 'Contoso.*', '*', 'contoso.core', 'Contoso.Data', 'Hostile.*', 'Hostile.Versions', 'Contoso.Nope'], versions: ['1.0.0', '2.0.0', 'latest', '*', '1.*', '[1.0,2.0)', '(1.0,]', '0.9.0', '1.*.0', '*-beta*', '[1.*-alpha*, 3.0.0)'], feeds: ['Fabrikam/internal', 'internal', 'Fabrikam/hostile', '1a1a1a1a-0000-4000-8000-000000000001'] },
  npm: { names: ['@contoso/widgets', 'left-pad', 'hostile-*', '*', 'contoso-core', '@contoso/*'], versions: ['1.0.0', '2.0.0', 'latest', '*', '^1.0', '>=1.0.0 <2.0.0', '1.x', '*-beta*', '0.9.0'], feeds: ['Fabrikam/internal', 'Fabrikam/hostile'] },
  pypi: { names: ['My-Package', 'my_package', 'my.package', '*'], versions: ['1.0', '2.0', 'latest', '*', '>=1.0,<2', '~=1.0', '==2.0rc1', '0.5'], feeds: ['Fabrikam/internal'] },
  maven: { names: ['com.contoso:core', 'com.contoso:*', '*'], versions: ['1.0', '2.0', 'latest', '*', '[1.0,2.0)', '[1.5,)', '0.9'], feeds: ['Fabrikam/internal'] },
  upack: { names: ['contoso-tools', 'contoso-*', '*'], versions: ['1.0.0', '2.0.0', 'latest', '*', '^1.0', '0.1.0'], feeds: ['Fabrikam/internal'] },
  cargo: { names: ['my_crate', 'my-crate', '*'], versions: ['1.0.0', '1.2.0', 'latest', '*', '^1.0', '>=1.0, <2.0', '=1.1.0', '0.1.0'], feeds: ['Fabrikam/internal'] },
};

/** A run a release engineer could have written: one protocol, its names and versions, a supported action. */
const validBase = fc.constantFrom(...typeList).chain((type) => {
  const c = coherent[type];
  const protocol = findProtocol(type)!;
  const acts = actionList.filter((a) => supports(protocol, a));
  const line = fc.tuple(fc.constantFrom(...c.names), fc.option(fc.constantFrom(...c.versions), { nil: undefined })).map(([n, v]) => (v ? `${n}@${v}` : n));
  return fc.record({
    action: fc.constantFrom(...acts),
    feed: fc.constantFrom(...c.feeds),
    packageType: fc.constant(type),
    packages: fc.tuple(fc.array(line, { minLength: 1, maxLength: 3 }), fc.constantFrom('\n', '\r\n', ';', '\n\n')).map(([l, sep]) => l.join(sep)),
    version: fc.constantFrom(...c.versions),
    view: fc.constantFrom('Release', '@Release', 'Prerelease', '@Prerelease'),
    sourceView: fc.constantFrom('', '', '', 'Prerelease', 'Release'),
    exceptView: fc.constantFrom('', '', '', 'Release'),
    source: fc.constantFrom('', 'any', 'local', 'upstream'),
    prerelease: fc.constantFrom('', 'include', 'exclude', 'only'),
    keepLatest: fc.constantFrom('', '0', '0', '1', '2'),
    olderThanDays: fc.constantFrom('', '0', '0', '30', '150'),
    deprecateMessage: fc.constantFrom('use 2.0', 'old ##vso[task.setvariable variable=changedCount]9', 'line\nbreak', 'Ünï✓ | pipe'),
    downloadDirectory: fc.constantFrom('', 'dl', 'a/b', './dl'),
    dryRun: fc.constantFrom('', 'false', 'true', 'true'),
    maxVersions: fc.constantFrom('', '0', '1', '2', '3', '100'),
    failOnNoMatch: fc.constantFrom('', 'true', 'false', 'false', 'false'),
    waitSeconds: fc.constantFrom('', '0', '0', '1'),
  });
});

const mutable = ['action', 'feed', 'packageType', 'packages', 'packageFiles', 'version', 'view', 'sourceView', 'exceptView', 'source', 'prerelease', 'keepLatest', 'olderThanDays', 'deprecateMessage', 'downloadDirectory', 'dryRun', 'maxVersions', 'failOnNoMatch', 'waitSeconds'] as const;

/** A valid base with up to three inputs replaced by anything the wild generators make, or dropped. */
const taskInputs = fc
  .tuple(validBase, wild, fc.array(fc.tuple(fc.constantFrom(...mutable), fc.constantFrom('wild', 'drop', 'pad')), { maxLength: 3 }))
  .map(([base, w, changes]) => {
    const out: Partial<Record<string, string>> = { ...base };
    for (const [k, how] of changes) {
      if (how === 'drop') delete out[k];
      else if (how === 'pad') out[k] = ` ${out[k] ?? ''}\r\n`;
      else out[k] = w[k];
    }
    return out;
  });

/**
 * What the server does besides answering: mostly nothing; else a refusal, a lie, a lost answer, an
 * echo of the credential, or (rarer, it costs a real back-off) a transient failure.
 */
const echo = 'refused {{authorization}}\r\n##vso[task.setvariable variable=changedCount]9\n##[error]x';
const faults: fc.Arbitrary<FaultSpec[]> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<FaultSpec[]>([]) },
  {
    weight: 4,
    arbitrary: fc.constantFrom<FaultSpec[]>(
      [{ match: { method: 'PATCH' }, status: 400, message: echo }],
      [{ match: { method: 'POST' }, status: 400, message: echo }],
      [{ match: { method: 'DELETE' }, status: 403, message: echo }],
      [{ match: { method: 'PATCH' }, echoAuthorization: true }],
      [{ match: { method: 'POST' }, lie: { applyFirst: 1 } }],
      [{ match: { method: 'PATCH' }, lie: true }],
      [{ match: { method: 'DELETE' }, status: 404, message: 'gone' }],
      [{ match: { method: 'PATCH' }, status: 409, message: 'conflict' }],
      [{ match: { route: 'versions.list' }, status: 404, message: echo }],
      [{ match: { route: 'packages.list' }, status: 401, message: echo }],
      [{ match: { route: 'views.list' }, status: 400, body: '<html>##vso[task.complete result=Succeeded;]</html>', contentType: 'text/html' }],
      [{ match: { route: 'packages.list' }, status: 200, body: 'not json ##vso[x]', contentType: 'application/json' }],
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom<FaultSpec[]>(
      [{ match: { method: 'POST' }, status: 503 }],
      [{ match: { method: 'PATCH' }, afterApply: true, status: 500 }],
      [{ match: { method: 'POST' }, afterApply: true, drop: true }],
      [{ match: { route: 'packages.list' }, status: 429, retryAfterSeconds: 1 }],
    ),
  },
);
const role = fc.constantFrom<'owner' | 'contributor' | 'reader'>('owner', 'owner', 'owner', 'owner', 'contributor', 'reader');

/**
 * A task run: generated inputs, server faults and the token's role. With every filter, the dry run,
 * the role and up to three wild inputs drawn at random, about one run in a hundred changed anything
 * (none of the committed sixteen), so the invariants on changes, lies, lost answers and maxVersions
 * went untried. Half the runs are therefore plain: the owner, a change of live versions as a release
 * engineer writes it, no filter, a dry run one time in three; the faults are drawn as for any run.
 */
const taskRun = fc.oneof(
  fc.record({ i: taskInputs, fs: faults, who: role }),
  fc.record({
    i: validBase
      .filter((b) => ['promote', 'unlist', 'deprecate', 'delete'].includes(b.action))
      .chain((b) => fc.constantFrom('', 'false', 'true').map((dryRun): GenInputs => ({ ...b, sourceView: '', exceptView: '', source: '', prerelease: '', keepLatest: '', olderThanDays: '', dryRun }))),
    fs: faults,
    who: fc.constant<'owner' | 'contributor' | 'reader'>('owner'),
  }),
);

type GenInputs = Partial<Record<string, string>>;

// ---- the oracle: inputs that are certainly invalid --------------------------------------------

const t = (v: string | undefined) => (v ?? '').trim();
const isBadNumber = (v: string | undefined) => t(v) !== '' && (/^-\d/.test(t(v)) || !/^[-+]?[\d.eExX]+$/.test(t(v))) && !/^\d+$/.test(t(v)) && !/^[٠-٩]+$/.test(t(v));
function selectorLines(text: string | undefined): string[] {
  return (text ?? '').split(/\r\n|\r|\n/).flatMap((l) => l.split(';')).map((x) => x.trim()).filter((x) => x && !x.startsWith('#'));
}

/** A reason when the inputs are invalid by the contract alone; undefined when they may be valid. */
export function certainlyInvalid(i: GenInputs): string | undefined {
  const action = i.action === undefined ? 'promote' : t(i.action) || 'promote';
  if (/^(frobnicate|show;delete|##vso)/.test(action)) return 'unknown action';
  const type = i.packageType === undefined ? 'nuget' : t(i.packageType) || 'nuget';
  if (/^(python|gradle|##vso\[)$/.test(type)) return 'unknown type';
  if (!t(i.feed)) return 'no feed';
  if (['..', '.', 'a\\b', '../internal', 'Fabrikam/../internal', 'Fabrikam/', '/', 'Fabrikam/internal/x'].includes(t(i.feed))) return 'bad feed';
  for (const n of ['keepLatest', 'olderThanDays', 'maxVersions', 'waitSeconds']) if (isBadNumber(i[n])) return `bad ${n}`;
  const files = selectorLines(i.packageFiles);
  const lines = selectorLines(i.packages);
  if (files.length && lines.length) return 'both packages and files';
  if (!files.length && !lines.length) return 'neither packages nor files';
  if (actionList.includes(action as ActionKey) && typeList.includes(type)) {
    const p = findProtocol(type)!;
    if (!supports(p, action as ActionKey)) return 'action not for type';
    if (action === 'promote' && !t(i.view)) return 'promote without view';
    if (action === 'deprecate' && !t(i.deprecateMessage)) return 'deprecate without message';
  }
  if (!files.length) {
    for (const l of lines) {
      const at = l.lastIndexOf('@');
      const own = at > 0 ? l.slice(at + 1).trim() : '';
      if (at > 0 && !own) return `selector ${l}: nothing after @`;
      if (l === '@') return 'selector @';
      if (!own && !t(i.version)) return `selector ${l}: no version`;
      // Maven's resolver takes (,) as every version; NuGet's refuses it, and no other grammar has it.
      if ((own || t(i.version)) === '(,)' && type !== 'maven') return 'empty interval';
      const v = own || t(i.version);
      if (v === '[2.0,1.0]') return 'reversed interval';
      // Each protocol's own grammar refuses these, and none holds a `*` to make it a glob.
      const refused: Record<string, string[]> = {
        nuget: ['^1.0', '>=1.0.0 <2.0.0', '>=1.0,<2', '~=1.0'],
        npm: ['[1.0,2.0)'],
        upack: ['[1.0,2.0)'],
        cargo: ['[1.0,2.0)', '>=1.0.0 <2.0.0'],
        pypi: ['[1.0,2.0)', '^1.0', '>=1.0.0 <2.0.0'],
      };
      if ((refused[type] ?? []).includes(v)) return `${type} refuses the selector ${v}`;
    }
  }
  return undefined;
}

// ---- invariants -------------------------------------------------------------------------------

const inside = (dir: string, file: string) => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

/** How many distinct versions the changing requests of the log asked to change (a retry asks again for the same ones). */
function versionsAsked(log: RequestRecord[]): number {
  const asked = new Set<string>();
  for (const r of changing(log)) {
    const body = r.body as { packages?: unknown[] } | undefined;
    if (body && Array.isArray(body.packages)) for (const p of body.packages) asked.add(JSON.stringify(p).toLowerCase());
    else asked.add(r.path.toLowerCase().replace(/\/recyclebin\//, '/'));
  }
  return asked.size;
}

function checkRows(rows: unknown, type: string | undefined, where: string): void {
  assert.ok(Array.isArray(rows), `${where}: the result is an array`);
  const protocol = findProtocol(type === undefined ? 'nuget' : type.trim() || 'nuget');
  for (const r of rows as Record<string, unknown>[]) {
    assert.deepEqual(Object.keys(r).sort(), rowKeys, `${where}: row keys ${JSON.stringify(r).slice(0, 300)}`);
    assert.ok(outcomes.includes(r.outcome as string), `${where}: outcome ${String(r.outcome)}`);
    assert.equal(typeof r.package, 'string');
    assert.equal(typeof r.version, 'string');
  }
  const list = rows as { package: string; version: string }[];
  for (let k = 1; k < list.length; k++) {
    const a = list[k - 1];
    const b = list[k];
    const x = a.package.toLowerCase();
    const y = b.package.toLowerCase();
    assert.ok(x <= y, `${where}: rows sorted by package: ${a.package} before ${b.package}`);
    if (x === y && protocol) assert.ok(protocol.versionRule.compare(a.version, b.version) <= 0, `${where}: rows sorted by version: ${a.version} before ${b.version}`);
  }
}

const shown = (i: GenInputs) => JSON.stringify(i);

/** Every invariant of one task run. */
function checkTaskRun(r: TaskRun, i: GenInputs, log: RequestRecord[], token: string, dirs: { root: string; download: string }): void {
  const at = `inputs ${shown(i)}\n${r.stdout.slice(-1500)}\n${r.stderr.slice(-1500)}`;
  assert.equal(r.code, 0, `the task exits 0 (the agent reads task.complete): ${at}`);
  assert.ok(!/TypeError|ReferenceError|RangeError|at .*\.js:\d+/.test(r.stderr), `nothing on stderr looks like a crash: ${at}`);
  const lines = agentLines(r.stdout);
  const complete = lines.filter((l) => l.startsWith('##vso[task.complete'));
  assert.equal(complete.length, 1, `one task.complete: ${at}`);
  assert.ok(['Succeeded', 'SucceededWithIssues', 'Failed'].includes(r.result?.status ?? ''), `result ${r.result?.status}: ${at}`);
  for (const line of lines) {
    if (!line.startsWith('##')) {
      assert.ok(!/##vso\[/i.test(line) && !/^\s*##\[/.test(line), `a command inside a line: ${JSON.stringify(line.slice(0, 300))}: ${at}`);
      continue;
    }
    const m = /^##vso\[([\w.]+)([^\]]*)\]/.exec(line);
    assert.ok(m && allowedCommands.includes(m[1]), `a line starting a command that is not the task's: ${JSON.stringify(line.slice(0, 300))}: ${at}`);
    if (m[1] === 'task.setvariable') {
      const variable = /variable=([^;\]]*)/.exec(m[2])?.[1];
      assert.ok(variable && allowedVariables.includes(variable), `setvariable ${variable}: ${at}`);
    }
  }
  for (const f of leakForms(token)) {
    const text = lines.filter((l) => !l.startsWith('##vso[task.setsecret]')).join('\n');
    assert.ok(!text.includes(f), `the token in the output: ${at}`);
    assert.ok(!r.stderr.includes(f), `the token on stderr: ${at}`);
  }
  const message = r.result?.message ?? '';
  assert.ok(!/[\r\n\u2028\u2029]/.test(message), `the closing message is one line: ${JSON.stringify(message)}`);
  assert.ok(!/Unexpected failure/i.test(message) && !/Unexpected failure/i.test(r.stdout), `no unexpected failure: ${message}: ${at}`);
  // The result file.
  const file = r.variables.resultFile;
  assert.ok(file && fs.existsSync(file), `a result file: ${at}`);
  assert.ok(inside(r.tempDir, file), 'the result file is in the agent temp folder');
  const text = fs.readFileSync(file, 'utf8');
  let rows: unknown;
  assert.doesNotThrow(() => (rows = JSON.parse(text)), `the result file is JSON: ${at}`);
  checkRows(rows, i.packageType, at);
  const list = rows as { outcome: string; version: string; package: string }[];
  assert.equal(r.variables.changedCount, String(list.filter((x) => x.outcome === 'changed').length), `changedCount: ${at}`);
  if (r.variables.result) assert.deepEqual(JSON.parse(r.variables.result), rows, 'result variable is the file');
  // What was sent.
  const invalid = certainlyInvalid(i);
  if (invalid) {
    assert.equal(r.result?.status, 'Failed', `invalid input (${invalid}) fails: ${at}`);
    assert.equal(log.length, 0, `invalid input (${invalid}) sends nothing: ${log.map((x) => `${x.method} ${x.path}`).join(', ')}: ${at}`);
  }
  const dry = t(i.dryRun).toLowerCase() === 'true';
  const action = t(i.action).toLowerCase();
  if (dry || action === 'show' || action === 'download') {
    assert.deepEqual(changing(log).map((x) => `${x.method} ${x.path}`), [], `nothing changed (dry run, show or download): ${at}`);
    assert.ok(!list.some((x) => x.outcome === 'changed'), `no changed rows: ${at}`);
  }
  if (action === 'show') assert.ok(list.every((x) => x.outcome === 'unchanged'), `show rows are unchanged: ${at}`);
  if (dry) assert.ok(list.every((x) => x.outcome !== 'downloaded'), `a dry run downloads nothing: ${at}`);
  if (/^\d{1,6}$/.test(t(i.maxVersions))) {
    const max = Number(t(i.maxVersions));
    if (max > 0) {
      assert.ok(versionsAsked(log) <= max, `maxVersions ${max}: asked to change ${versionsAsked(log)}: ${at}`);
      assert.ok(list.filter((x) => x.outcome === 'changed').length <= max, `maxVersions ${max}: ${at}`);
    }
  } else if (t(i.maxVersions) === '') assert.ok(versionsAsked(log) <= 100, 'default maxVersions 100');
  // Files: only inside the download folder (and the agent temp folder, checked apart).
  for (const f of filesUnder(dirs.root)) assert.ok(inside(dirs.download, f), `a file outside the download folder: ${f}: ${at}`);
  // task-lib keeps its key file there (`.taskkey`), as every task built on it does.
  for (const f of filesUnder(r.tempDir)) assert.match(path.basename(f), /^(package-lifecycle-[\w-]+\.(json|md)|\.taskkey)$/, `temp folder holds only the result files and task-lib's key: ${f}`);
  const downloaded = (r.variables.downloadedFiles ?? '').split('\n').filter(Boolean);
  for (const f of downloaded) assert.ok(inside(dirs.download, f), `downloadedFiles names a file outside: ${f}`);
}

describe('e2e fuzz: the built task and command line under generated inputs', function () {
  this.timeout(600_000);
  const h = useEmulator(fixture);

  before(function () {
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'index.js'))) this.skip();
  });

  const stats: string[] | undefined = process.env.FUZZ_STATS ? [] : undefined;
  after(() => {
    if (!stats) return;
    const counts = new Map<string, number>();
    for (const s of stats) counts.set(s, (counts.get(s) ?? 0) + 1);
    fs.writeFileSync(process.env.FUZZ_STATS!, [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}\t${k}`).join('\n'));
  });

  it(`the task keeps every invariant (${taskRuns} runs, seed ${seed})`, async () => {
    // Runs that reported a changed row, and runs that reported a planned one.
    const reached = { changed: 0, planned: 0 };
    await fc.assert(
      fc.asyncProperty(taskRun, fc.boolean(), async ({ i, fs: fs_, who }, debug) => {
        h.emu.reset(fixture());
        for (const f of fs_) h.emu.fault(f);
        const root = runFolder('fuzz');
        const work = path.join(root, 'work');
        fs.mkdirSync(work);
        const inputs: Record<string, string> = {};
        for (const [k, v] of Object.entries(i)) if (v !== undefined) inputs[k] = v;
        const token = h.emu.tokens[who];
        const r = await runTask(h.emu, inputs, { token, workDir: work, env: debug ? { SYSTEM_DEBUG: 'true' } : {} });
        const download = path.resolve(work, t(i.downloadDirectory) || '.');
        if (stats) stats.push(`${fs_.length ? 'fault' : ''} ${t(i.action)} ${r.result?.status} ${h.emu.log.length ? 'sent' : 'none'} ${changing(h.emu.log).length ? 'changing' : ''} ${r.result?.status === 'Failed' ? r.result.message.slice(0, 60) : ''}`);
        if (r.rows.some((x) => x.outcome === 'changed')) reached.changed++;
        if (r.rows.some((x) => x.outcome === 'planned')) reached.planned++;
        try {
          checkTaskRun(r, i, [...h.emu.log], token, { root, download });
          const bad = h.emu.nonconforming();
          assert.deepEqual(bad.map((x) => `${x.method} ${x.host} ${x.path} ${JSON.stringify(x.query)}`), [], `nonconforming requests for ${shown(i)}`);
          assert.equal(h.emu.attackerLog.length, 0, 'nothing reached the attacker');
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
          fs.rmSync(r.tempDir, { recursive: true, force: true });
        }
      }),
      { numRuns: taskRuns, seed, endOnFailure: true },
    );
    assertReached(reached, taskRuns, 16);
  });

  // ---- the command line ----

  const cliAction = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...actionList.flatMap((a) => (a === 'permanentDelete' ? ['permanent-delete', a] : [a]))) }, { weight: 1, arbitrary: fc.constantFrom('frob', '', '--', '-x') });
  const flagValue = (flag: string, values: fc.Arbitrary<string>) => values.map((v) => [flag, v]);
  const cliFlags = fc.array(
    fc.oneof(
      flagValue('--type', fc.constantFrom(...typeList, 'NuGet', 'bogus')),
      flagValue('--version', fc.constantFrom(...versions.filter(Boolean), '(,)')),
      flagValue('--view', viewText),
      flagValue('--source-view', viewText),
      flagValue('--except-view', viewText),
      flagValue('--source', fc.constantFrom('any', 'local', 'upstream', 'x')),
      flagValue('--prerelease', fc.constantFrom('include', 'exclude', 'only', 'x')),
      flagValue('--keep-latest', numberText),
      flagValue('--older-than-days', numberText),
      flagValue('--message', fc.oneof(fc.constant('use 2.0'), junk)),
      flagValue('--max-versions', numberText),
      flagValue('--wait-seconds', fc.constantFrom('0', '1', '-1', 'x')),
      flagValue('--out', fc.constantFrom('dl', '../escape', 'a/b')),
      fc.constantFrom(['--dry-run'], ['--allow-no-match'], ['-q'], ['--bogus'], ['--token', 'abc'], ['--feed'], ['--dry-run=yes']),
    ),
    { maxLength: 5 },
  );
  const wildCli = fc.record({
    action: cliAction,
    feed: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('Fabrikam/internal', 'internal', 'Fabrikam/hostile') }, { weight: 1, arbitrary: fc.constantFrom('', '..', 'nope', '../x') }),
    selectors: fc.array(fc.oneof(selectorLine, fc.constantFrom('Contoso.Core@1.0.0', 'left-pad@*', '--json')), { maxLength: 3 }),
    flags: cliFlags,
    json: fc.boolean(),
  });
  /**
   * A command line a user could have typed: a change of one of a protocol's names and versions, the
   * flags its action needs, sometimes --dry-run, sometimes one more flag. Of the wild command lines
   * nearly all are usage errors (55 in 60, the committed eight all), so without these nothing the
   * command line does after parsing was tried; half the runs are these.
   */
  const plainCli = fc.constantFrom(...typeList).chain((type) => {
    const c = coherent[type];
    const acts = (['promote', 'unlist', 'deprecate', 'delete'] as const).filter((a) => supports(findProtocol(type)!, a));
    return fc.record({
      action: fc.constantFrom<string>(...acts),
      feed: fc.constantFrom(...c.feeds),
      selectors: fc.tuple(fc.constantFrom(...c.names), fc.constantFrom(...c.versions)).map(([n, v]) => [`${n}@${v}`]),
      flags: fc.tuple(fc.constantFrom<string[][]>([], [], [['--dry-run']]), fc.oneof({ weight: 2, arbitrary: fc.constant<string[][]>([]) }, { weight: 1, arbitrary: cliFlags.map((f) => f.slice(0, 1)) })),
      json: fc.boolean(),
    }).map((a) => {
      const needs: string[][] = [['--type', type], ...(a.action === 'promote' ? [['--view', 'Release']] : []), ...(a.action === 'deprecate' ? [['--message', 'use 2.0']] : [])];
      return { ...a, flags: [...needs, ...a.flags[0], ...a.flags[1]] };
    });
  });
  const cliArgs = fc.oneof(wildCli, plainCli);

  it(`the command line keeps its invariants (${cliRuns} runs, seed ${seed})`, async () => {
    // Runs that got past parsing, and runs that changed something.
    const reached = { ran: 0, changed: 0 };
    await fc.assert(
      fc.asyncProperty(cliArgs, async (a) => {
        h.emu.reset(fixture());
        const root = runFolder('fuzz-cli');
        const work = path.join(root, 'work');
        fs.mkdirSync(work);
        const args = [a.action, '--org', `${h.emu.urls.org}/`, '--feed', a.feed, ...a.selectors.map((s) => s.replace(/\u0000/g, '')), ...a.flags.flat(), ...(a.json ? ['--json'] : [])].filter((x) => x !== '');
        const token = h.emu.tokens.owner;
        const r = await runCli(args, work, { AZURE_DEVOPS_EXT_PAT: token });
        const at = `args ${JSON.stringify(args)}\n${r.stdout.slice(-1000)}\n${r.stderr.slice(-1500)}`;
        try {
          assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit code ${r.code}: ${at}`);
          assert.ok(!/unexpected failure/i.test(r.stderr), `a crash: ${at}`);
          for (const f of leakForms(token)) assert.ok(!r.stdout.includes(f) && !r.stderr.includes(f), `the token: ${at}`);
          const log = [...h.emu.log];
          if (r.code !== 2) reached.ran++;
          if (changing(log).length) reached.changed++;
          if (r.code === 2) assert.equal(log.length, 0, `a usage error sends nothing: ${at}`);
          const usageBad = a.flags.some((f) => ['--bogus', '--token', '--dry-run=yes'].includes(f[0]) || (f[0] === '--feed' && f.length === 1)) || !['promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanent-delete', 'permanentDelete', 'download', 'show'].includes(a.action);
          if (usageBad) assert.equal(r.code, 2, `a usage error exits 2: ${at}`);
          if (r.code !== 2 && (a.json || args.includes('--json'))) {
            let rows: unknown;
            assert.doesNotThrow(() => (rows = JSON.parse(r.stdout)), `--json prints only JSON: ${at}`);
            checkRows(rows, a.flags.find((f) => f[0] === '--type')?.[1], at);
          }
          if (args.includes('--dry-run') || a.action === 'show') assert.deepEqual(changing(log).map((x) => x.path), [], `nothing changed: ${at}`);
          const bad = h.emu.nonconforming();
          assert.deepEqual(bad.map((x) => `${x.method} ${x.host} ${x.path}`), [], `nonconforming requests: ${at}`);
          for (const f of filesUnder(root)) {
            const out = a.flags.filter((x) => x[0] === '--out').pop()?.[1] ?? '.';
            assert.ok(inside(path.resolve(work, out), f), `a file outside --out: ${f}: ${at}`);
          }
        } finally {
          fs.rmSync(root, { recursive: true, force: true });
        }
      }),
      { numRuns: cliRuns, seed, endOnFailure: true },
    );
    assertReached(reached, cliRuns, 8);
  });
});
