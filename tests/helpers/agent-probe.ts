/**
 * Run as its own process by tests/unit/agent.test.ts, once with azure-pipelines-task-lib and once
 * with src/agent.ts, in the same environment (both read it as they load):
 *
 *   node agent-probe.js tasklib|agent <plan.json> <result.json>
 *
 * Loads the module, makes the calls the plan lists, and writes to result.json what each call
 * returned or threw and exactly what it wrote to stdout (write by write), with the environment
 * after loading and at the end. A plan may end the run with an uncaught exception or an unhandled
 * rejection (of an Error or of anything else); what the module writes then is recorded too.
 */
import * as fs from 'node:fs';

export interface ProbeCall {
  fn: string;
  args: unknown[];
}

export interface ProbePlan {
  calls: ProbeCall[];
  /** After the calls: an exception nobody catches, or a promise rejected with this reason. */
  crash?: { kind: 'throw' | 'rejectError'; message: string } | { kind: 'reject'; reason: unknown };
}

export interface ProbeCallResult {
  fn: string;
  /** JSON of the value returned, undefined spelled out (see `encode`), or absent when it threw. */
  returned?: string;
  threw?: string;
  /** Every write to stdout during the call, as written. */
  written: string[];
}

export interface ProbeResult {
  loadError?: string;
  /** What loading wrote. */
  loaded: string[];
  envAfterLoad: Record<string, string | undefined>;
  calls: ProbeCallResult[];
  /** What was written after the calls (by the crash handlers). */
  after: string[];
  envAtEnd: Record<string, string | undefined>;
}

/** JSON that keeps `undefined` (as a marker) and the order of keys. */
export function encode(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v === undefined ? { $undefined: true } : v)) ?? '{"$undefined":true}';
}

function main(): void {
  const [which, planFile, resultFile] = process.argv.slice(2);
  const plan = JSON.parse(fs.readFileSync(planFile, 'utf8')) as ProbePlan;
  const chunks: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  const result: ProbeResult = { loaded: [], envAfterLoad: {}, calls: [], after: [], envAtEnd: {} };
  process.on('exit', () => {
    result.after = chunks.splice(0);
    result.envAtEnd = { ...process.env };
    fs.writeFileSync(resultFile, JSON.stringify(result));
  });

  let mod: Record<string, (...args: unknown[]) => unknown> | undefined;
  try {
    mod = require(which === 'tasklib' ? 'azure-pipelines-task-lib/task' : '../../src/agent') as Record<string, (...args: unknown[]) => unknown>;
  } catch (e) {
    result.loadError = `${(e as Error).name}: ${(e as Error).message}`;
  }
  result.loaded = chunks.splice(0);
  result.envAfterLoad = { ...process.env };
  if (!mod) return;

  for (const call of plan.calls) {
    const r: ProbeCallResult = { fn: call.fn, written: [] };
    try {
      r.returned = encode(mod[call.fn](...call.args));
    } catch (e) {
      r.threw = `${(e as Error).name}: ${(e as Error).message}`;
    }
    r.written = chunks.splice(0);
    result.calls.push(r);
  }

  const crash = plan.crash;
  if (crash?.kind === 'throw') {
    setTimeout(() => {
      throw new Error(crash.message);
    }, 0);
  } else if (crash?.kind === 'rejectError') {
    void Promise.reject(new Error(crash.message));
  } else if (crash?.kind === 'reject') {
    void Promise.reject(crash.reason);
  }
}

if (require.main === module) main();
