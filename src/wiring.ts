/**
 * The one place that builds the engine's ports from settings, for the pipeline task, the command
 * line and the in-process tests alike, and turns inputs into an outcome.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { organizationName, readPackageFilesWith } from './adapters';
import type { NetworkOptions } from './azure/http';
import { Connection } from './azure/connection';
import { FeedsClient } from './azure/feeds';
import type { Credential, RetryPolicy } from './azure/http';
import { badInput, failureOf } from './engine/failures';
import { explain } from './engine/explain';
import { msg } from './engine/messages';
import type { FilesPort, Platform, Ports } from './engine/ports';
import type { RunOutcome } from './engine/report';
import { findMatch } from './files/find';
import { Inputs, parseRequest, Request } from './engine/request';
import { isPlainFileName, run } from './engine/run';

export interface Settings {
  collectionUrl: string;
  credential: Credential;
  server: 'services' | 'onPremises' | 'detect';
  platform: Platform;
  requestOptions?: NetworkOptions;
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** The pipeline's project, for a bare feed name and the 403 advice. */
  project?: { id?: string; name?: string };
  /** For messages; by default the name the collection URL shows. */
  organization?: string;
  /** Where downloads go when `downloadDirectory` is empty, and what `packageFiles` are relative to. */
  workingDirectory: string;
  /** Reads `packageFiles` lines into `packages` selectors; by default this machine's files, matched as the agent matches. */
  packageFiles?: (request: Request) => Promise<Request>;
}

export function buildPorts(s: Settings): Ports {
  const connection = new Connection({
    collectionUrl: s.collectionUrl,
    credential: s.credential,
    server: s.server,
    requestOptions: s.requestOptions,
    timeoutMs: s.timeoutMs,
    retry: s.retry,
    sleep: s.platform.sleep,
    now: s.platform.now,
    debug: s.platform.debug,
    slowingDown: () => s.platform.info(msg('RateLimited')),
  });
  return { feeds: new FeedsClient(connection), files: nodeFiles, platform: s.platform };
}

export interface Ran {
  request?: Request;
  outcome: RunOutcome;
  /** Where it stopped: the inputs did not parse, a package file could not be used, or the run itself. */
  stage: 'inputs' | 'files' | 'run';
}

/** Inputs in, outcome out; never throws. A request that does not parse stops before any request is sent. */
export async function runInputs(inputs: Inputs, s: Settings): Promise<Ran> {
  let request: Request;
  const fail = (e: unknown) => stopped(explain(failureOf(e), { action: inputs.action ?? 'promote', role: 'reader', feed: inputs.feed ?? '' }));
  try {
    request = parseRequest(inputs, { downloadDirectory: s.workingDirectory });
    // A relative download directory is taken from the working directory, as package files are.
    request = { ...request, downloadDirectory: path.resolve(s.workingDirectory, request.downloadDirectory) };
  } catch (e) {
    return { outcome: fail(e), stage: 'inputs' };
  }
  if (request.packageFiles.length) {
    try {
      request = await (s.packageFiles ?? readPackageFilesWith(findMatch, s.workingDirectory, s.platform))(request);
    } catch (e) {
      // A problem with the files is a failed run, not a usage error: the request itself was valid.
      return { request, outcome: fail(e), stage: 'files' };
    }
  }
  const ports = buildPorts(s);
  try {
    return { request, outcome: await run(request, { ports, project: s.project, organization: s.organization ?? organizationName(s.collectionUrl) }), stage: 'run' };
  } finally {
    // Kept-alive connections would hold the process open until the server closes them.
    ports.feeds.close();
  }
}

/** The outcome of a run that stopped before it started. */
export function stopped(error: ReturnType<typeof msg>): RunOutcome {
  return { rows: [], changedCount: 0, downloadedFiles: [], result: 'Failed', errors: [error], warnings: [], requests: 0, show: false, noTable: true };
}

/** Files on this machine: written aside and renamed into place, only directly inside the directory. */
export const nodeFiles: FilesPort = {
  async write(directory, fileName, content) {
    const dir = path.resolve(directory);
    const target = path.resolve(dir, fileName);
    if (!isPlainFileName(fileName) || path.dirname(target) !== dir) throw badInput(msg('UnsafeFile', '', '', fileName, directory));
    await fs.promises.mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${fileName}.${process.pid}.part`);
    try {
      await pipeline(Readable.from(content), fs.createWriteStream(temp));
      await fs.promises.rename(temp, target);
    } catch (e) {
      await fs.promises.rm(temp, { force: true });
      throw e;
    }
    return { path: target, bytes: (await fs.promises.stat(target)).size };
  },
};
