/**
 * The pipeline task: reads the task's inputs and the agent's settings through
 * azure-pipelines-task-lib, runs the engine through the wiring, and writes the log, the summary
 * tab, output variables and the task result. Nothing else lives here.
 *
 * task-lib takes the secrets out of the environment as it loads (into its vault), and writes a few
 * debug lines and its `.taskkey` into the agent's temp folder; the agent masks what is registered
 * with setSecret, so the credential is registered before anything of ours is written.
 */
import * as tl from 'azure-pipelines-task-lib/task';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AzureHttp, Credential, defaultRetry, secretForms, sleepFor } from './azure/http';
import { DEFAULT_AUTHORITY_HOST, WifError, WifSettings, workloadIdentityToken } from './azure/wif';
import { readPackageFilesWith } from './adapters';
import { FailureError } from './engine/failures';
import { Door, msg, Msg, taskDoor, words } from './engine/messages';
import type { Platform } from './engine/ports';
import { inputNames, Inputs } from './engine/request';
import { inline } from './engine/text';
import { present } from './outputs';
import { runInputs, Settings, stopped } from './wiring';

/**
 * A message in words: task.json's text through task-lib's `loc`, each argument in the task's words
 * and made safe for a line first (the keys and their number of arguments are checked by the compiler, ./engine/catalog).
 */
const say = (m: Msg): string => tl.loc(m.key, ...words(m, door));

/**
 * The task's words; with a `connection`, whose personal access token acts as the person who made
 * it, a 403's advice names that person rather than the pipeline's build identities.
 */
let door: Door = taskDoor;
const connectionDoor: Door = { ...taskDoor, advice: (a) => (a.advice === 'permission' ? msg('GrantTokenOwner', 'the service connection') : taskDoor.advice(a)) };

