// The emulator's HTTP side: listeners, routing, identity, api-version checks, faults, the request log,
// and the programmatic API that tests use.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchTemplate, Route, ROUTES } from './routes';
import { bad, blobSig, Ctx, handlerFor, HttpError, Reply, Urls } from './handlers';
import { Store, TokenState } from './store';
import { entraToken, oidcToken } from './wif';
import { demoFixture } from './demo-data';
import type { DependencySeed, FaultSpec, Fixture, GenerateOptions, HostKey, ProtocolKey, RequestRecord, Role, StartOptions, VersionSeed, VersionView, WifConnectionSeed } from './types';
import { wrapped } from './util';

const ONPREM_BASE = ['tfs', 'DefaultCollection'];
const CONTROL = '_emulator';

interface Listener { host: HostKey; address: string; server: http.Server; port: number }
interface ActiveFault { spec: FaultSpec; remaining: number; skip: number; label: string }

/** A request that reached the attacker listener (127.0.0.5): did the token follow a redirect? */
export interface AttackerRecord { at: number; method: string; path: string; query: Record<string, string>; headers: Record<string, string | undefined>; auth: RequestRecord['auth'] }

const EXTRA_HANDLERS: Record<string, (ctx: Ctx) => Reply> = { 'distributedtask.oidctoken': oidcToken, 'entra.token': entraToken };
const SHAPING: (keyof FaultSpec)[] = ['status', 'drop', 'message', 'body', 'echoAuthorization', 'redirect', 'lie', 'preempt', 'omit', 'stallBodyMs', 'identity', 'afterApply', 'headers'];
const isLatencyOnly = (f: FaultSpec) => !SHAPING.some((k) => f[k] !== undefined && f[k] !== false);
const CHANGES = new Set(['PATCH', 'DELETE', 'POST', 'PUT']);
const nowMs = () => performance.timeOrigin + performance.now();

function faultLabel(f: FaultSpec): string {
  const parts: string[] = [];
  if (f.redirect) parts.push(`redirect ${f.status ?? 302}`);
  else if (f.lie) parts.push(`lie ${f.status ?? 202}`);
  else if (f.drop) parts.push('drop');
  else if (f.status || f.message || f.body || f.echoAuthorization) parts.push(String(f.status ?? 400));
  if (f.echoAuthorization) parts.push('echo authorization');
  if (f.preempt) parts.push('preempted');
  if (f.omit) parts.push('omit');
  if (f.stallBodyMs) parts.push('stall');
  if (f.identity) parts.push(f.identity === 'revoked' ? 'revoke' : `role ${f.identity}`);
  if (f.afterApply) parts.push('after apply');
  if (!parts.length) parts.push('latency');
  return parts.join(' ');
}

function cloneFixture(f: Fixture): Fixture {
  return JSON.parse(JSON.stringify(f)) as Fixture;
}

/** api-version from the query or the Accept header. */
function requestedApiVersion(query: Record<string, string>, accept: string | undefined): string | undefined {
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() === 'api-version') return v;
  const m = /api-version\s*=\s*([^;,\s]+)/i.exec(accept ?? '');
  return m?.[1];
}

function checkApiVersion(route: Route, requested: string | undefined, method: string, mode: 'services' | 'onprem'): void {
  const accepted = route.apiVersions.filter((v) => mode === 'services' || !v.startsWith('7.2'));
  if (!accepted.length) return;
  if (!requested) {
    throw new HttpError(400, wrapped(`No api-version was supplied for the "${method}" request. The version must be supplied either as part of the Accept header (e.g. "application/json; api-version=1.0") or as a query parameter (e.g. "?api-version=1.0").`, 'VssVersionNotSpecifiedException', 'Vss'), 'missing api-version');
  }
  if (accepted.includes(requested)) return;
  const m = /^(\d+\.\d+)(-preview(\.\d+)?)?$/.exec(requested);
  const num = m?.[1];
  const released = accepted.filter((v) => !v.includes('-preview')).map((v) => v);
  const previewNums = accepted.filter((v) => v.includes('-preview')).map((v) => v.split('-')[0]);
  if (m && m[2] && (released.includes(num!) || previewNums.includes(num!))) {
    // "7.1-preview" and "7.1-preview.1" are accepted wherever 7.1 is, as the service does.
    if (!m[3] || m[3] === '.1') return;
  }
  if (m && !m[2] && previewNums.includes(num!)) {
    throw new HttpError(400, wrapped(`The requested version "${requested}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${requested}-preview"`, 'VssInvalidPreviewVersionException', 'Vss'), `api-version ${requested} needs -preview`);
  }
  const max = accepted.map((v) => v.split('-')[0]).sort().pop();
  throw new HttpError(400, wrapped(`The requested REST API version of ${requested} is out of range for this server. The latest REST API version this server supports is ${max}.`, 'VssVersionOutOfRangeException', 'Vss'), `api-version ${requested} not accepted (accepted: ${accepted.join(', ')})`);
}

