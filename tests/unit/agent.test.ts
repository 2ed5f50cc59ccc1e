// src/agent.ts against azure-pipelines-task-lib itself, the oracle: the same environment and the
// same calls, each module in its own process (both read the environment as they load), and every
// line written and every value returned compared byte for byte. The few places where src/agent.ts
// departs from task-lib on purpose are declared per case and checked to be exercised.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import type * as Agent from '../../src/agent';
import type { ProbeCall, ProbePlan, ProbeResult } from '../helpers/agent-probe';
import { makeTemp } from '../helpers/temp';
import { taskEntry } from '../helpers/run-task';

const probeScript = path.join(__dirname, '..', 'helpers', 'agent-probe.js');
const EOL = '\n';

/** Hostile text: everything the command syntax gives a meaning to, and a command of its own. */
const HOSTILE = 'a;b]c%d\re\nf%AZP25g%0Ah ##vso[task.complete result=Succeeded;]done';

interface Case {
  name: string;
  env: Record<string, string>;
  calls: ProbeCall[];
  crash?: ProbePlan['crash'];
  /** Debug lines task-lib writes with a secret's value, which src/agent.ts writes as `name=********`. */
  masked?: [name: string, value: string][];
  /** Thrown messages that differ on purpose: task-lib's, then ours. */
  thrown?: [taskLib: string, ours: string][];
  /** Compare crash reports without their stack frames (they name each module's own file). */
  withoutFrames?: boolean;
}

const call = (fn: string, ...args: unknown[]): ProbeCall => ({ fn, args });
const debugLines = [call('debug', 'plain'), call('debug', HOSTILE), call('debug', ''), call('debug', undefined)];
const proxyAndCert = [call('getHttpProxyConfiguration'), call('getHttpCertConfiguration')];

const GUID = '3c9e1f7a-5b2d-4e8f-9a61-0d4c2b7e8f13';