const platform: Platform = {
  info: (m) => console.log(say(m)),
  warn: (m) => tl.warning(say(m)),
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
function mask(token: string | undefined): void {
  if (token) for (const s of secretForms({ kind: 'bearer', token })) tl.setSecret(s);
}

/**
 * A service connection's authorization. task-lib puts the whole authorization (the credential)
 * into the message when it is not JSON: that message is replaced by one naming the connection.
 */
function authorization(id: string): tl.EndpointAuthorization | undefined {
  try {
    return tl.getEndpointAuthorization(id, true);
  } catch {
    throw new InputProblem(msg('ConnectionIncomplete', id));
  }
}

const jobToken = () => authorization('SystemVssConnection')?.parameters?.['AccessToken'] ?? '';
/** A personal access token connection's token. */
const connectionToken = (id: string) => {
  const auth = authorization(id);
  return auth?.parameters?.['apitoken'] ?? auth?.parameters?.['AccessToken'] ?? '';
};

/** The tokens task-lib holds, registered with the agent before the run writes anything. */
function maskTokens(): void {
  const connection = tl.getInput('connection', false);
  for (const token of [jobToken, () => (connection ? connectionToken(connection) : '')]) {
    try {
      mask(token());
    } catch {
      // An authorization that is not JSON: target() reports it.
    }
  }
}

/**
 * Another organization through an Azure DevOps service connection with workload identity
 * federation: the job's OIDC token exchanged for an Entra token, through the one HTTP client.
 */
async function federated(id: string, timeoutMs: number): Promise<Target> {
  const url = tl.getEndpointUrl(id, true) ?? '';
  const http = new AzureHttp({ credential: { kind: 'bearer', token: '' }, timeoutMs, retry: defaultRetry, requestOptions: requestOptions(), debug: platform.debug });
  try {
    const auth = authorization(id);
    if (auth?.scheme && auth.scheme.toLowerCase() !== 'workloadidentityfederation') throw new WifError('settings', `the service connection uses the scheme '${auth.scheme}', not WorkloadIdentityFederation`);
    const parameter = (name: string) => Object.entries(auth?.parameters ?? {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? '';
    const settings: WifSettings = {
      oidcRequestUri: tl.getVariable('System.OidcRequestUri') ?? '',
      systemAccessToken: jobToken(),
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
    mask(token);
    return { collectionUrl: url, credential: { kind: 'bearer', token }, own: false };
  } catch (e) {
    const reason = e instanceof WifError ? e.message : e instanceof FailureError ? e.message : e instanceof InputProblem ? say(e.m) : String(e);
    throw new InputProblem(msg('WifExchangeFailed', id, http.redact(reason).replace(/[.\s]+$/, '')));
  } finally {
    // Its kept-alive sockets go: the run's own client takes over from here.
    http.close();
  }
}

/** The collection and credential: a service connection, else the pipeline's own. */
async function target(timeoutMs: number): Promise<Target> {
  const connection = tl.getInput('connection', false);
  const wif = tl.getInput('azureDevOpsServiceConnection', false);
  if (connection && wif) throw new InputProblem(msg('BothConnections'));
  if (wif) return federated(wif, timeoutMs);
  if (connection) {
    const token = connectionToken(connection);
    const url = tl.getEndpointUrl(connection, true) ?? '';
    if (!url || !token) throw new InputProblem(msg('ConnectionIncomplete', connection));
    return { collectionUrl: url, credential: { kind: 'pat', token }, own: false };
  }
  const token = jobToken();
  const url = tl.getVariable('System.TeamFoundationCollectionUri') ?? '';
  if (!url) throw new InputProblem(msg('NoCollection'));
  if (!token) throw new InputProblem(msg('NoToken'));
  return { collectionUrl: url, credential: { kind: 'bearer', token }, own: true };
}

/** The agent's proxy (without a URL: the whole setting, bypass list included, applied per host) and certificates. */
function requestOptions(): NonNullable<Settings['requestOptions']> {
  const options: NonNullable<Settings['requestOptions']> = {};
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

async function main(): Promise<void> {
  maskTokens();
  // task.json sits one folder above the bundle, in the repository and in the extension alike.
  tl.setResourcePath(path.join(__dirname, '..', 'task.json'));
  const inputs: Inputs = {};
  let outcome;
  let title = '';
  try {
    // Inputs are read as text: the engine checks each (a mistyped `dryRun` fails rather than reads as false).
    for (const name of inputNames) inputs[name] = tl.getInput(name, false);
    title = say(msg('SummaryTitle', inputs.action ?? '', inputs.packageType ?? '', inputs.feed ?? '', ''));
    const timeoutMs = (numberVariable('PackageLifecycle.TimeoutSeconds') ?? 60) * 1000;
    const t = await target(timeoutMs);
    if (t.credential.kind === 'pat') door = connectionDoor;
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
      // The agent's own matching: task-lib's findMatch.
      packageFiles: readPackageFilesWith((root, patterns) => tl.findMatch(root, patterns), workingDirectory, platform),
    });
    outcome = ran.outcome;
    if (ran.request) title = say(msg('SummaryTitle', ran.request.action, ran.request.protocol.displayName, ran.request.feed.text, ran.request.dryRun ? say(msg('DryRunTag')) : ''));
  } catch (e) {
    outcome = stopped(e instanceof InputProblem ? e.m : msg('Unexpected', e instanceof Error ? e.message : String(e)));
  }
  const temp = tl.getVariable('Agent.TempDirectory') || os.tmpdir();
  fs.mkdirSync(temp, { recursive: true });
  const stamp = `${Date.now()}-${process.pid}`;
  const out = present(outcome, title.trim(), path.join(temp, `package-lifecycle-${stamp}.json`), say);
  fs.writeFileSync(out.resultFile, out.json);
  // Every run that reached the feed ends with the table, empty or not.
  const table = out.table;
  if (table !== undefined) console.log(`\n${table}\n\n${out.counts}\n`);
  const summary = path.join(temp, `package-lifecycle-${stamp}.md`);
  fs.writeFileSync(summary, out.markdown);
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
