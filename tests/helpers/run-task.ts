/**
 * Starts the built task the way the agent does: `node dist/index.js` with the inputs in INPUT_*,
 * the collection and project in SYSTEM_*, and the job token in ENDPOINT_AUTH_SYSTEMVSSCONNECTION.
 * Reads the ##vso commands it prints.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Emulator } from '../emulator';
import { makeTemp } from './temp';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const taskEntry = path.join(repoRoot, 'dist', 'index.js');

export interface RunOptions {
  token?: string;
  /** The pipeline's project (name); default Fabrikam. Null: none. */
  project?: string | null;
  projectId?: string;
  env?: Record<string, string>;
  /** Use a `connection` service connection with this personal access token instead of the job token. */
  connectionToken?: string;
  workDir?: string;
  /** Another collection URL than the emulator's (a proxy in front of it, say). */
  collectionUrl?: string;
}

export interface TaskRun {
  code: number | null;
  stdout: string;
  stderr: string;
  result?: { status: string; message: string };
  variables: Record<string, string>;
  summaries: string[];
  errors: string[];
  warnings: string[];
  tempDir: string;
  /** The parsed result file. */
  rows: ResultRow[];
}

export interface StateJson { views: string[]; listed: boolean | null; deleted: boolean; deprecated: string | null }
export interface ResultRow { package: string; version: string; before: StateJson | null; after: StateJson | null; outcome: string; published?: string | null; source?: string }

const tempDirs = new Set<string>();

/** Removes the agent folders that runs made (the e2e helper calls it after each file). */
export function removeTaskFolders(): void {
  for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');
}
function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%3B/g, ';').replace(/%AZP25/g, '%');
}

export function parseCommands(stdout: string): Pick<TaskRun, 'result' | 'variables' | 'summaries' | 'errors' | 'warnings'> {
  const out: Pick<TaskRun, 'result' | 'variables' | 'summaries' | 'errors' | 'warnings'> = { variables: {}, summaries: [], errors: [], warnings: [] };
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^##vso\[([\w.]+)([^\]]*)\](.*)$/.exec(line);
    if (!m) continue;
    const props: Record<string, string> = {};
    for (const p of m[2].trim().split(';')) {
      const eq = p.indexOf('=');
      if (eq > 0) props[p.slice(0, eq).trim()] = unescapeProperty(p.slice(eq + 1));
    }
    const data = unescapeData(m[3]);
    switch (m[1]) {
      case 'task.setvariable': out.variables[props.variable] = data; break;
      case 'task.complete': out.result = { status: props.result, message: data }; break;
      case 'task.uploadsummary': out.summaries.push(data); break;
      case 'task.issue': (props.type === 'error' ? out.errors : out.warnings).push(data); break;
    }
  }
  return out;
}

/** Runs the task against the emulator with these inputs (names as in task.json). */
export function runTask(emu: Emulator, inputs: Record<string, string>, opts: RunOptions = {}): Promise<TaskRun> {
  const tempDir = makeTemp('agent');
  tempDirs.add(tempDir);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(INPUT_|ENDPOINT_|SYSTEM_|AGENT_|BUILD_|RELEASE_|SECRET_|VSTS_|PACKAGELIFECYCLE_)/i.test(k)) continue;
    env[k] = v;
  }
  const collection = opts.collectionUrl ?? `${emu.mode === 'onprem' ? emu.urls.collection : emu.urls.org}/`;
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  env.SYSTEM_TEAMFOUNDATIONCOLLECTIONURI = collection;
  env.SYSTEM_SERVERTYPE = emu.mode === 'onprem' ? 'OnPremises' : 'Hosted';
  const project = opts.project === undefined ? 'Fabrikam' : opts.project;
  if (project) env.SYSTEM_TEAMPROJECT = project;
  if (opts.projectId) env.SYSTEM_TEAMPROJECTID = opts.projectId;
  env.ENDPOINT_URL_SYSTEMVSSCONNECTION = collection;
  env.ENDPOINT_AUTH_SYSTEMVSSCONNECTION = JSON.stringify({ parameters: { AccessToken: opts.token ?? emu.tokens.owner }, scheme: 'OAuth' });
  if (opts.connectionToken !== undefined) {
    env.INPUT_CONNECTION = '3c9e1f7a-5b2d-4e8f-9a61-0d4c2b7e8f13';
    env['ENDPOINT_URL_3c9e1f7a-5b2d-4e8f-9a61-0d4c2b7e8f13'] = collection;
    env['ENDPOINT_AUTH_3c9e1f7a-5b2d-4e8f-9a61-0d4c2b7e8f13'] = JSON.stringify({ parameters: { apitoken: opts.connectionToken }, scheme: 'Token' });
  }
  env.AGENT_TEMPDIRECTORY = tempDir;
  env.SYSTEM_DEFAULTWORKINGDIRECTORY = opts.workDir ?? tempDir;
  env.PACKAGELIFECYCLE_TIMEOUTSECONDS = env.PACKAGELIFECYCLE_TIMEOUTSECONDS ?? '10';
  Object.assign(env, opts.env ?? {});
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [taskEntry], { env, cwd: tempDir, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Every run checks that the task did not crash: task-lib reports an uncaught exception so.
      const crash = /^##vso\[task\.issue [^\]]*\]Unhandled: .*$/m.exec(stdout);
      if (crash) return reject(new Error(`the task crashed: ${crash[0]}`));
      const parsed = parseCommands(stdout);
      const file = parsed.variables.resultFile;
      const rows = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as ResultRow[]) : [];
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, ...parsed, tempDir, rows });
    });
  });
}
