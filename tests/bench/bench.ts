/**
 * `npm run bench`: one table, measured side by side in one run against the emulator (loopback only),
 * each figure beside its budget. It drives only the built task's public interface (the agent's
 * environment in, ##vso commands and the result file out).
 *
 * 1. Bulk promote: 1,000 NuGet versions over 10 packages (`Bulk.*`, version `*`, view Release,
 *    maxVersions 0), each request answered 100 ms after it arrives, like a real connection. Requests
 *    sent (budget 16), and the time from the task's first request to its exit against the
 *    round-trip bound of the minimal plan with 4 batches in flight (location, feed, views and one
 *    listing page together, the batches, one read-back listing; budget 1.3× the bound); the median
 *    of BENCH_BULK_RUNS runs, every build taken in turns, one run each a round.
 * 2. Big feed: 10,000 packages, 100,000 versions; `show` of `Big.*` at `latest`: peak memory of the
 *    task process (GNU time's maximum resident set, else VmHWM polled from /proc; budget 200 MB).
 * 3. Cold start: from spawn to the first request, median of 10, against a bare `node -e 0`
 *    (budget: the bare start + 150 ms).
 * 4. Size of the .vsix (scripts/package.js), else of the gzipped bundle (budget 250 KB).
 *
 * Environment: BENCH_LATENCY_MS (100), BENCH_BIG_PACKAGES (10000), BENCH_BIG_VERSIONS (10),
 * BENCH_COLD_RUNS (10), BENCH_BULK_RUNS (5), BENCH_SKIP (comma list of: bulk,big,cold,vsix),
 * BENCH_COMPARE (earlier builds measured beside this one: `label=path/to/dist/index.js,…`).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { demoFixture, Emulator, Fixture } from '../emulator';
import { parseCommands, repoRoot, taskEntry } from '../helpers/run-task';
import { makeTemp } from '../helpers/temp';

const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 100);
const bigPackages = Number(process.env.BENCH_BIG_PACKAGES ?? 10_000);
const bigVersions = Number(process.env.BENCH_BIG_VERSIONS ?? 10);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 10);
const bulkRuns = Number(process.env.BENCH_BULK_RUNS ?? 5);
/** This build, then any others to measure beside it: BENCH_COMPARE=label=path/to/dist/index.js,… */
const builds: { label: string; entry: string }[] = [
  { label: '', entry: taskEntry },
  ...(process.env.BENCH_COMPARE ?? '').split(',').filter(Boolean).map((b) => {
    const at = b.indexOf('=');
    return { label: b.slice(0, at), entry: path.resolve(b.slice(at + 1)) };
  }),
];
const subject = (b: { label: string }, what: string) => (b.label ? `${what}, ${b.label}` : what);
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const BULK = { packages: 10, versionsEach: 100, batchSize: 100, inFlight: 4 };
const RUN_TIMEOUT_MS = 180_000;
/** The budgets of the issue that retired the loopback round-trip target. */
const BUDGET = { requests: 16, boundRatio: 1.3, peakMb: 200, coldOverBareMs: 150, vsixKb: 250 };
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET');

const now = () => performance.timeOrigin + performance.now();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME) && spawnSync(GNU_TIME, ['-v', 'true']).status === 0;

/**
 * The environment an agent gives a task: the machine's basics, not whatever this shell carries.
 * (This matters: a NODE_EXTRA_CA_CERTS bundle in the environment makes every Node start read and
 * parse it, 30 to 60 ms on the machines this was written on, bare `node -e 0` included.)
 */
function agentLikeEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'TMP', 'TEMP', 'SYSTEMROOT', 'USERPROFILE']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

interface Spawned { spawnAt: number; exitAt: number; code: number | null; stdout: string; stderr: string; peakKb?: number; tempDir: string }

/** This shell's environment, less what an agent sets: what a developer's own run of the task would carry. */
function shellEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(INPUT_|ENDPOINT_|SYSTEM_|AGENT_|BUILD_|RELEASE_|SECRET_|VSTS_|PACKAGELIFECYCLE_)/i.test(k)) env[k] = v;
  }
  return env;
}