const cases: Case[] = [
  {
    name: 'nothing set: every getter finds nothing, the results and issues are written',
    env: {},
    calls: [
      call('getInput', 'action', false),
      call('getVariable', 'System.TeamFoundationCollectionUri'),
      call('getVariable', 'Agent.TempDirectory'),
      call('getEndpointUrl', GUID, true),
      call('getEndpointAuthorization', 'SystemVssConnection', true),
      call('getEndpointDataParameter', GUID, 'environmentAuthorityUrl', true),
      ...proxyAndCert,
      ...debugLines,
      call('warning', 'a warning'),
      call('error', 'an error'),
      call('uploadSummary', '/tmp/summary.md'),
      call('setVariable', 'changedCount', '0'),
      call('setVariable', 'downloadedFiles', ''),
      call('setResult', 0, 'all done'),
      call('setResult', 1, 'with issues'),
      call('setResult', 2, 'failed'),
      call('setResult', 2, ''),
      call('setResult', 1, ''),
      call('setResult', 3, 'cancelled'),
      call('setResult', 4, 'skipped', true),
    ],
  },
  {
    name: 'inputs: spaces, dots and odd case in names, values not trimmed, empty inputs, required ones',
    env: {
      INPUT_PACKAGE_FILES: `  ${HOSTILE}  `,
      INPUT_Mixed_Case: '  padded value  ',
      INPUT_DOT_NAME: 'dotted',
      INPUT_EMPTY: '',
      INPUT_ACTION: 'promote',
      input_lower: 'not an input: the prefix is upper case',
      INPUT_action: 'delete',
    },
    calls: [
      call('getInput', 'package files', false),
      call('getInput', 'Package Files', false),
      call('getInput', 'Mixed case', false),
      call('getInput', 'mixed_CASE'),
      call('getInput', 'dot.name', false),
      call('getInput', 'empty', false),
      call('getInput', 'empty', true),
      call('getInput', 'action', false),
      call('getInput', 'lower', false),
      call('getInput', 'missing', false),
      call('getInput', 'missing', true),
      call('getInput', '', false),
    ],
  },
  {
    name: 'variables: public, secret (listed, by prefix, empty), set at run time, the old job status name',
    env: {
      VSTS_PUBLIC_VARIABLES: JSON.stringify(['System.TeamProject', 'Build.Reason', 'Old.Style']),
      VSTS_SECRET_VARIABLES: JSON.stringify(['My.Secret', 'resultFile', 'Old.Style']),
      SYSTEM_TEAMPROJECT: HOSTILE,
      SECRET_MY_SECRET: `s${HOSTILE}`,
      MY_SECRET: 'the public value of a secret name is never read',
      SECRET_OLD_STYLE: 'old;secret',
      SECRET_BY_PREFIX: 'prefix]secret',
      SECRET_EMPTY_ONE: '',
      EMPTY_ONE: 'public value of an empty secret',
      'agent.jobstatus': 'Succeeded',
      VSTS_TASKVARIABLE_X: 'task variable',
      SECUREFILE_TICKET_Y: 'ticket',
      SYSTEM_DEBUG: 'true',
    },
    calls: [
      call('getVariable', 'System.TeamProject'),
      call('getVariable', 'system teamproject'),
      call('getVariable', 'My.Secret'),
      call('getVariable', 'my secret'),
      call('getVariable', 'Old.Style'),
      call('getVariable', 'by.prefix'),
      call('getVariable', 'Empty.One'),
      call('getVariable', 'Agent.JobStatus'),
      call('getVariable', 'Not.Set'),
      call('getVariable', ''),
      call('setVariable', 'resultFile', '/tmp/x;y]%.json'),
      call('getVariable', 'resultFile'),
      call('setVariable', 'resultFile', ''),
      call('getVariable', 'resultFile'),
      call('setVariable', 'changedCount', '7'),
      call('getVariable', 'ChangedCount'),
      call('setVariable', 'result', `[${HOSTILE}]`),
      call('getVariable', 'result'),
      call('setVariable', 'na;me]%\r\nx', 'v'),
      call('setVariable', 'new.secret', 'multi\nline', true),
      call('setVariable', 'new.secret', 'one line', true, true),
      call('getVariable', 'new.secret'),
      call('setVariable', 'System.TeamProject', 'now set'),
      call('getVariable', 'System.TeamProject'),
      call('setVariable', '', 'no name'),
    ],
    masked: [
      ['My.Secret', `s${HOSTILE}`],
      ['my secret', `s${HOSTILE}`],
      ['Old.Style', 'old;secret'],
      ['by.prefix', 'prefix]secret'],
      ['resultFile', '/tmp/x;y]%.json'],
      ['new.secret', 'one line'],
    ],
  },
  {
    name: 'endpoints: URL, authorization JSON (any case of its id), data, the scheme and parameter forms, missing and broken ones',
    env: {
      ENDPOINT_URL_SYSTEMVSSCONNECTION: 'https://dev.azure.com/fabrikam/',
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: 'job;token]%' }, scheme: 'OAuth' }),
      ENDPOINT_AUTH_SCHEME_SYSTEMVSSCONNECTION: 'OAuth',
      ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: 'job;token]%',
      [`ENDPOINT_URL_${GUID}`]: `https://dev.azure.com/contoso/${HOSTILE}`,
      [`ENDPOINT_AUTH_${GUID}`]: JSON.stringify({ scheme: 'Token', parameters: { apitoken: 'pat\nvalue', extra: HOSTILE } }),
      [`ENDPOINT_DATA_${GUID}_ENVIRONMENTAUTHORITYURL`]: 'https://login.example/',
      [`ENDPOINT_DATA_${GUID}_ODD`]: HOSTILE,
      ENDPOINT_AUTH_lower: JSON.stringify({ scheme: 'None', parameters: {} }),
      ENDPOINT_AUTH_NULL: 'null',
      ENDPOINT_AUTH_BROKEN: '{"parameters": {"apitoken": "broken-secret"',
      ENDPOINT_AUTH_EMPTY: '',
    },
    calls: [
      call('getEndpointUrl', 'SYSTEMVSSCONNECTION', true),
      call('getEndpointUrl', 'SystemVssConnection', true),
      call('getEndpointUrl', GUID, true),
      call('getEndpointUrl', GUID.toUpperCase(), true),
      call('getEndpointUrl', 'missing', true),
      call('getEndpointUrl', 'missing', false),
      call('getEndpointAuthorization', 'SystemVssConnection', true),
      call('getEndpointAuthorization', GUID, true),
      call('getEndpointAuthorization', GUID.toUpperCase(), true),
      call('getEndpointAuthorization', 'LOWER', true),
      call('getEndpointAuthorization', 'NULL', true),
      call('getEndpointAuthorization', 'EMPTY', true),
      call('getEndpointAuthorization', 'missing', true),
      call('getEndpointAuthorization', 'missing', false),
      call('getEndpointAuthorization', 'SCHEME_SYSTEMVSSCONNECTION', true),
      call('getEndpointAuthorization', 'BROKEN', true),
      call('getEndpointDataParameter', GUID, 'environmentAuthorityUrl', true),
      call('getEndpointDataParameter', GUID, 'odd', true),
      call('getEndpointDataParameter', GUID, 'missing', true),
      call('getEndpointDataParameter', GUID, 'missing', false),
    ],
    thrown: [
      ['Error: Invalid endpoint auth: {"parameters": {"apitoken": "broken-secret"', 'Error: Invalid endpoint auth: BROKEN'],
      ['Error: Invalid endpoint auth: OAuth', 'Error: Invalid endpoint auth: SCHEME_SYSTEMVSSCONNECTION'],
    ],
  },
  {
    name: 'proxy with credentials and a bypass list, a client certificate, a correlation id on issues',
    env: {
      AGENT_PROXYURL: 'http://proxy.fabrikam.local:8080/some/path?q=1',
      AGENT_PROXYUSERNAME: 'us;er]%',
      AGENT_PROXYPASSWORD: 'p@ss;word]%',
      AGENT_PROXYBYPASSLIST: JSON.stringify(['\\.internal$', '^https://DIRECT\\.']),
      AGENT_CAINFO: '/certs/ca;].pem',
      AGENT_CLIENTCERT: '/certs/client.pem',
      AGENT_CLIENTCERTKEY: '/certs/client.key',
      AGENT_CLIENTCERTARCHIVE: '/certs/client.pfx',
      AGENT_CLIENTCERTPASSWORD: 'cert;pass]%',
      COMMAND_CORRELATION_ID: 'corr;1]%',
    },
    calls: [
      ...proxyAndCert,
      call('getHttpProxyConfiguration', 'https://direct.example.com/x'),
      call('getHttpProxyConfiguration', 'https://feeds.internal'),
      call('getHttpProxyConfiguration', 'https://dev.azure.com/fabrikam'),
      call('warning', HOSTILE),
      call('error', HOSTILE),
      call('warning', 'from a script', 'CustomerScript'),
      call('error', 'audited', 'TaskInternal', 1),
      call('error', 'audit unknown', 'TaskInternal', 0),
      call('setResult', 2, HOSTILE),
      call('setResult', 1, HOSTILE, true),
    ],
    masked: [
      ['Agent.ProxyPassword', 'p@ss;word]%'],
      ['Agent.ClientCertPassword', 'cert;pass]%'],
    ],
  },
  {
    name: 'proxy and certificate variables as the agent gives them: passwords secret; a proxy without a user, a CA alone',
    env: {
      VSTS_PUBLIC_VARIABLES: JSON.stringify(['Agent.ProxyUrl', 'Agent.CAInfo']),
      VSTS_SECRET_VARIABLES: JSON.stringify(['Agent.ProxyPassword']),
      AGENT_PROXYURL: 'https://proxy.local',
      SECRET_AGENT_PROXYPASSWORD: 'secret-proxy-password',
      AGENT_CAINFO: '/certs/ca.pem',
      SYSTEM_DEBUG: 'TRUE',
      DISTRIBUTEDTASK_TASKS_NODE_SKIPDEBUGLOGSWHENDEBUGMODEOFF: 'true',
    },
    calls: [...proxyAndCert, call('getVariable', 'Agent.ProxyPassword'), ...debugLines],
    masked: [['Agent.ProxyPassword', 'secret-proxy-password']],
  },
  {
    name: 'a proxy URL that is not one, a bypass list that is not JSON',
    env: { AGENT_PROXYURL: 'not a url', AGENT_PROXYUSERNAME: 'user' },
    calls: [call('getHttpProxyConfiguration'), call('getVariable', 'Agent.ProxyPassword')],
  },
  {
    name: 'a bypass list that is not JSON',
    env: { AGENT_PROXYURL: 'http://proxy.local', AGENT_PROXYBYPASSLIST: '[not json' },
    calls: [call('getHttpProxyConfiguration'), call('getHttpProxyConfiguration', 'https://x')],
  },
  {
    name: 'debug lines only in debug mode when the agent asks so',
    env: { SYSTEM_DEBUG: 'false', DISTRIBUTEDTASK_TASKS_NODE_SKIPDEBUGLOGSWHENDEBUGMODEOFF: 'True', INPUT_ACTION: 'show' },
    calls: [...debugLines, call('getInput', 'action'), call('setVariable', 'x', 'y'), call('setResult', 2, 'failed'), call('warning', 'still written')],
  },
  {
    name: 'debug lines always when System.Debug is off but the agent does not ask to skip them',
    env: { SYSTEM_DEBUG: 'false', DISTRIBUTEDTASK_TASKS_NODE_SKIPDEBUGLOGSWHENDEBUGMODEOFF: 'false' },
    calls: [...debugLines],
  },
  {
    name: 'secrets to mask: hostile text, empty, multi-line refused unless the agent allows it',
    env: {},
    calls: [call('setSecret', HOSTILE.replace(/[\r\n]/g, '')), call('setSecret', ''), call('setSecret', 'two\nlines'), call('setSecret', 'cr\ronly'), call('uploadSummary', `/tmp/${HOSTILE}.md`)],
  },
  {
    name: 'multi-line secrets allowed',
    env: { SYSTEM_UNSAFEALLOWMULTILINESECRET: 'True' },
    calls: [call('setSecret', 'two\r\nlines'), call('setVariable', 'multi', 'a\nb', true)],
  },
  {
    name: 'a public variable list that is not JSON stops the load, after the secrets are taken',
    env: { VSTS_PUBLIC_VARIABLES: '[not json', INPUT_X: 'x', COMMAND_CORRELATION_ID: 'c' },
    calls: [],
  },
  {
    name: 'a secret variable list that is not JSON stops the load',
    env: { VSTS_SECRET_VARIABLES: '{"a":', VSTS_PUBLIC_VARIABLES: '["A"]', SECRET_A: 'a' },
    calls: [],
  },
  {
    name: 'an uncaught exception fails the task with its message and writes the stack',
    env: { COMMAND_CORRELATION_ID: 'crash-1' },
    calls: [call('debug', 'before')],
    crash: { kind: 'throw', message: `boom ${HOSTILE}` },
  },
  {
    name: 'an unhandled rejection with an Error is an uncaught exception',
    env: {},
    calls: [],
    crash: { kind: 'rejectError', message: `rejected ${HOSTILE}` },
  },
  {
    name: 'an unhandled rejection with something else is an uncaught exception of its text',
    env: {},
    calls: [],
    crash: { kind: 'reject', reason: { message: 'not an Error' } },
    withoutFrames: true,
  },
  {
    name: 'an unhandled rejection with a string is an uncaught exception with that message',
    env: {},
    calls: [],
    crash: { kind: 'reject', reason: `rejected ${HOSTILE}` },
    withoutFrames: true,
  },
];