function parseAuth(header: string | undefined): RequestRecord['auth'] {
  if (!header) return null;
  let m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (m) return { scheme: 'Bearer', token: m[1].trim() };
  m = /^Basic\s+(.+)$/i.exec(header.trim());
  if (m) {
    const decoded = Buffer.from(m[1].trim(), 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    return { scheme: 'Basic', token: i >= 0 ? decoded.slice(i + 1) : decoded };
  }
  return null;
}

function parseBody(raw: string, contentType: string): unknown {
  if (!raw) return undefined;
  if (/json/i.test(contentType) || /^\s*[[{]/.test(raw)) {
    try { return JSON.parse(raw); } catch { return raw; }
  }
  return raw;
}

const SIGN_IN_PAGE = '<!DOCTYPE html><html><head><title>Azure DevOps Services | Sign In</title></head><body><p>Sign in to your account</p></body></html>';

export class Emulator {
  readonly mode: 'services' | 'onprem';
  readonly organization: string;
  readonly urls: Urls = { org: '', feeds: '', pkgs: '', blob: '', collection: '', entra: '', attacker: '' };
  readonly log: RequestRecord[] = [];
  /** Requests that reached the attacker listener (`urls.attacker`, 127.0.0.5), never Azure DevOps. */
  readonly attackerLog: AttackerRecord[] = [];
  /** Network latency added to every logged request on every host (0 = none), before the emulator's own work. */
  latencyMs = 0;
  /**
   * A service time instead: every request without a fault is answered this long after it arrived,
   * the emulator's own work (handling, JSON) counted within it, as a server that answers each
   * request in that time would (the bench's "25 ms a request"). 0 = none; `reset()` clears it.
   */
  serviceTimeMs = 0;
  /** The most entries a listing page holds, whatever `$top` asks (a server that caps its pages); `reset()` clears it. */
  maxPageSize: number | undefined;
  /** Start-up time in milliseconds (listeners bound and data seeded). */
  startupMs = 0;

  private store: Store;
  private fixture: Fixture;
  private listeners: Listener[] = [];
  private faults: ActiveFault[] = [];
  private seq = 0;
  private sockets = new Set<import('node:net').Socket>();
  private timers = new Set<NodeJS.Timeout>();

  private constructor(mode: 'services' | 'onprem', fixture: Fixture) {
    this.mode = mode;
    this.fixture = cloneFixture(fixture);
    this.store = new Store(this.fixture);
    this.organization = this.store.organization;
  }

  static async start(opts: StartOptions = {}): Promise<Emulator> {
    const t0 = process.hrtime.bigint();
    const em = new Emulator(opts.mode ?? 'services', opts.fixture ?? demoFixture);
    const port = opts.port ?? 0;
    const plan: { host: HostKey; address: string }[] = em.mode === 'onprem'
      ? [{ host: 'collection', address: '127.0.0.1' }]
      : [{ host: 'org', address: '127.0.0.1' }, { host: 'feeds', address: '127.0.0.2' }, { host: 'pkgs', address: '127.0.0.3' }, { host: 'blob', address: '127.0.0.4' }];
    plan.push({ host: 'attacker', address: '127.0.0.5' }, { host: 'entra', address: '127.0.0.6' });
    try {
      for (const p of plan) em.listeners.push(await em.listen(p.host, p.address, port));
    } catch (e) {
      await em.stop();
      throw e;
    }
    const url = (h: HostKey) => {
      const l = em.listeners.find((x) => x.host === h)!;
      return `http://${l.address}:${l.port}`;
    };
    if (em.mode === 'onprem') {
      const c = `${url('collection')}/${ONPREM_BASE.join('/')}`;
      Object.assign(em.urls, { org: c, feeds: c, pkgs: c, blob: c, collection: c });
    } else {
      const org = em.organization;
      Object.assign(em.urls, { org: `${url('org')}/${org}`, feeds: `${url('feeds')}/${org}`, pkgs: `${url('pkgs')}/${org}`, blob: url('blob'), collection: `${url('org')}/${org}` });
    }
    Object.assign(em.urls, { entra: url('entra'), attacker: url('attacker') });
    em.startupMs = Number(process.hrtime.bigint() - t0) / 1e6;
    return em;
  }

  private listen(host: HostKey, address: string, port: number): Promise<Listener> {
    const server = http.createServer((req, res) => this.onRequest(host, req, res));
    server.keepAliveTimeout = 1000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => {
        server.off('error', reject);
        resolve({ host, address, server, port: (server.address() as AddressInfo).port });
      });
    });
  }

  get tokens(): { owner: string; contributor: string; reader: string } {
    return { owner: this.store.tokenFor('owner'), contributor: this.store.tokenFor('contributor'), reader: this.store.tokenFor('reader') };
  }

  /** The emulator's route table (what it serves). */
  get routes(): readonly Route[] {
    return ROUTES.filter((r) => this.mode === 'services' || r.onprem);
  }

  nonconforming(): RequestRecord[] {
    return this.log.filter((r) => !r.conforming);
  }

  clearLog(): void {
    this.log.length = 0;
    this.attackerLog.length = 0;
  }

  /** Counts of logged requests by route id ('(none)' for unmatched ones). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log) out[r.route ?? '(none)'] = (out[r.route ?? '(none)'] ?? 0) + 1;
    return out;
  }

  fault(spec: FaultSpec): void {
    if (spec.rateLimit) spec = { ...spec, headers: { ...rateLimitHeaders(spec.rateLimit), ...(spec.headers ?? {}) } };
    if (isLatencyOnly(spec) && !spec.latencyMs) throw new Error('emulator: a fault needs status, drop, latencyMs or another effect');
    if (spec.afterApply && !spec.status && !spec.drop) throw new Error('emulator: afterApply needs status or drop');
    if (spec.redirect && spec.status !== undefined && ![301, 302, 303, 307, 308].includes(spec.status)) throw new Error('emulator: a redirect status is 301, 302, 303, 307 or 308');
    if (spec.redirect) this.redirectTarget(spec.redirect);
    this.faults.push({ spec: JSON.parse(JSON.stringify(spec)) as FaultSpec, remaining: spec.count ?? 1, skip: spec.skip ?? 0, label: faultLabel(spec) });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The token stops working from now on (401, or 203 with the sign-in page): an identity revoked mid-run. */
  revoke(token: string): void {
    if (!this.store.setIdentity(token, 'revoked')) throw new Error(`emulator: no token '${token}'`);
  }

  /** The token's identity keeps working with another role (a role dropped mid-run: 403 naming the identity). */
  setRole(token: string, role: Role): void {
    if (!this.store.setIdentity(token, role)) throw new Error(`emulator: no token '${token}'`);
  }

  /** Adds a token (an identity) with a role and a display name. */
  addToken(token: string, role: Role, name?: string): void {
    this.store.addToken(token, role, name);
  }

  /** Adds a workload identity service connection (see `wifEnv`). */
  addServiceConnection(c: WifConnectionSeed): void {
    this.store.addServiceConnection(c);
  }

  /**
   * Workload identity federation, as the agent presents it to a task for service connection `id`:
   * the endpoint's auth parameters, SYSTEM_OIDCREQUESTURI (org host, the job's plan) and the
   * Entra authority host (`urls.entra`). `env` is the agent's environment for it.
   */
  wif(id: string, job: { planId?: string; jobId?: string; hub?: string } = {}): {
    serviceConnectionId: string; tenantId: string; clientId: string; authorityHost: string; oidcRequestUri: string; projectId: string; env: Record<string, string>;
  } {
    const c = this.store.serviceConnections.get(id.toLowerCase());
    if (!c) throw new Error(`emulator: no service connection '${id}'`);
    const planId = job.planId ?? '4c9a3d2e-1b7f-4e6a-9d85-0f2c1b3a4d5e';
    const jobId = job.jobId ?? '8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b';
    const oidcRequestUri = `${this.urls.org}/${c.projectId}/_apis/distributedtask/hubs/${job.hub ?? 'build'}/plans/${planId}/jobs/${jobId}/oidctoken`;
    const authorityHost = `${this.urls.entra}/`;
    const up = c.id; // the agent names endpoint variables with the id as the input holds it
    return {
      serviceConnectionId: c.id, tenantId: c.tenantId, clientId: c.clientId, authorityHost, oidcRequestUri, projectId: c.projectId,
      env: {
        SYSTEM_OIDCREQUESTURI: oidcRequestUri, SYSTEM_PLANID: planId, SYSTEM_JOBID: jobId, SYSTEM_HOSTTYPE: job.hub ?? 'build',
        [`ENDPOINT_URL_${up}`]: `${this.urls.org}/`,
        [`ENDPOINT_AUTH_${up}`]: JSON.stringify({ parameters: { tenantid: c.tenantId, serviceprincipalid: c.clientId }, scheme: 'WorkloadIdentityFederation' }),
        [`ENDPOINT_AUTH_SCHEME_${up}`]: 'WorkloadIdentityFederation',
        [`ENDPOINT_AUTH_PARAMETER_${up}_TENANTID`]: c.tenantId,
        [`ENDPOINT_AUTH_PARAMETER_${up}_SERVICEPRINCIPALID`]: c.clientId,
        [`ENDPOINT_DATA_${up}_ENVIRONMENTAUTHORITYURL`]: authorityHost,
      },
    };
  }

  versions(feed: string, protocol: ProtocolKey, name: string): VersionView[] {
    const f = this.store.feedByRef(feed);
    const pkg = this.store.getPackage(f, protocol, name);
    if (!pkg) return [];
    return this.store.sortedVersions(pkg).map((v) => this.store.versionView(f, v));
  }

  snapshot(): unknown {
    return { mode: this.mode, urls: { ...this.urls }, ...(this.store.snapshot() as object) };
  }

  /** Back to `fixture`, or to the fixture the emulator started with; clears the log and the faults. */
  reset(fixture?: Fixture): void {
    this.store = new Store(fixture ? cloneFixture(fixture) : this.fixture);
    this.clearLog();
    this.clearFaults();
    this.latencyMs = 0;
    this.serviceTimeMs = 0;
    this.maxPageSize = undefined;
  }

  seed(fixture: Fixture): void {
    this.store.seed(cloneFixture(fixture));
  }

  generate(opts: GenerateOptions): void {
    this.store.generate(opts);
  }

  publish(feed: string, protocol: ProtocolKey, name: string, v: VersionSeed): void {
    this.store.addVersion(this.store.feedByRef(feed), protocol, name, v);
  }

  /** Replaces the `dependencies` a version's own GET serves. */
  setDependencies(feed: string, protocol: ProtocolKey, name: string, version: string, dependencies: DependencySeed[]): void {
    const pkg = this.store.getPackage(this.store.feedByRef(feed), protocol, name);
    const v = pkg && this.store.getVersion(pkg, version);
    if (!v) throw new Error(`emulator: no ${protocol} ${name} ${version} in feed '${feed}'`);
    v.dependencies = dependencies.map((d) => ({ ...d }));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const s of this.sockets) s.destroy();
    await Promise.all(this.listeners.map((l) => new Promise<void>((r) => l.server.close(() => r()))));
    this.listeners = [];
  }

  // -------------------------------------------------------------------------------------------

  private onRequest(host: HostKey, req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.handle(host, req, res, Buffer.concat(chunks).toString('utf8')).catch((e: unknown) => {
        if (!res.headersSent) this.write(res, { status: 500, json: wrapped(`Emulator error: ${String(e)}`, 'EmulatorException', 'Vss') });
      });
    });
  }

  private async handle(host: HostKey, req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const rawSegs = url.pathname.split('/').filter((s) => s !== '');
    let segs: string[];
    try { segs = rawSegs.map((s) => decodeURIComponent(s)); } catch { segs = rawSegs; }
    const method = (req.method ?? 'GET').toUpperCase();
    const query: Record<string, string> = {};
    url.searchParams.forEach((v, k) => { query[k] = v; });
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    const contentType = headers['content-type'] ?? '';
    const body = parseBody(raw, contentType);

    // Emulator control path (standalone process): not an Azure DevOps request, not logged.
    const ctlIndex = this.mode === 'onprem' ? ONPREM_BASE.length : 0;
    if ((host === 'org' || host === 'collection') && segs[ctlIndex] === CONTROL) {
      this.control(method, segs.slice(ctlIndex + 1), query, body, res);
      return;
    }

    if (host === 'attacker') {
      this.attackerLog.push({ at: nowMs(), method, path: url.pathname, query, headers, auth: parseAuth(headers.authorization) });
      this.write(res, { status: 200, json: { ok: true } });
      return;
    }

    const rec: RequestRecord = {
      seq: ++this.seq, at: nowMs(), host, method, path: url.pathname, query, headers, body, auth: parseAuth(headers.authorization), status: 0, conforming: true,
    };
    this.log.push(rec);
    const answered = () => (rec.answeredAt ??= nowMs());
    res.once('finish', answered);
    res.once('close', answered);

    const routed = this.route(host, method, segs);
    if (routed.route) rec.route = routed.route.id;
    const { latency, shaping } = this.takeFaults(rec, raw);
    const service = !shaping && latency === 0 ? this.serviceTimeMs : 0;
    const delay = this.latencyMs + latency;
    if (delay > 0) await this.sleep(delay);
    const f = shaping?.spec;
    if (shaping) rec.fault = shaping.label;
    if (f?.identity && rec.auth) this.store.setIdentity(rec.auth.token, f.identity);
    const run = (b: unknown, r: string, as?: TokenState) => (routed.error ? this.errorReply(routed.error, rec) : this.run(routed, rec, method, query, headers, b, r, contentType, as));

    if (f) {
      const change = CHANGES.has(method);
      // Answers that never reach the service's logic.
      if (f.redirect) return this.answerRedirect(f, req.url ?? '/', rec, res);
      if (f.lie && change) {
        if (typeof f.lie === 'object' && !routed.error && Array.isArray((body as { packages?: unknown[] })?.packages)) {
          const part = { ...(body as object), packages: (body as { packages: unknown[] }).packages.slice(0, f.lie.applyFirst) };
          if (part.packages.length) run(part, JSON.stringify(part), undefined);
        }
        rec.status = f.status ?? 202;
        return this.write(res, { status: rec.status, headers: f.headers });
      }
      if (!f.afterApply && (f.drop || f.status || f.message !== undefined || f.body !== undefined || f.echoAuthorization)) return this.answerFault(f, rec, res);
      if (f.preempt && !routed.error) this.preempt(f, rec, body, run);
    }

    let reply = run(body, raw);
    if (f?.afterApply) return this.answerFault(f, rec, res);
    if (f?.omit && reply.status === 200) reply = { ...reply, json: this.omitted(reply.json, f.omit, routed.params) };
    if (f?.headers) reply = { ...reply, headers: { ...(reply.headers ?? {}), ...f.headers } };
    rec.status = reply.status;
    if (service > 0) {
      // The answer's bytes are made now, so that they count within the service time too.
      const ready = this.prepare(reply);
      const left = service - (nowMs() - rec.at);
      if (left > 0) await this.sleep(left);
      this.send(res, ready);
      return;
    }
    this.write(res, reply, f?.stallBodyMs);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      const t = setTimeout(() => { this.timers.delete(t); r(); }, ms);
      this.timers.add(t);
    });
  }

  /** Another actor makes the same change first, to some of the request's versions. */
  private preempt(f: FaultSpec, rec: RequestRecord, body: unknown, run: (b: unknown, r: string, as?: TokenState) => Reply): void {
    const other: TokenState = { token: '', role: 'owner', name: 'Another Actor', id: '00000000-0000-0000-0000-00000000a1a1' };
    const items = (body as { packages?: unknown[] } | undefined)?.packages;
    const wanted = typeof f.preempt === 'object' ? f.preempt.versions.map((v) => v.toLowerCase()) : undefined;
    if (Array.isArray(items)) {
      const pick = wanted ? items.filter((it) => wanted.includes(String((it as { version?: unknown })?.version ?? '').toLowerCase())) : items.slice(0, 1);
      if (!pick.length) return;
      const b = { ...(body as object), packages: pick };
      run(b, JSON.stringify(b), other);
    } else {
      run(body, body === undefined ? '' : JSON.stringify(body), other);
    }
    // The other actor's request is not this run's: the log keeps the run's own request as it was.
    rec.conforming = true;
    delete rec.reason;
  }

  /** A listing without some versions (an eventually consistent index, or a lie). */
  private omitted(json: unknown, omit: NonNullable<FaultSpec['omit']>, params?: Record<string, string>): unknown {
    const hides = (pkgName: string | undefined, v: Record<string, unknown>) => omit.some((o) =>
      (o.package === undefined || (pkgName ?? '').toLowerCase() === o.package.toLowerCase()) &&
      [v.version, v.normalizedVersion].some((x) => typeof x === 'string' && x.toLowerCase() === o.version.toLowerCase()));
    const pkgFilter = (p: Record<string, unknown>) => {
      if (!Array.isArray(p.versions)) return p;
      return { ...p, versions: (p.versions as Record<string, unknown>[]).filter((v) => !hides(p.name as string, v)) };
    };
    const o = json as { value?: unknown[] } & Record<string, unknown>;
    if (o && Array.isArray(o.value)) {
      if (o.value.length && Array.isArray((o.value[0] as Record<string, unknown>)?.versions)) {
        const value = (o.value as Record<string, unknown>[]).map(pkgFilter).filter((p) => (p.versions as unknown[]).length > 0);
        return { ...o, count: value.length, value };
      }
      // A versions listing: the package is the route's.
      const name = params?.packageId ? this.packageNameById(params.packageId) : undefined;
      const value = (o.value as Record<string, unknown>[]).filter((v) => !hides(name, v));
      return { ...o, count: value.length, value };
    }
    if (o && Array.isArray(o.versions)) return pkgFilter(o);
    return json;
  }

  private packageNameById(id: string): string | undefined {
    for (const f of this.store.feeds) {
      const p = f.byId.get(id.toLowerCase());
      if (p) return p.name;
    }
    return undefined;
  }

  private redirectTarget(to: string): string {
    if (to === 'blob') return this.urls.blob || 'blob';
    if (to === 'attacker') return this.urls.attacker || 'attacker';
    const u = new URL(to);
    if (!/^127\.\d+\.\d+\.\d+$|^localhost$|^\[::1\]$/.test(u.hostname)) throw new Error(`emulator: redirect targets stay on loopback, not ${u.hostname}`);
    return u.origin;
  }

  private answerRedirect(f: FaultSpec, pathAndQuery: string, rec: RequestRecord, res: http.ServerResponse): void {
    rec.status = f.status ?? 302;
    this.write(res, { status: rec.status, text: '', headers: { Location: `${this.redirectTarget(f.redirect!)}${pathAndQuery}`, ...(f.headers ?? {}) } });
  }

  private route(host: HostKey, method: string, segs: string[]): { route?: Route; params?: Record<string, string>; project?: string | null; orgOk?: boolean; error?: HttpError } {
    let rest = segs;
    let orgOk = true;
    if (host === 'entra') {
      // Entra ID: /{tenant}/oauth2/v2.0/token, no organization or collection.
    } else if (this.mode === 'onprem') {
      if (segs.length < 2 || segs[0].toLowerCase() !== 'tfs' || segs[1].toLowerCase() !== 'defaultcollection') return { error: this.noRoute('not under /tfs/DefaultCollection') };
      rest = segs.slice(2);
    } else if (host !== 'blob') {
      if (!segs.length) return { error: this.noRoute('no organization segment') };
      orgOk = segs[0].toLowerCase() === this.organization.toLowerCase();
      rest = segs.slice(1);
    }
    const candidates: { route: Route; params: Record<string, string>; project: string | null }[] = [];
    const isApi = (s: string | undefined) => !!s && ['_apis', '_packaging'].includes(s.toLowerCase());
    if (rest.length && !isApi(rest[0]) && rest.length > 1 && isApi(rest[1])) {
      for (const m of matchTemplate(rest.slice(1))) if (m.route.project) candidates.push({ ...m, project: rest[0] });
    } else {
      for (const m of matchTemplate(rest)) candidates.push({ ...m, project: null });
    }
    const served = candidates.filter((c) => this.mode === 'services' || c.route.onprem);
    if (!served.length) return { error: this.noRoute(`no route for ${method} ${'/' + segs.join('/')}`) };
    const byMethod = served.filter((c) => c.route.method === method);
    if (!byMethod.length) {
      return { error: new HttpError(405, wrapped(`The requested resource does not support http method '${method}'.`, 'HttpMethodNotAllowedException', 'Vss'), `method ${method} not allowed (route ${served[0].route.id})`) };
    }
    const onHost = this.mode === 'onprem' && host !== 'entra' ? byMethod.filter((c) => c.route.host !== 'entra') : byMethod.filter((c) => c.route.host === host);
    if (!onHost.length) {
      return { route: byMethod[0].route, error: this.noRoute(`route ${byMethod[0].route.id} is served by the ${byMethod[0].route.host} host, not the ${host} host`) };
    }
    const c = onHost[0];
    if (!orgOk) return { route: c.route, error: new HttpError(404, wrapped(`The organization '${segs[0]}' could not be found.`, 'HostNotFoundException', 'Vss')) };
    return { route: c.route, params: c.params, project: c.project, orgOk };
  }

  private noRoute(reason: string): HttpError {
    return new HttpError(404, wrapped('The controller for path was not found or does not implement IController.', 'HttpException', 'Vss'), reason);
  }

  private errorReply(e: HttpError, rec: RequestRecord): Reply {
    if (e.nonconforming) {
      rec.conforming = false;
      rec.reason = e.nonconforming;
    }
    return { status: e.status, json: e.body, headers: e.headers };
  }

  private run(routed: { route?: Route; params?: Record<string, string>; project?: string | null }, rec: RequestRecord, method: string,
    query: Record<string, string>, headers: Record<string, string | undefined>, body: unknown, raw: string, contentType: string, as?: TokenState): Reply {
    const route = routed.route!;
    try {
      // Query parameters the operation does not have: served (the service ignores them) but nonconforming.
      const allowed = new Set(route.query.map((q) => q.toLowerCase()).concat('api-version'));
      const extra = Object.keys(query).filter((k) => !allowed.has(k.toLowerCase()));
      if (extra.length) {
        rec.conforming = false;
        rec.reason = `query parameter(s) ${extra.join(', ')} not in operation ${route.id}`;
      }
      const needsAuth = route.host !== 'blob' && route.host !== 'entra' && !route.id.startsWith('location.');
      if (route.host === 'entra' && headers.authorization) {
        // Entra needs no Authorization header: one here is a token sent where it does not belong.
        rec.conforming = false;
        rec.reason = 'an Authorization header was sent to the Entra token endpoint';
      }
      let identity = null;
      if (needsAuth) {
        identity = as ?? (rec.auth ? this.store.tokens.get(rec.auth.token) ?? null : null);
        if (!identity) {
          if ((headers['x-tfs-fedauthredirect'] ?? '').toLowerCase() !== 'suppress') {
            return { status: 203, text: SIGN_IN_PAGE, headers: { 'Content-Type': 'text/html; charset=utf-8' } };
          }
          throw new HttpError(401, wrapped(`TF400813: The user '' is not authorized to access this resource.`, 'UnauthorizedRequestException', 'Vss'), undefined, {
            'WWW-Authenticate': `Bearer authorization_uri=${this.urls.org}/_signin, Basic realm="${this.urls.org}"`,
          });
        }
      }
      checkApiVersion(route, requestedApiVersion(query, headers.accept), method, this.mode);
      let project = null;
      if (routed.project) {
        project = this.store.findProject(routed.project) ?? null;
        if (!project) {
          throw new HttpError(404, wrapped(`VS800075: The project with id 'vstfs:///Classification/TeamProject/${routed.project}' does not exist, or you do not have permission to access it.`, 'ProjectDoesNotExistWithNameException', 'Vss'));
        }
      }
      const q = new Map<string, string>();
      for (const [k, v] of Object.entries(query)) q.set(k.toLowerCase(), v);
      const ctx: Ctx = {
        store: this.store, urls: this.urls, mode: this.mode, route, params: routed.params!, project, q, body, rawBody: raw, contentType, identity, now: Date.now(),
        maxPageSize: this.maxPageSize,
      };
      return (EXTRA_HANDLERS[route.id] ?? handlerFor(route.id))(ctx);
    } catch (e) {
      if (e instanceof HttpError) return this.errorReply(e, rec);
      throw e;
    }
  }

  private matches(f: ActiveFault, rec: RequestRecord, raw: string): boolean {
    const m = f.spec.match ?? {};
    if (m.method && m.method.toUpperCase() !== rec.method) return false;
    if (m.host && m.host !== rec.host) return false;
    if (m.pathIncludes && !rec.path.toLowerCase().includes(m.pathIncludes.toLowerCase())) return false;
    if (m.route && m.route !== rec.route) return false;
    if (m.bodyIncludes && !raw.includes(m.bodyIncludes)) return false;
    if (m.token && rec.auth?.token !== m.token) return false;
    if (m.query) {
      for (const [k, v] of Object.entries(m.query)) {
        const got = Object.entries(rec.query).find(([qk]) => qk.toLowerCase() === k.toLowerCase());
        if (!got || got[1] !== v) return false;
      }
    }
    return true;
  }

  /** Every latency-only fault that matches adds its delay; the first answer-shaping fault that matches shapes the answer. */
  private takeFaults(rec: RequestRecord, raw: string): { latency: number; shaping?: ActiveFault } {
    let latency = 0;
    let shaping: ActiveFault | undefined;
    for (const f of [...this.faults]) {
      const only = isLatencyOnly(f.spec);
      if (!only && shaping) continue;
      if (!this.matches(f, rec, raw)) continue;
      if (f.skip > 0) { f.skip--; continue; }
      f.remaining--;
      if (f.remaining <= 0) this.faults.splice(this.faults.indexOf(f), 1);
      if (only) latency += f.spec.latencyMs ?? 0;
      else {
        shaping = f;
        latency += f.spec.latencyMs ?? 0;
      }
    }
    return { latency, shaping };
  }

  private answerFault(spec: FaultSpec, rec: RequestRecord, res: http.ServerResponse): void {
    if (spec.drop) {
      rec.status = 0;
      res.socket?.destroy();
      return;
    }
    const status = spec.status ?? 400;
    rec.status = status;
    const auth = rec.headers.authorization ?? '';
    const fill = (t: string) => t.split('{{authorization}}').join(auth);
    const headers: Record<string, string> = {};
    if (status === 429) {
      const s = spec.retryAfterSeconds ?? 1;
      Object.assign(headers, {
        'Retry-After': String(s), 'X-RateLimit-Resource': 'ATCPU', 'X-RateLimit-Delay': String(s), 'X-RateLimit-Limit': '200',
        'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + s),
      });
    }
    if (status === 401) headers['WWW-Authenticate'] = `Bearer authorization_uri=${this.urls.org}/_signin, Basic realm="${this.urls.org}"`;
    Object.assign(headers, spec.headers ?? {});
    if (spec.body !== undefined) {
      const text = fill(typeof spec.body === 'string' ? spec.body : JSON.stringify(spec.body));
      headers['Content-Type'] = spec.contentType ?? (typeof spec.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
      return this.write(res, { status, text, headers });
    }
    let message: string;
    let typeKey: string;
    if (spec.message !== undefined || spec.echoAuthorization) {
      message = fill(spec.message ?? 'The request is not valid. Authorization: {{authorization}}');
      typeKey = spec.typeKey ?? 'InvalidArgumentValueException';
    } else {
      [message, typeKey] = defaultFault(status);
    }
    if (spec.contentType) headers['Content-Type'] = spec.contentType;
    this.write(res, { status, json: wrapped(message, typeKey, 'Vss'), headers });
  }

  private prepare(reply: Reply): { status: number; headers: Record<string, string>; payload: Buffer | string } {
    const headers: Record<string, string> = { 'X-TFS-ProcessId': '00000000-0000-0000-0000-000000000000', ...(reply.headers ?? {}) };
    let payload: Buffer | string = '';
    if (reply.bytes) payload = reply.bytes;
    else if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    } else if (reply.text !== undefined) payload = reply.text;
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    return { status: reply.status, headers, payload };
  }

  private send(res: http.ServerResponse, ready: { status: number; headers: Record<string, string>; payload: Buffer | string }): void {
    if (res.destroyed) return;
    res.writeHead(ready.status, ready.headers);
    res.end(ready.payload);
  }

  private write(res: http.ServerResponse, reply: Reply, stallBodyMs?: number): void {
    const { headers, payload } = this.prepare(reply);
    res.writeHead(reply.status, headers);
    if (!stallBodyMs) {
      res.end(payload);
      return;
    }
    // Headers now, the body much later (a server that hangs mid-answer).
    res.flushHeaders();
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!res.destroyed) res.end(payload);
    }, stallBodyMs);
    this.timers.add(t);
  }

  // -------------------------------------------------------------------------------------------
  // HTTP control path, for the standalone process: /_emulator/{faults,log,snapshot,reset,seed,publish,generate,versions}

  private control(method: string, segs: string[], query: Record<string, string>, body: unknown, res: http.ServerResponse): void {
    const what = `${method} ${segs.join('/')}`;
    const ok = (json: unknown = { ok: true }) => this.write(res, { status: 200, json });
    try {
      switch (what) {
        case 'POST faults': this.fault(body as FaultSpec); return ok();
        case 'DELETE faults': this.clearFaults(); return ok();
        case 'GET log': return ok({ count: this.log.length, value: this.log });
        case 'DELETE log': this.clearLog(); return ok();
        case 'GET nonconforming': return ok({ count: this.nonconforming().length, value: this.nonconforming() });
        case 'GET counters': return ok(this.counters());
        case 'GET snapshot': return ok(this.snapshot());
        case 'GET tokens': return ok(this.tokens);
        case 'GET urls': return ok(this.urls);
        case 'POST reset': this.reset(body as Fixture | undefined); return ok();
        case 'POST seed': this.seed(body as Fixture); return ok();
        case 'POST generate': this.generate(body as GenerateOptions); return ok();
        case 'POST publish': {
          const b = body as { feed: string; protocol: ProtocolKey; name: string } & VersionSeed;
          this.publish(b.feed, b.protocol, b.name, b);
          return ok();
        }
        case 'GET versions': return ok(this.versions(query.feed, query.protocol as ProtocolKey, query.name));
        case 'POST revoke': this.revoke((body as { token: string }).token); return ok();
        case 'POST role': this.setRole((body as { token: string }).token, (body as { role: Role }).role); return ok();
        case 'POST latency': this.latencyMs = Number((body as { ms: number }).ms) || 0; return ok();
        case 'GET attacker': return ok({ count: this.attackerLog.length, value: this.attackerLog });
        case 'DELETE attacker': this.attackerLog.length = 0; return ok();
        case 'GET wif': return ok(this.wif(query.id));
      }
      this.write(res, { status: 404, json: { error: `unknown control request ${what}` } });
    } catch (e) {
      this.write(res, { status: 400, json: { error: String(e instanceof Error ? e.message : e) } });
    }
  }
}

