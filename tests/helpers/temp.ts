import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Every temporary folder this test run makes starts with this: the run's own, whatever else runs beside it. */
export const tempPrefix = `plc-${process.pid}-`;

/** A new temporary folder of this run; `what` says what it is for. The caller removes it. */
export function makeTemp(what: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${tempPrefix}${what}-`));
}

/** This run's temporary folders that still exist. */
export function leftTemp(): string[] {
  return fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(tempPrefix));
}
