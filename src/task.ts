/**
 * The pipeline task: reads the task's inputs and the agent's settings, runs the engine through the
 * wiring, and writes the log, the summary tab, output variables and the task result. Nothing else
 * lives here.
 */
// First: it takes the secrets out of the environment as it loads.
import * as tl from './agent';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NetworkOptions } from './azure/http';
import { AzureHttp, Credential, defaultRetry, secretForms, sleepFor } from './azure/http';
import { relieve, worthCollectingWhileWaiting } from './azure/memory';
import { DEFAULT_AUTHORITY_HOST, WifError, WifSettings, workloadIdentityToken } from './azure/wif';
import { FailureError } from './engine/failures';
import { format, msg, Msg } from './engine/messages';
import type { Platform } from './engine/ports';
import { inputNames, Inputs } from './engine/request';
import { inline } from './engine/text';
import { gathering, present, textAhead } from './outputs';
import { runInputs, stopped } from './wiring';

const platform: Platform = {
  // Straight to stdout: setting up the global console costs milliseconds, on the way to the first batch.
  info: (m) => void process.stdout.write(`${format(m)}\n`),
  warn: (m) => tl.warning(format(m)),
  debug: (line) => tl.debug(inline(line)),
  sleep: sleepFor,
  now: () => Date.now(),
};

interface Target {
  collectionUrl: string;
  credential: Credential;
  /** The pipeline's own collection: its project and server kind apply. */
  own: boolean;
}

class InputProblem extends Error {
  constructor(readonly m: Msg) {
    super(m.key);
  }
}

/** Registers every form in which the token could appear, before anything can print it. */
function mask(credential: Credential): void {
  for (const s of secretForms(credential)) tl.setSecret(s);
}

/**
 * Another organization through an Azure DevOps service connection with workload identity
 * federation: the job's OIDC token exchanged for an Entra token, through the one HTTP client.
 */