function rateLimitHeaders(r: NonNullable<FaultSpec['rateLimit']>): Record<string, string> {
  const h: Record<string, string> = { 'X-RateLimit-Resource': 'ATCPU' };
  if (r.delaySeconds !== undefined) h['X-RateLimit-Delay'] = String(r.delaySeconds);
  if (r.limit !== undefined) h['X-RateLimit-Limit'] = String(r.limit);
  if (r.remaining !== undefined) h['X-RateLimit-Remaining'] = String(r.remaining);
  return h;
}

function defaultFault(status: number): [string, string] {
  switch (status) {
    case 429: return ['TF400733: The request has been throttled: the identity has exceeded its usage of the service. Retry after the delay in Retry-After.', 'RequestThrottledException'];
    case 500: return ['An internal error occurred (emulated 500).', 'InternalServerErrorException'];
    case 401: return ["TF400813: The user '' is not authorized to access this resource.", 'UnauthorizedRequestException'];
    case 403: return ['Access denied (emulated 403).', 'AccessCheckException'];
    case 404: return ['The resource could not be found (emulated 404).', 'NotFoundException'];
    case 409: return ['The request conflicts with the current state of the resource (emulated 409).', 'ConflictException'];
    default: return status >= 500 ? [`The service is unavailable (emulated ${status}).`, 'ServiceUnavailableException'] : [`The request is not valid (emulated ${status}).`, 'InvalidArgumentValueException'];
  }
}

export { bad, blobSig };
