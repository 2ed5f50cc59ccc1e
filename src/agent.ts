/**
 * The agent's side of the pipeline task, without azure-pipelines-task-lib: the few functions
 * src/task.ts uses, speaking the agent's ##vso protocol line for line as task-lib 5.x does
 * (tests/unit/agent.test.ts runs both side by side on the same environments and compares every
 * byte written and every value returned).
 *
 * On load, like task-lib, it takes the secrets out of the environment (inputs, endpoint
 * authorizations, secure file tickets, secret and task variables, the command correlation id and
 * the variable name lists) into this module's memory, so nothing started or printed later can
 * leak them through `process.env`. It imports nothing: loading it costs next to nothing.
 *
 * Where it departs from task-lib on purpose (see also the tests):
 * - no debug line carries the value of a secret variable, nor of the proxy or client certificate
 *   password: it reads `********` there, as task-lib's own setVariable writes for secrets;
 * - an endpoint authorization that is not JSON is reported by its endpoint id, not by its text;
 * - nothing is written at load (task-lib writes a dozen debug lines, and key files for its vault
 *   and for the proxy password into the agent's temp folder); messages are always in English.
 */

export enum TaskResult {
  Succeeded = 0,
  SucceededWithIssues = 1,
  Failed = 2,
  Cancelled = 3,
  Skipped = 4,
}

/** Who an issue is from, as the agent reads it (`source=` on task.issue). */
export type IssueSource = 'CustomerScript' | 'TaskInternal';

/** A service connection's authorization (its `ENDPOINT_AUTH_<id>` JSON). */
export interface EndpointAuthorization {
  parameters: { [key: string]: string };
  scheme: string;
}

/** The agent's proxy setting. */
export interface ProxyConfiguration {
  proxyUrl: string;
  proxyUsername?: string;
  proxyPassword?: string;
  /** Regular expressions read case-insensitively; a URL one of them matches goes direct. */
  proxyBypassHosts: string[];
  /** `protocol//user:password@host` of the proxy (the credentials as given, not encoded). */
  proxyFormattedUrl: string;
}

/** The agent's certificate setting: file paths, and the client certificate's passphrase. */
export interface CertConfiguration {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  certArchiveFile?: string;
  passphrase?: string;
}

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

const EOL = process.platform === 'win32' ? '\r\n' : '\n';

const PROPERTY_ESCAPES: Record<string, string> = { '%': '%AZP25', '\r': '%0D', '\n': '%0A', ']': '%5D', ';': '%3B' };
const DATA_ESCAPES: Record<string, string> = { '%': '%AZP25', '\r': '%0D', '\n': '%0A' };

/** A property value as the agent reads it back: `%`, CR, LF, `]` and `;` spelled out. */
export function escapeProperty(text: string): string {
  return text.replace(/[%\r\n\];]/g, (c) => PROPERTY_ESCAPES[c]);
}

/** A command's message as the agent reads it back: `%`, CR and LF spelled out. */
export function escapeData(text: string): string {
  return text.replace(/[%\r\n]/g, (c) => DATA_ESCAPES[c]);
}

/**
 * One ##vso command line (without its line end): `##vso[command key=value;key=value;]message`.
 * Properties without a value (empty, undefined, 0, false) are left out; a properties object
 * that has keys but no values still leaves the space after the command name.
 */
export function formatCommand(command: string, properties: { [key: string]: unknown } | null | undefined, message: unknown): string {
  let line = `##vso[${command || 'missing.command'}`;
  if (properties && Object.keys(properties).length > 0) {
    line += ' ';
    for (const key in properties) {
      if (!Object.prototype.hasOwnProperty.call(properties, key)) continue;
      const value = properties[key];
      // `'' +`, not String(): the value's default conversion, as the agent's own library makes it.
      if (value) line += `${key}=${escapeProperty('' + (value as string))};`;
    }
  }
  return `${line}]${escapeData('' + ((message as string) || ''))}`;
}