async function federated(id: string, timeoutMs: number): Promise<Target> {
  const url = tl.getEndpointUrl(id, true) ?? '';
  const http = new AzureHttp({ credential: { kind: 'bearer', token: '' }, timeoutMs, retry: defaultRetry, requestOptions: requestOptions(), debug: platform.debug });
  try {
    // Endpoint authorizations are held in memory (they are gone from the environment once ./agent loads).
    const auth = tl.getEndpointAuthorization(id, true);
    if (auth?.scheme && auth.scheme.toLowerCase() !== 'workloadidentityfederation') throw new WifError('settings', `the service connection uses the scheme '${auth.scheme}', not WorkloadIdentityFederation`);
    const parameter = (name: string) => Object.entries(auth?.parameters ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';
    const settings: WifSettings = {
      oidcRequestUri: tl.getVariable('System.OidcRequestUri') ?? '',
      systemAccessToken: tl.getEndpointAuthorization('SystemVssConnection', true)?.parameters?.['AccessToken'] ?? '',
      serviceConnectionId: id,
      tenantId: parameter('tenantid'),
      clientId: parameter('serviceprincipalid'),
      authorityHost: tl.getEndpointDataParameter(id, 'environmentAuthorityUrl', true) || DEFAULT_AUTHORITY_HOST,
      collectionUri: tl.getVariable('System.TeamFoundationCollectionUri') || undefined,
    };
    if (!url) throw new WifError('settings', 'the service connection has no URL');
    const token = await workloadIdentityToken({
      postForm: (u, fields, headers) => http.postForm(u, fields, headers),
      postJson: async (u, headers, body) => (await http.json({ method: 'POST', url: u, headers, body })).body,
    }, settings);
    const credential: Credential = { kind: 'bearer', token };
    mask(credential);
    return { collectionUrl: url, credential, own: false };
  } catch (e) {
    const reason = e instanceof WifError ? e.message : e instanceof FailureError ? e.message : String(e);
    throw new InputProblem(msg('WifExchangeFailed', id, http.redact(reason).replace(/[.\s]+$/, '')));
  }
}

/** The collection and credential: a service connection, else the pipeline's own. */
async function target(timeoutMs: number): Promise<Target> {
  const connection = tl.getInput('connection', false);
  const wif = tl.getInput('azureDevOpsServiceConnection', false);
  if (connection && wif) throw new InputProblem(msg('BothConnections'));
  if (wif) {
    // The job's own token is what asks for the OIDC token: masked first.
    const own = tl.getEndpointAuthorization('SystemVssConnection', true)?.parameters?.['AccessToken'];
    if (own) mask({ kind: 'bearer', token: own });
    return federated(wif, timeoutMs);
  }
  if (connection) {
    const auth = tl.getEndpointAuthorization(connection, true);
    const token = auth?.parameters?.['apitoken'] ?? auth?.parameters?.['AccessToken'] ?? '';
    const credential: Credential = { kind: 'pat', token };
    if (token) mask(credential);
    const url = tl.getEndpointUrl(connection, true) ?? '';
    if (!url || !token) throw new InputProblem(msg('ConnectionIncomplete', connection));
    return { collectionUrl: url, credential, own: false };
  }
  const auth = tl.getEndpointAuthorization('SystemVssConnection', true);
  const token = auth?.parameters?.['AccessToken'] ?? '';
  const credential: Credential = { kind: 'bearer', token };
  if (token) mask(credential);
  const url = tl.getVariable('System.TeamFoundationCollectionUri') ?? '';
  if (!url) throw new InputProblem(msg('NoCollection'));
  if (!token) throw new InputProblem(msg('NoToken'));
  return { collectionUrl: url, credential, own: true };
}

function requestOptions(): NetworkOptions {
  const options: NetworkOptions = {};
  // Without a URL: the whole setting, bypass list included, which the HTTP client applies per host.
  const proxy = tl.getHttpProxyConfiguration();
  if (proxy) options.proxy = proxy;
  const cert = tl.getHttpCertConfiguration();
  if (cert) options.cert = cert;
  return options;
}

function numberVariable(name: string): number | undefined {
  const v = Number(tl.getVariable(name));
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** A file written piece by piece, the pieces gathered into writes of about 64 KB. */
function writeFile(file: string, fill: (add: (piece: string) => void) => void): void {
  const fd = fs.openSync(file, 'w');
  try {
    // writeFileSync on a descriptor writes all of it, however many writes that takes.
    const out = gathering((text) => fs.writeFileSync(fd, text));
    fill((piece) => out.add(piece));
    out.end();
  } finally {
    fs.closeSync(fd);
  }
}

async function main(): Promise<void> {
  const inputs: Inputs = {};
  const temp = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
  let outcome;
  const ahead = textAhead({ settle: () => relieve(worthCollectingWhileWaiting) });
  let title = format(msg('SummaryTitle', tl.getInput('action', false) ?? '', tl.getInput('packageType', false) ?? '', tl.getInput('feed', false) ?? '', ''));
  try {
    // The credential first: its token is masked before anything else can print.
    const timeoutMs = (numberVariable('PackageLifecycle.TimeoutSeconds') ?? 60) * 1000;
    const t = await target(timeoutMs);
    for (const name of inputNames) inputs[name] = tl.getInput(name, false);
    const workingDirectory = tl.getVariable('System.DefaultWorkingDirectory') || process.cwd();
    const ran = await runInputs(inputs, {
      collectionUrl: t.collectionUrl,
      credential: t.credential,
      server: t.own ? ((tl.getVariable('System.ServerType') ?? '').toLowerCase() === 'onpremises' ? 'onPremises' : 'services') : 'detect',
      requestOptions: requestOptions(),
      timeoutMs,
      platform,
      project: t.own ? { id: tl.getVariable('System.TeamProjectId'), name: tl.getVariable('System.TeamProject') } : undefined,
      workingDirectory,
      expect: ahead.expect,
    });
    outcome = ran.outcome;
    if (ran.request) title = format(msg('SummaryTitle', ran.request.action, ran.request.protocol.displayName, ran.request.feed.text, ran.request.dryRun ? format(msg('DryRunTag')) : ''));
  } catch (e) {
    outcome = stopped(e instanceof InputProblem ? e.m : msg('Unexpected', e instanceof Error ? e.message : String(e)));
  }
  // What the run read is garbage now: where that was a lot, let it go before the report's text is built.
  relieve(4 * 1024 * 1024);
  fs.mkdirSync(temp, { recursive: true });
  const stamp = `${Date.now()}-${process.pid}`;
  const resultFile = path.join(temp, `package-lifecycle-${stamp}.json`);
  const texts = ahead.stop();
  if (texts) tl.debug(texts.summary);
  const out = present(outcome, title.trim(), resultFile, format, texts);
  // The big pieces are written as they are made, a few pages of text at a time.
  writeFile(resultFile, (write) => out.writeJson(write));
  // Every run that reached the feed ends with the table, empty or not.
  const table = out.tableLines();
  if (table) {
    const log = gathering((text) => process.stdout.write(text));
    log.add('\n');
    for (const line of table) log.add(`${line}\n`);
    log.add(`\n${out.counts}\n\n`);
    log.end();
  }
  const summary = path.join(temp, `package-lifecycle-${stamp}.md`);
  writeFile(summary, (write) => {
    for (const line of out.markdownLines()) write(`${line}\n`);
  });
  tl.uploadSummary(summary);
  for (const [name, value] of Object.entries(out.variables)) if (value !== undefined) tl.setVariable(name, value);
  for (const w of out.warnings) tl.warning(w);
  tl.debug(`requests sent: ${outcome.requests}`);
  // The first failure is the task's own message (setResult prints it); the rest go before it.
  const result = out.status === 'Failed' ? tl.TaskResult.Failed : out.status === 'SucceededWithIssues' ? tl.TaskResult.SucceededWithIssues : tl.TaskResult.Succeeded;
  if (out.status === 'Failed') for (const e of out.errors.slice(1)) tl.error(e);
  tl.setResult(result, out.message);
}

void main();