function runProbe(which: 'tasklib' | 'agent', dir: string, env: Record<string, string>): Promise<ProbeResult> {
  const resultFile = path.join(dir, `${which}.json`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [probeScript, which, path.join(dir, 'plan.json'), resultFile], { env, cwd: dir }, (e, stdout, stderr) => {
      if (e) return reject(new Error(`${which} probe: ${e.message}\n${stderr}`));
      if (stdout) return reject(new Error(`${which} probe wrote past the capture: ${stdout}`));
      resolve(JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ProbeResult);
    });
  });
}

/** Both modules on one case, in parallel; the temporary folder (task-lib writes key files there) goes. */
async function runBoth(c: Case): Promise<{ theirs: ProbeResult; ours: ProbeResult }> {
  const dir = makeTemp('agent-oracle');
  try {
    const plan: ProbePlan = { calls: c.calls, crash: c.crash };
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify(plan));
    // Nothing from this process's environment: each case is the whole environment.
    const env = { AGENT_TEMPDIRECTORY: dir, ...c.env };
    const [theirs, ours] = await Promise.all([runProbe('tasklib', dir, env), runProbe('agent', dir, env)]);
    return { theirs, ours };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const escapeData = (s: string) => s.replace(/%/g, '%AZP25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** task-lib's lines as src/agent.ts is meant to write them: the declared departures applied. */
function expected(theirs: ProbeResult, c: Case): ProbeResult {
  const out: ProbeResult = JSON.parse(JSON.stringify(theirs)) as ProbeResult;
  for (const [name, value] of c.masked ?? []) {
    const from = `##vso[task.debug]${name}=${escapeData(value)}${EOL}`;
    let seen = 0;
    for (const r of out.calls) {
      r.written = r.written.map((w) => (w === from ? (seen++, `##vso[task.debug]${name}=********${EOL}`) : w));
    }
    assert.ok(seen > 0, `task-lib no longer writes ${JSON.stringify(from)}: the case does not exercise the masking`);
  }
  for (const [from, to] of c.thrown ?? []) {
    const r = out.calls.find((x) => x.threw === from);
    assert.ok(r, `task-lib no longer throws ${JSON.stringify(from)}`);
    r.threw = to;
  }
  return out;
}

const withoutFrames = (lines: string[]) => lines.map((l) => l.replace(/(%0A {4}at [^%]*)+/g, '%0A    at …'));

function compare(theirs: ProbeResult, ours: ProbeResult, c: Case): void {
  const want = expected(theirs, c);
  assert.deepEqual(ours.loaded, [], 'src/agent.ts writes nothing as it loads');
  assert.equal(ours.loadError, want.loadError, 'load error');
  assert.deepEqual(ours.envAfterLoad, want.envAfterLoad, 'the environment after loading');
  assert.equal(ours.calls.length, want.calls.length);
  ours.calls.forEach((r, i) => {
    const w = want.calls[i];
    const at = `call ${i}: ${r.fn}(${JSON.stringify(c.calls[i].args).slice(1, -1)})`;
    assert.deepEqual(r.written, w.written, `${at}: what it wrote`);
    assert.equal(r.threw, w.threw, `${at}: what it threw`);
    assert.equal(r.returned, w.returned, `${at}: what it returned`);
  });
  assert.deepEqual(c.withoutFrames ? withoutFrames(ours.after) : ours.after, c.withoutFrames ? withoutFrames(want.after) : want.after, 'what the crash handlers wrote');
  assert.deepEqual(ours.envAtEnd, want.envAtEnd, 'the environment at the end');
}

describe('src/agent.ts against azure-pipelines-task-lib, the oracle (each in its own process)', function () {
  this.timeout(30_000);

  for (const c of cases) {
    it(c.name, async () => {
      const { theirs, ours } = await runBoth(c);
      compare(theirs, ours, c);
      // Every line ours writes is written whole, in one write.
      for (const w of [...ours.calls.flatMap((r) => r.written), ...ours.after]) assert.match(w, /^##vso\[[^\n]*\n$/, JSON.stringify(w));
      // A secret's value never reaches a debug line of ours.
      for (const [, value] of c.masked ?? []) {
        for (const w of ours.calls.flatMap((r) => r.written)) if (w.startsWith('##vso[task.debug]')) assert.ok(!w.includes(escapeData(value)), w);
      }
    });
  }

  it('the case with a hostile correlation id writes it escaped in properties, as task-lib does', async () => {
    const { ours } = await runBoth(cases.find((c) => c.env.COMMAND_CORRELATION_ID === 'corr;1]%')!);
    const written = ours.calls.flatMap((r) => r.written).join('');
    for (const form of ['%3B', '%5D', '%AZP25', '%0D', '%0A']) assert.ok(written.includes(form), form);
    assert.ok(written.includes('correlationId=corr%3B1%5D%AZP25;'), 'the correlation id is on issues');
  });
});

/** src/agent.ts in this process, for its pure functions: what it does on load undone. */
function agentInProcess(): typeof Agent {
  const env = { ...process.env };
  const listeners = { uncaughtException: process.listeners('uncaughtException'), unhandledRejection: process.listeners('unhandledRejection') };
  try {
    return require('../../src/agent') as typeof Agent;
  } finally {
    for (const l of process.listeners('uncaughtException')) if (!listeners.uncaughtException.includes(l)) process.off('uncaughtException', l);
    for (const l of process.listeners('unhandledRejection')) if (!listeners.unhandledRejection.includes(l)) process.off('unhandledRejection', l);
    for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
    Object.assign(process.env, env);
  }
}

describe('src/agent.ts command lines against task-lib TaskCommand, over any text', () => {
  const agent = agentInProcess();
  // task-lib's command formatting: its own file, which loads nothing else.
  const { TaskCommand } = require('azure-pipelines-task-lib/taskcommand') as { TaskCommand: new (c: string, p: unknown, m: unknown) => { toString(): string } };
  const special = fc.constantFrom('%', ';', ']', '[', '\r', '\n', '\r\n', '=', ' ', '##vso[', '%AZP25', '%0A', '%0D', '%3B', '%5D', 'AZP25');
  const text = fc.array(fc.oneof(special, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 10 }).map((p) => p.join(''));
  const value = fc.oneof(text, fc.constantFrom(undefined, '', null, 0, 1, false, true));

  it('the same line for any command, properties and message', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('task.issue', 'task.setvariable', ''), text), fc.option(fc.dictionary(text, value, { maxKeys: 5, noNullPrototype: true })), value, (command, properties, message) => {
        assert.equal(agent.formatCommand(command, properties, message), new TaskCommand(command, properties, message).toString());
      }),
      { numRuns: 2000 },
    );
  });

  it('a property value and a message come back whole from the one line written', () => {
    const unescapeProperty = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%5D/g, ']').replace(/%3B/g, ';').replace(/%AZP25/g, '%');
    const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');
    fc.assert(
      fc.property(text.filter((s) => s !== ''), text, (v, m) => {
        const line = agent.formatCommand('task.x', { k: v }, m);
        assert.ok(!/[\r\n]/.test(line), line);
        const parsed = /^##vso\[task\.x k=([^\];]*);\](.*)$/.exec(line);
        assert.ok(parsed, line);
        assert.equal(unescapeProperty(parsed[1]), v);
        assert.equal(unescapeData(parsed[2]), m);
        assert.equal(agent.escapeProperty(v), parsed[1]);
        assert.equal(agent.escapeData(m), parsed[2]);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the task bundle', () => {
  it('carries no task-lib and ships no lib.json', function () {
    if (!fs.existsSync(taskEntry)) this.skip(); // no bundle until the build makes one
    const text = fs.readFileSync(taskEntry, 'utf8');
    for (const mark of ['_vsts_task_lib', 'LIB_', 'shelljs', '.taskkey', 'aes-256-ctr']) assert.ok(!text.includes(mark), `dist/index.js holds ${mark}`);
    assert.ok(!fs.existsSync(path.join(path.dirname(taskEntry), 'lib.json')), 'dist/lib.json is left from an older build');
  });
});
