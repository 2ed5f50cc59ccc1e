/**
 * The pipeline task: reads task-lib inputs into a Request, runs the engine, and turns its outcome
 * into the log, the summary tab, output variables and the task result. Nothing else lives here.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';
import type { IRequestOptions } from 'typed-rest-client/Interfaces';
import { Connection } from './azure/connection';
import type { Credential } from './azure/http';
import type { Msg } from './engine/messages';
import { UserError } from './engine/messages';
import { markdownSummary, RunOutcome, textTable } from './engine/report';
import { Inputs, parseRequest } from './engine/request';
import { Platform, run } from './engine/run';

const inputNames = [
  'action', 'feed', 'packageType', 'packages', 'version', 'view', 'sourceView', 'prerelease', 'keepLatest', 'olderThanDays',
  'deprecateMessage', 'downloadDirectory', 'dryRun', 'maxVersions', 'failOnNoMatch', 'waitSeconds',
] as const;

/** The largest `result` variable later steps can take; beyond it, only `resultFile`. */
const resultVariableLimit = 32 * 1024;

const say = (m: Msg) => tl.loc(m.key, ...m.args);

const platform: Platform = {
  info: (m) => console.log(say(m)),
  warn: (m) => tl.warning(say(m)),
  debug: (line) => tl.debug(line),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
};

interface Target {
  collectionUrl: string;
  credential: Credential;
  /** The pipeline's own collection: its project and server kind apply. */
  own: boolean;
}

/** The collection and credential: the `connection` service connection, else the pipeline's own. */
function target(): Target {
  const connection = tl.getInput('connection', false);
  if (connection) {
    const auth = tl.getEndpointAuthorization(connection, true);
    const token = auth?.parameters?.['apitoken'] ?? auth?.parameters?.['AccessToken'] ?? '';
    if (token) tl.setSecret(token);
    const url = tl.getEndpointUrl(connection, true) ?? '';
    if (!url || !token) throw new UserError('ConnectionIncomplete', connection);
    return { collectionUrl: url, credential: { kind: 'pat', token }, own: false };
  }
  // Not getEndpointAuthorizationParameter: that one writes the value into a debug line.
  const auth = tl.getEndpointAuthorization('SystemVssConnection', true);
  const token = auth?.parameters?.['AccessToken'] ?? '';
  if (token) tl.setSecret(token);
  const url = tl.getVariable('System.TeamFoundationCollectionUri') ?? '';
  if (!url) throw new UserError('NoCollection');
  if (!token) throw new UserError('NoToken');
  return { collectionUrl: url, credential: { kind: 'bearer', token }, own: true };
}

function requestOptions(): IRequestOptions {
  const options: IRequestOptions = {};
  // Without a URL: the whole setting, bypass list included, which the HTTP client applies per host.
  const proxy = tl.getHttpProxyConfiguration();
  if (proxy) options.proxy = proxy;
  const cert = tl.getHttpCertConfiguration();
  if (cert) options.cert = cert;
  return options;
}

/** For messages only: the organization's name as the collection URL shows it. */
function organizationName(url: string): string {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter(Boolean);
  return segments.length ? decodeURIComponent(segments[segments.length - 1]) : u.hostname.split('.')[0];
}

function numberVariable(name: string): number | undefined {
  const v = Number(tl.getVariable(name));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

function report(outcome: RunOutcome, title: string): void {
  const temp = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
  fs.mkdirSync(temp, { recursive: true });
  const stamp = `${Date.now()}-${process.pid}`;
  const json = JSON.stringify(outcome.rows.map((r) => ({ package: r.package, version: r.version, before: r.before, after: r.after, outcome: r.outcome })));
  const resultFile = path.join(temp, `package-lifecycle-${stamp}.json`);
  fs.writeFileSync(resultFile, json);

  // Every run ends with the table, empty or not.
  console.log(`\n${textTable(outcome.rows)}\n`);
  const notes = [...outcome.errors, ...outcome.warnings].map(say);
  const summary = path.join(temp, `package-lifecycle-${stamp}.md`);
  fs.writeFileSync(summary, markdownSummary(title, outcome.rows, notes));
  tl.uploadSummary(summary);

  tl.setVariable('changedCount', String(outcome.changedCount));
  tl.setVariable('resultFile', resultFile);
  if (Buffer.byteLength(json) <= resultVariableLimit) {
    tl.setVariable('result', json);
  } else {
    tl.setVariable('result', '');
    tl.warning(tl.loc('ResultTooLarge', Buffer.byteLength(json), resultFile));
  }
  if (outcome.feedUrl) tl.setVariable('feedUrl', outcome.feedUrl);
  tl.setVariable('downloadedFiles', outcome.downloadedFiles.join('\n'));
}

async function main(): Promise<void> {
  tl.setResourcePath(path.join(__dirname, '..', 'task.json'));
  try {
    // The credential first: its token is masked before anything else can print.
    const t = target();
    const inputs: Inputs = {};
    for (const name of inputNames) inputs[name] = tl.getInput(name, false);
    const defaults = { downloadDirectory: tl.getVariable('System.DefaultWorkingDirectory') || process.cwd() };
    const request = parseRequest(inputs, defaults);
    const connection = new Connection({
      collectionUrl: t.collectionUrl,
      credential: t.credential,
      server: t.own ? ((tl.getVariable('System.ServerType') ?? '').toLowerCase() === 'onpremises' ? 'onPremises' : 'services') : 'detect',
      requestOptions: requestOptions(),
      timeoutMs: (numberVariable('PackageLifecycle.TimeoutSeconds') ?? 60) * 1000,
      debug: platform.debug,
    });
    const project = t.own ? { id: tl.getVariable('System.TeamProjectId'), name: tl.getVariable('System.TeamProject') } : undefined;
    const outcome = await run(request, { platform, connection, project, organization: organizationName(t.collectionUrl) });
    const title = tl.loc('SummaryTitle', request.action, request.protocol.displayName, request.feed.text, request.dryRun ? tl.loc('DryRunTag') : '');
    report(outcome, title.trim());
    // The first failure is the task's own message (setResult prints it); the rest go before it.
    for (const e of outcome.errors.slice(1)) tl.error(say(e));
    tl.debug(`requests sent: ${outcome.requests}`);
    const counts = tl.loc('Counts', outcome.rows.length, outcome.changedCount, outcome.rows.filter((r) => r.outcome === 'failed').length);
    if (outcome.result === 'Failed') tl.setResult(tl.TaskResult.Failed, outcome.errors.length ? say(outcome.errors[0]) : counts);
    else if (outcome.result === 'SucceededWithIssues') tl.setResult(tl.TaskResult.SucceededWithIssues, counts);
    else tl.setResult(tl.TaskResult.Succeeded, counts);
  } catch (e) {
    // Bad input: nothing was sent. The result file is still written, empty, as later steps expect it.
    const text = e instanceof UserError ? say(e.message_) : e instanceof Error ? e.message : String(e);
    const empty: RunOutcome = { rows: [], changedCount: 0, downloadedFiles: [], result: 'Failed', errors: [], warnings: [], requests: 0 };
    try {
      report(empty, tl.loc('SummaryTitle', tl.getInput('action', false) ?? '', tl.getInput('packageType', false) ?? '', tl.getInput('feed', false) ?? '', ''));
    } catch {
      // Reporting must not hide the failure itself.
    }
    tl.setResult(tl.TaskResult.Failed, text);
  }
}

void main();