/** Writes one command: the whole line in one write, so lines from elsewhere never cut into it. */
function command(name: string, properties: { [key: string]: unknown } | null, message: unknown): void {
  process.stdout.write(formatCommand(name, properties, message) + EOL);
}

/** task-lib's own messages for the cases below (English; `%s` in order). */
const MESSAGES = {
  parameterRequired: '%s not supplied',
  inputRequired: 'Input required: %s',
  endpointMissing: 'Endpoint not present: %s',
  endpointDataMissing: 'Endpoint data parameter %s not present: %s',
  endpointAuthMissing: 'Endpoint auth data not present: %s',
  endpointAuthInvalid: 'Invalid endpoint auth: %s',
  multilineSecret: 'Secrets cannot contain multiple lines',
  unhandled: 'Unhandled: %s',
};

function message(text: string, ...args: unknown[]): string {
  let i = 0;
  return text.replace(/%s/g, () => String(args[i++]));
}

// ---------------------------------------------------------------------------------------------
// What the agent handed over, read once on load
// ---------------------------------------------------------------------------------------------

/** The environment key of a variable or input name: `.` and spaces as `_`, upper case. */
function variableKey(name: string): string {
  if (!name) throw new Error(message(MESSAGES.parameterRequired, 'name'));
  return name.replace(/[. ]/g, '_').toUpperCase();
}

/** Values taken out of the environment, by their environment name in lower case (later names win). */
const held = new Map<string, string>();
const heldValue = (envName: string): string | undefined => held.get(envName.toLowerCase());

/** Variable keys the agent (or this task) named, and whether each is secret. */
const known = new Map<string, boolean>();

/** Read before anything is taken, straight from the environment, as task-lib reads them. */
const debugMode = process.env['SYSTEM_DEBUG']?.toLowerCase() === 'true';
const debugOnlyInDebugMode = process.env['DISTRIBUTEDTASK_TASKS_NODE_SKIPDEBUGLOGSWHENDEBUGMODEOFF']?.toLowerCase() === 'true';

let correlationId = '';

const HELD_PREFIXES = ['INPUT_', 'ENDPOINT_AUTH_', 'SECUREFILE_TICKET_', 'SECRET_', 'VSTS_TASKVARIABLE_'];

function nameList(envName: string): unknown[] {
  let names: unknown;
  try {
    names = JSON.parse(process.env[envName] || '[]');
  } catch (e) {
    throw new Error(`Failed to parse ${envName} as JSON. ${String(e)}`);
  }
  if (!Array.isArray(names)) throw new TypeError(`${envName} is not a JSON list of variable names`);
  return names;
}

function load(): void {
  for (const envName of Object.keys(process.env)) {
    if (!HELD_PREFIXES.some((p) => envName.startsWith(p))) continue;
    // A secret variable is known as one even when its value is empty (before the name lists come).
    if (envName.startsWith('SECRET_') && envName.length > 'SECRET_'.length) known.set(variableKey(envName.slice('SECRET_'.length)), true);
    const value = process.env[envName];
    if (value) {
      held.set(envName.toLowerCase(), value);
      delete process.env[envName];
    }
  }
  const id = process.env['COMMAND_CORRELATION_ID'];
  delete process.env['COMMAND_CORRELATION_ID'];
  correlationId = id ? String(id) : '';
  for (const name of nameList('VSTS_PUBLIC_VARIABLES')) known.set(variableKey(name as string), false);
  delete process.env['VSTS_PUBLIC_VARIABLES'];
  for (const name of nameList('VSTS_SECRET_VARIABLES')) known.set(variableKey(name as string), true);
  delete process.env['VSTS_SECRET_VARIABLES'];
}

// ---------------------------------------------------------------------------------------------
// Log and result
// ---------------------------------------------------------------------------------------------

/** A debug line; with `DistributedTask.Tasks.Node.SkipDebugLogsWhenDebugModeOff`, only when `System.Debug` is true. */
export function debug(text: string): void {
  if (!debugOnlyInDebugMode || debugMode) command('task.debug', null, text);
}

