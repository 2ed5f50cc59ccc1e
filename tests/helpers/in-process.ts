/**
 * Runs the engine in this process the way the task does, through the same wiring and the same
 * outputs, against the emulator on loopback with the real HTTP client. Returns what the task would
 * have written (the TaskRun shape of ./run-task), so most behaviour is tested without starting a
 * process. Sleeps are virtual: a sinon fake moves the run's clock on instead, so no test waits for
 * real back-off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as sinon from 'sinon';
import type { Credential } from '../../src/azure/http';
import { format, Msg } from '../../src/engine/messages';
import type { Platform } from '../../src/engine/ports';
import type { Inputs } from '../../src/engine/request';
import { findMatch } from '../../src/files/find';
import { readPackageFilesWith } from '../../src/adapters';
import { present } from '../../src/outputs';
import { runInputs } from '../../src/wiring';
import type { Emulator } from '../emulator';
import type { ResultRow, RunOptions, TaskRun } from './run-task';
import { makeTemp } from './temp';

export interface InProcessOptions extends RunOptions {
  /** Per-request timeout; default 10 s. */
  timeoutMs?: number;
  /** Real sleeps (for tests of timing against a live server); default virtual. */
  realTime?: boolean;
}

export interface InProcessRun extends TaskRun {
  /** The messages the engine spoke, in order, by key. */
  messages: Msg[];
  debug: string[];
  /** Virtual milliseconds slept. */
  sleptMs: number;
}

const tempDirs = new Set<string>();

/** Removes the folders runs made (call from an `after` hook; the e2e helper does). */
export function removeRunFolders(): void {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

/** A temporary folder removed with the run folders. */
export function runFolder(what = 'test'): string {
  const dir = makeTemp(what);
  tempDirs.add(dir);
  return dir;
}

export async function runInProcess(emu: Emulator, inputs: Record<string, string>, opts: InProcessOptions = {}): Promise<InProcessRun> {
  const tempDir = runFolder('inproc');
  const lines: string[] = [];
  const warnings: string[] = [];
  const messages: Msg[] = [];
  const debug: string[] = [];
  let clock = Date.now();
  const virtualSleep = sinon.fake(async (ms: number) => {
    clock += ms;
  });
  const platform: Platform = {
    info: (m) => {
      messages.push(m);
      lines.push(format(m));
    },
    warn: (m) => {
      messages.push(m);
      warnings.push(format(m));
    },
    debug: (l) => debug.push(l),
    sleep: opts.realTime ? (ms) => new Promise((r) => setTimeout(r, ms)) : virtualSleep,
    now: () => (opts.realTime ? Date.now() : clock),
  };
  const collection = opts.collectionUrl ?? `${emu.mode === 'onprem' ? emu.urls.collection : emu.urls.org}/`;
  const connection = opts.connectionToken !== undefined;
  const credential: Credential = connection ? { kind: 'pat', token: opts.connectionToken! } : { kind: 'bearer', token: opts.token ?? emu.tokens.owner };
  const project = opts.project === undefined ? 'Fabrikam' : opts.project;
  const workingDirectory = opts.workDir ?? tempDir;
  const ran = await runInputs(inputs as Inputs, {
    collectionUrl: collection,
    credential,
    server: connection ? 'detect' : emu.mode === 'onprem' ? 'onPremises' : 'services',
    platform,
    timeoutMs: opts.timeoutMs ?? (Number(opts.env?.PACKAGELIFECYCLE_TIMEOUTSECONDS) || 10) * 1000,
    retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 },
    project: connection || !project ? undefined : { name: project, id: opts.projectId },
    organization: emu.organization,
    workingDirectory,
    packageFiles: readPackageFilesWith(findMatch, workingDirectory, platform),
  });
  const resultFile = path.join(tempDir, 'result.json');
  const out = present(ran.outcome, 'in-process run', resultFile, format);
  fs.writeFileSync(resultFile, out.json);
  const summary = path.join(tempDir, 'summary.md');
  fs.writeFileSync(summary, out.markdown);
  if (out.table !== undefined) lines.push('', out.table, '', out.counts);
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.variables)) if (v !== undefined) variables[k] = v;
  const status = out.status;
  return {
    code: 0,
    stdout: lines.join('\n'),
    stderr: '',
    result: { status, message: out.message },
    variables,
    summaries: [summary],
    errors: status === 'Failed' ? out.errors : [],
    warnings: [...warnings, ...out.warnings],
    tempDir,
    rows: JSON.parse(out.json) as ResultRow[],
    messages,
    debug,
    sleptMs: virtualSleep.args.reduce((n, [ms]) => n + ms, 0),
  };
}