/** Starts the built task as the agent does and waits for it (bounded). */
function runTask(em: Emulator, inputs: Record<string, string>, measureMemory = false, entry = taskEntry, base = agentLikeEnvironment()): Promise<Spawned> {
  const tempDir = makeTemp('bench');
  const env = { ...base };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const collection = `${em.urls.org}/`;
  Object.assign(env, {
    SYSTEM_TEAMFOUNDATIONCOLLECTIONURI: collection, SYSTEM_SERVERTYPE: 'Hosted', SYSTEM_TEAMPROJECT: 'Fabrikam',
    ENDPOINT_URL_SYSTEMVSSCONNECTION: collection,
    ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: em.tokens.owner }, scheme: 'OAuth' }),
    AGENT_TEMPDIRECTORY: tempDir, SYSTEM_DEFAULTWORKINGDIRECTORY: tempDir, PACKAGELIFECYCLE_TIMEOUTSECONDS: '60',
  });
  const useTime = measureMemory && hasGnuTime;
  const [cmd, args] = useTime ? [GNU_TIME, ['-v', process.execPath, entry]] : [process.execPath, [entry]];
  return new Promise((resolve, reject) => {
    const spawnAt = now();
    const child = spawn(cmd, args, { env, cwd: tempDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString('utf8'); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString('utf8'); });
    const poll = measureMemory && !useTime ? setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch { /* gone */ }
    }, 20) : undefined;
    const killer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    let exitAt = 0;
    child.on('exit', () => { exitAt = now(); });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      if (poll) clearInterval(poll);
      if (useTime) {
        const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        if (m) peakKb = Number(m[1]);
      }
      resolve({ spawnAt, exitAt: exitAt || now(), code, stdout, stderr, peakKb: measureMemory ? peakKb : undefined, tempDir });
    });
  });
}

function outcome(r: Spawned): { status: string; changed: string; message: string } {
  const c = parseCommands(r.stdout);
  fs.rmSync(r.tempDir, { recursive: true, force: true });
  return { status: c.result?.status ?? `exit ${r.code}`, changed: c.variables.changedCount ?? '', message: (c.result?.message ?? r.stderr).slice(0, 300) };
}

// ---------------------------------------------------------------------------------------------