function issue(type: 'warning' | 'error', text: string, source: IssueSource, auditAction?: number): void {
  command('task.issue', { type, source, correlationId, auditAction }, text);
}

/** A warning on the run's summary. */
export function warning(text: string, source: IssueSource = 'TaskInternal', auditAction?: number): void {
  issue('warning', text, source, auditAction);
}

/** An error on the run's summary. */
export function error(text: string, source: IssueSource = 'TaskInternal', auditAction?: number): void {
  issue('error', text, source, auditAction);
}

/**
 * The task's result (`task.complete`). A Failed result's message is also written as an error, a
 * SucceededWithIssues result's as a warning, so the summary shows it.
 */
export function setResult(result: TaskResult, text: string, done?: boolean): void {
  debug(`task result: ${TaskResult[result]}`);
  if (result === TaskResult.Failed && text) error(text, 'TaskInternal');
  else if (result === TaskResult.SucceededWithIssues && text) warning(text, 'TaskInternal');
  const properties: { [key: string]: string } = { result: TaskResult[result] };
  if (done) properties['done'] = 'true';
  command('task.complete', properties, text);
}

function multilineAllowed(): boolean {
  return `${process.env['SYSTEM_UNSAFEALLOWMULTILINESECRET']}`.toUpperCase() === 'TRUE';
}

/** Tells the agent to mask this value in every line it logs from now on. One line only. */
export function setSecret(value: string): void {
  if (!value) return;
  if (/\r|\n/.test(value) && !multilineAllowed()) throw new Error(MESSAGES.multilineSecret);
  command('task.setsecret', {}, value);
}

/** Attaches a Markdown file to the run's summary. */
export function uploadSummary(file: string): void {
  command('task.uploadsummary', null, file);
}

/**
 * Sets a variable for the steps after this one (and in this process's environment). A variable
 * the pipeline has as a secret stays secret.
 */
export function setVariable(name: string, value: string, secret = false, isOutput = false): void {
  const key = variableKey(name);
  if (known.has(key)) secret = secret || known.get(key)!;
  const text = value || '';
  debug(`set ${name}=${secret && text ? '********' : text}`);
  if (secret) {
    if (text && /\r|\n/.test(text) && !multilineAllowed()) throw new Error(MESSAGES.multilineSecret);
    const heldName = `secret_${key}`.toLowerCase();
    if (text) held.set(heldName, text);
    else held.delete(heldName);
    delete process.env[key];
  } else {
    process.env[key] = text;
  }
  known.set(key, secret);
  command('task.setvariable', { variable: name || '', isOutput: String(isOutput || false), issecret: String(secret || false) }, text);
}

// ---------------------------------------------------------------------------------------------
// Inputs, variables, endpoints
// ---------------------------------------------------------------------------------------------

/** Names whose values no debug line shows even when the pipeline does not mark them secret. */
const PASSWORD_KEYS = new Set(['AGENT_PROXYPASSWORD', 'AGENT_CLIENTCERTPASSWORD']);

/** A pipeline variable: secret ones from memory, the others from the environment as it is now. */
export function getVariable(name: string): string | undefined {
  const key = variableKey(name);
  const secret = known.get(key) === true;
  let value: string | undefined;
  if (secret) {
    value = heldValue(`SECRET_${key}`);
  } else {
    value = process.env[key];
    // Agents before 2.104.1 named this one in lower case.
    if (!value && name.toUpperCase() === 'AGENT.JOBSTATUS') value = process.env['agent.jobstatus'];
  }
  debug(`${name}=${(secret || PASSWORD_KEYS.has(key)) && value ? '********' : value}`);
  return value;
}

/** A task input (`INPUT_<NAME>`), as given: not trimmed; an empty input is undefined. */
export function getInput(name: string, required?: boolean): string | undefined {
  const value = heldValue(`INPUT_${variableKey(name)}`);
  if (required && !value) throw new Error(message(MESSAGES.inputRequired, name));
  debug(`${name}=${value}`);
  return value;
}

