/** Shared set-up for end-to-end tests: one emulator per file, fresh state per test, strict conformance. */
import * as assert from 'node:assert/strict';
import { Emulator, Fixture, RequestRecord, StartOptions } from '../emulator';
import { removeRunFolders } from './in-process';
import { removeTaskFolders } from './run-task';

export interface Harness {
  emu: Emulator;
}

/**
 * Starts an emulator for the enclosing describe block, resets it to `fixture` before each test,
 * and fails any test that sent a request the real service would not recognise.
 */
export function useEmulator(fixture: () => Fixture, options: Omit<StartOptions, 'fixture'> = {}): Harness {
  const h = {} as Harness;
  before(async () => {
    h.emu = await Emulator.start({ ...options, fixture: fixture() });
  });
  beforeEach(() => {
    h.emu.reset(fixture());
    h.emu.clearFaults();
    h.emu.clearLog();
  });
  afterEach(() => {
    // Failing here stops the rest of the block too: a request the service would refuse is a defect.
    const bad = h.emu?.nonconforming() ?? [];
    assert.deepEqual(bad.map((r) => `${r.method} ${r.host} ${r.path} ${JSON.stringify(r.query)}`), [], 'nonconforming requests');
  });
  after(async () => {
    removeRunFolders();
    removeTaskFolders();
    await h.emu?.stop();
  });
  return h;
}

/** Requests that can change state. */
export function changing(log: RequestRecord[]): RequestRecord[] {
  return log.filter((r) => r.method !== 'GET' && r.method !== 'OPTIONS');
}

export function byHost(log: RequestRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of log) out[r.host] = (out[r.host] ?? 0) + 1;
  return out;
}

export function assertTokenOnlyToTrustedHosts(log: RequestRecord[]): void {
  for (const r of log) {
    if (r.host === 'blob') assert.equal(r.auth, null, `token sent to blob storage: ${r.path}`);
  }
}

export const daysAgo = (n: number): string => new Date(Date.now() - n * 86_400_000).toISOString();