interface Row { scenario: string; subject: string; requests: string; ratio: string; note: string }
const rows: Row[] = [];
const row = (scenario: string, subject: string, requests: string | number, ratio: string, note = '') => rows.push({ scenario, subject, requests: String(requests), ratio, note });
const x = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)}×`;

const bulkFixture = (): Fixture => ({ feeds: [{ name: 'bench', project: 'Fabrikam', packages: [] }] });

async function bulk(em: Emulator): Promise<void> {
  const total = BULK.packages * BULK.versionsEach;
  // Each request is answered `latencyMs` after it arrives, the emulator's own work within it (the bound's model).
  const reset = () => {
    em.reset(bulkFixture());
    em.generate({ feed: 'bench', project: 'Fabrikam', protocol: 'nuget', packages: BULK.packages, versionsEach: BULK.versionsEach, prefix: 'Bulk' });
    em.serviceTimeMs = latencyMs;
  };
  const batches = Math.ceil(total / BULK.batchSize);
  // The bound: the location service, the feed, then the views and the first listing page
  // together (3 round trips, 4 requests), the batches, and one read-back listing.
  const lookupRequests = 4;
  const lookupRounds = 3;
  const minimal = lookupRequests + batches + 1;
  const parBound = (lookupRounds + Math.ceil(batches / BULK.inFlight) + 1) * latencyMs;
  const scenario = `bulk promote ${total.toLocaleString('en')} NuGet versions, ${BULK.packages} packages, ${latencyMs} ms a request`;

  const runs = builds.map((b) => ({ b, spans: [] as number[], requests: [] as number[], problem: '' }));
  // Taken in turns, one run of each build in every round: this machine's speed drifts over a minute.
  for (let i = 0; i < bulkRuns; i++) {
    for (const c of runs) {
      reset();
      const r = await runTask(em, { action: 'promote', feed: 'Fabrikam/bench', packageType: 'nuget', packages: 'Bulk.*', version: '*', view: 'Release', maxVersions: '0' }, false, c.b.entry);
      const o = outcome(r);
      if (o.status !== 'Succeeded' || o.changed !== String(total)) c.problem ||= `run ${o.status}, changedCount ${o.changed || '-'}: ${o.message.replace(/\s+/g, ' ').slice(0, 120)}`;
      c.requests.push(em.log.length);
      c.spans.push(em.log.length ? r.exitAt - em.log[0].at : NaN);
    }
  }
  for (const { b, spans, requests, problem } of runs) {
    const span = median(spans);
    const most = Math.max(...requests);
    const spread = `${x(Math.min(...spans) / parBound)} to ${x(Math.max(...spans) / parBound)}`;
    row(scenario, subject(b, 'task (built, spawned as the agent does)'), most, x(span / parBound),
      problem || `first request to exit, median of ${bulkRuns} (${spread}); requests ≤ ${BUDGET.requests}: ${verdict(most <= BUDGET.requests)}; time ≤ ${BUDGET.boundRatio}× the bound: ${verdict(span <= BUDGET.boundRatio * parBound)}`);
  }
  // Not measured (a thousand round trips): what a client that sends one PATCH per version, one after another, would take.
  row(scenario, 'one PATCH per version, one after another (computed)', 1 + total, x(((1 + total) * latencyMs) / parBound), 'a listing, then a PATCH per version');
  row(scenario, `round-trip bound, ${BULK.inFlight} batches in flight`, minimal, x(1), `= ${parBound} ms (${parBound / latencyMs} round trips): ${lookupRounds} look-up round trips + ${batches} batches + 1 read-back`);
  em.latencyMs = 0;
  em.serviceTimeMs = 0;
}

async function big(em: Emulator): Promise<void> {
  for (const b of builds) {
    const t0 = now();
    em.reset({ feeds: [{ name: 'big', project: 'Fabrikam', packages: [] }] });
    em.generate({ feed: 'big', project: 'Fabrikam', protocol: 'nuget', packages: bigPackages, versionsEach: bigVersions, prefix: 'Big' });
    const seeded = now() - t0;
    const r = await runTask(em, { action: 'show', feed: 'Fabrikam/big', packageType: 'nuget', packages: 'Big.*', version: 'latest' }, true, b.entry);
    const o = outcome(r);
    const mb = (r.peakKb ?? 0) / 1024;
    const span = em.log.length ? r.exitAt - em.log[0].at : NaN;
    row(`big feed: ${bigPackages.toLocaleString('en')} packages, ${(bigPackages * bigVersions).toLocaleString('en')} versions; show Big.* latest`,
      subject(b, 'task: peak memory (resident)'), em.log.length, `${mb.toFixed(0)} MB`,
      `≤ ${BUDGET.peakMb} MB: ${verdict(mb > 0 && mb <= BUDGET.peakMb)}; ${o.status}; ${(span / 1000).toFixed(1)} s first request to exit; ${hasGnuTime ? 'GNU time' : '/proc VmHWM'}; emulator seeded in ${(seeded / 1000).toFixed(1)} s`);
  }
  em.reset(bulkFixture());
}

async function cold(em: Emulator): Promise<void> {
  em.reset(demoFixture);
  const environments = [
    { what: '', env: agentLikeEnvironment },
    // Shown beside it, as the environment of this shell may slow every Node start (NODE_EXTRA_CA_CERTS).
    ...(process.env.NODE_EXTRA_CA_CERTS || process.env.NODE_OPTIONS ? [{ what: ', with this shell\'s environment', env: shellEnvironment }] : []),
  ];
  for (const e of environments) {
    const bare: number[] = [];
    for (let i = 0; i < coldRuns; i++) {
      const t0 = now();
      spawnSync(process.execPath, ['-e', '0'], { env: e.env() });
      bare.push(now() - t0);
    }
    for (const b of builds) {
      const starts: number[] = [];
      for (let i = 0; i < coldRuns; i++) {
        em.clearLog();
        const r = await runTask(em, { action: 'show', feed: 'Fabrikam/internal', packageType: 'nuget', packages: 'Contoso.Core', version: 'latest' }, false, b.entry, e.env());
        outcome(r);
        if (em.log.length) starts.push(em.log[0].at - r.spawnAt);
      }
      const m = median(starts);
      const over = m - median(bare);
      row(`cold start: spawn to first request, median of ${coldRuns}`, subject(b, `task${e.what}`), '', `${m.toFixed(0)} ms`, `bare \`node -e 0\` start to exit ${median(bare).toFixed(0)} ms, + ${over.toFixed(0)} ms; ≤ + ${BUDGET.coldOverBareMs} ms: ${verdict(over <= BUDGET.coldOverBareMs)}`);
    }
  }
}