/** A service connection's URL (`ENDPOINT_URL_<id>`). */
export function getEndpointUrl(id: string, optional: boolean): string | undefined {
  const value = process.env[`ENDPOINT_URL_${id}`];
  if (!optional && !value) throw new Error(message(MESSAGES.endpointMissing, id));
  debug(`${id}=${value}`);
  return value;
}

/** A value from a service connection's data (`ENDPOINT_DATA_<id>_<KEY>`). */
export function getEndpointDataParameter(id: string, key: string, optional: boolean): string | undefined {
  const value = process.env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`];
  if (!optional && !value) throw new Error(message(MESSAGES.endpointDataMissing, id, key));
  debug(`${id} data ${key} = ${value}`);
  return value;
}

/**
 * A service connection's authorization (`ENDPOINT_AUTH_<id>`, held in memory since load). When
 * it is missing and not optional, the task's result is set to Failed (and the run goes on).
 */
export function getEndpointAuthorization(id: string, optional: boolean): EndpointAuthorization | undefined {
  const value = heldValue(`ENDPOINT_AUTH_${id}`);
  if (!optional && !value) setResult(TaskResult.Failed, message(MESSAGES.endpointAuthMissing, id));
  debug(`${id} exists ${!!value}`);
  if (!value) return undefined;
  try {
    return JSON.parse(value) as EndpointAuthorization;
  } catch {
    // Not the text itself, as task-lib writes: it holds the credential.
    throw new Error(message(MESSAGES.endpointAuthInvalid, id));
  }
}

/**
 * The agent's proxy (`Agent.ProxyUrl` and its user, password and bypass list), or null when
 * there is none, or when `requestUrl` is given and the bypass list matches it.
 */
export function getHttpProxyConfiguration(requestUrl?: string): ProxyConfiguration | null {
  const proxyUrl = getVariable('Agent.ProxyUrl');
  if (!proxyUrl) return null;
  const proxyUsername = getVariable('Agent.ProxyUsername');
  const proxyPassword = getVariable('Agent.ProxyPassword');
  const proxyBypassHosts = JSON.parse(getVariable('Agent.ProxyBypassList') || '[]') as string[];
  if (requestUrl && proxyBypassHosts.some((host) => new RegExp(host, 'i').test(requestUrl))) return null;
  const url = new URL(proxyUrl);
  const proxyFormattedUrl = proxyUsername ? `${url.protocol}//${proxyUsername}:${proxyPassword}@${url.host}` : `${url.protocol}//${url.host}`;
  return { proxyUrl, proxyUsername, proxyPassword, proxyBypassHosts, proxyFormattedUrl };
}

/**
 * The agent's certificates (`Agent.CAInfo`, and `Agent.ClientCert` with its key, archive and
 * password), or null when neither a CA nor a client certificate is set.
 */
export function getHttpCertConfiguration(): CertConfiguration | null {
  const caFile = getVariable('Agent.CAInfo');
  const certFile = getVariable('Agent.ClientCert');
  if (!caFile && !certFile) return null;
  const config: CertConfiguration = { caFile, certFile };
  if (certFile) {
    config.keyFile = getVariable('Agent.ClientCertKey');
    config.certArchiveFile = getVariable('Agent.ClientCertArchive');
    config.passphrase = getVariable('Agent.ClientCertPassword');
  }
  return config;
}

// ---------------------------------------------------------------------------------------------
// On load
// ---------------------------------------------------------------------------------------------

function isBrokenPipe(e: unknown): boolean {
  const err = e as NodeJS.ErrnoException | null;
  return !!err && typeof err === 'object' && err.code === 'EPIPE' && err.syscall?.toUpperCase() === 'WRITE';
}

// A crash still ends with a result the agent reads; a rejected promise nobody awaited is one.
process.on('uncaughtException', (e) => {
  if (isBrokenPipe(e)) return;
  setResult(TaskResult.Failed, message(MESSAGES.unhandled, e.message));
  error(String(e.stack), 'TaskInternal');
});
process.on('unhandledRejection', (reason) => {
  throw reason instanceof Error ? reason : new Error(reason as string);
});

load();
