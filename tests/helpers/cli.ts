/** The built command line, started through its `bin` entry as a user's shell starts it. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './run-task';

/** The project's package.json: its version, and the command line's `bin` entry. */
export const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
/** The script `package-lifecycle` names. */
export const cliBin = path.join(repoRoot, pkg.bin['package-lifecycle']);

export interface CliRun {
  /** null where it did not exit on its own (killed at the time limit). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the command line in `cwd` with `env` on top of this process's environment, less what would
 * give it a token, an organization, a proxy or debug output of its own; `stdin` is its input.
 */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}, stdin = ''): Promise<CliRun> {
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AZURE_DEVOPS_|SYSTEM_|HTTPS?_PROXY|NO_PROXY|PACKAGE_LIFECYCLE)/i.test(k)) clean[k] = v;
  return new Promise((resolve) => {
    const child = execFile(cliBin, args, { env: { ...clean, ...env }, cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

/** Files (not folders) under `root`, as absolute paths; none where it does not exist. */
export function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((d) => !d.isDirectory())
    .map((d) => path.join(d.parentPath ?? (d as unknown as { path: string }).path, d.name));
}