function vsix(): void {
  const bundle = path.join(repoRoot, 'dist', 'index.js');
  const gz = fs.existsSync(bundle) ? zlib.gzipSync(fs.readFileSync(bundle), { level: 9 }).length : 0;
  const raw = fs.existsSync(bundle) ? fs.statSync(bundle).size : 0;
  const script = path.join(repoRoot, 'scripts', 'package.js');
  let size = '';
  let note = `bundle ${(raw / 1024).toFixed(0)} KB, gzipped ${(gz / 1024).toFixed(0)} KB`;
  if (fs.existsSync(script)) {
    const r = spawnSync(process.execPath, [script], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
    const built = fs.existsSync(path.join(repoRoot, '.build')) ? fs.readdirSync(path.join(repoRoot, '.build')).filter((f) => f.endsWith('.vsix')) : [];
    const newest = built.map((f) => path.join(repoRoot, '.build', f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
    if (r.status === 0 && newest) size = `${(fs.statSync(newest).size / 1024).toFixed(0)} KB`;
    else note += `; package.js failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()}`;
  }
  const kb = size ? Number.parseFloat(size) : gz / 1024;
  row('size', size ? '.vsix (scripts/package.js)' : 'bundle, gzipped', '', size || `${kb.toFixed(0)} KB`, `${note}; ≤ ${BUDGET.vsixKb} KB: ${verdict(kb <= BUDGET.vsixKb)}`);
}

function print(): void {
  const heads: Row = { scenario: 'scenario', subject: 'subject', requests: 'requests', ratio: 'time ÷ bound / value', note: 'note (budget)' };
  const cols = (['scenario', 'subject', 'requests', 'ratio', 'note'] as const);
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(...[heads, ...rows].map((r) => r[c].length))])) as Record<(typeof cols)[number], number>;
  const line = (r: Row) => `| ${cols.map((c) => (c === 'requests' || c === 'ratio' ? r[c].padStart(width[c]) : r[c].padEnd(width[c]))).join(' | ')} |`;
  const out = [line(heads), `|${cols.map((c) => '-'.repeat(width[c] + 2)).join('|')}|`];
  let last = '';
  for (const r of rows) {
    out.push(line({ ...r, scenario: r.scenario === last ? '' : r.scenario }));
    last = r.scenario;
  }
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  if (!fs.existsSync(taskEntry)) throw new Error(`no built task at ${path.relative(repoRoot, taskEntry)}: run npm run build`);
  const started = now();
  const em = await Emulator.start({ fixture: bulkFixture() });
  try {
    await bulk(em);
    if (!skip.has('big')) await big(em);
    if (!skip.has('cold')) await cold(em);
  } finally {
    await em.stop();
  }
  if (!skip.has('vsix')) vsix();
  print();
  console.log(`\n(${((now() - started) / 1000).toFixed(0)} s, node ${process.version}, ${os.cpus().length} cores; loopback only)`);
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
