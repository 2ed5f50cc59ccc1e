// The emulator's HTTP side: listeners, routing, identity, api-version checks, faults, the request log,
// and the programmatic API that tests use.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchTemplate, Route, ROUTES } from './routes';
import { bad, blobSig, Ctx, handlerFor, HttpError, Reply, Urls } from './handlers';
import { Store } from './store';
import { demoFixture } from './demo-data';
import type { FaultSpec, Fixture, GenerateOptions, HostKey, ProtocolKey, RequestRecord, StartOptions, VersionSeed, VersionView } from './types';
import { wrapped } from './util';

const ONPREM_BASE = ['tfs', 'DefaultCollection'];
const CONTROL = '_emulator';

interface Listener { host: HostKey; address: string; server: http.Server; port: number }
interface ActiveFault { spec: FaultSpec; remaining: number; label: string }

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
  readonly urls: Urls = { org: '', feeds: '', pkgs: '', blob: '', collection: '' };
  readonly log: RequestRecord[] = [];
  /** Start-up time in milliseconds (listeners bound and data seeded). */
  startupMs = 0;

  private store: Store;
  private fixture: Fixture;
  private listeners: Listener[] = [];
  private faults: ActiveFault[] = [];
  private seq = 0;
  private sockets = new Set<import('node:net').Socket>();

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
  }

  /** Counts of logged requests by route id ('(none)' for unmatched ones). */
  counters(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.log) out[r.route ?? '(none)'] = (out[r.route ?? '(none)'] ?? 0) + 1;
    return out;
  }

  fault(spec: FaultSpec): void {
    if (!spec.status && !spec.drop && !spec.latencyMs) throw new Error('emulator: a fault needs status, drop or latencyMs');
    const label = spec.drop ? 'drop' : spec.status ? String(spec.status) : 'latency';
    this.faults.push({ spec: { ...spec }, remaining: spec.count ?? 1, label: `${label}${spec.afterApply ? ' after apply' : ''}` });
  }

  clearFaults(): void {
    this.faults.length = 0;
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

  async stop(): Promise<void> {
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

    const rec: RequestRecord = {
      seq: ++this.seq, host, method, path: url.pathname, query, headers, body, auth: parseAuth(headers.authorization), status: 0, conforming: true,
    };
    this.log.push(rec);

    const routed = this.route(host, method, segs);
    if (routed.route) rec.route = routed.route.id;
    const fault = this.takeFault(rec);
    if (fault?.spec.latencyMs) await new Promise((r) => setTimeout(r, fault.spec.latencyMs));
    if (fault && (fault.spec.status || fault.spec.drop)) {
      rec.fault = fault.label;
      if (!fault.spec.afterApply) return this.answerFault(fault.spec, rec, res);
    }

    let reply: Reply;
    if (routed.error) {
      reply = this.errorReply(routed.error, rec);
    } else {
      reply = this.run(routed, rec, req.method ?? 'GET', query, headers, body, raw, contentType);
    }
    if (fault && fault.spec.afterApply && (fault.spec.status || fault.spec.drop)) return this.answerFault(fault.spec, rec, res);
    rec.status = reply.status;
    this.write(res, reply);
  }

  private route(host: HostKey, method: string, segs: string[]): { route?: Route; params?: Record<string, string>; project?: string | null; orgOk?: boolean; error?: HttpError } {
    let rest = segs;
    let orgOk = true;
    if (this.mode === 'onprem') {
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
    const onHost = this.mode === 'onprem' ? byMethod : byMethod.filter((c) => c.route.host === host);
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
    query: Record<string, string>, headers: Record<string, string | undefined>, body: unknown, raw: string, contentType: string): Reply {
    const route = routed.route!;
    try {
      // Query parameters the operation does not have: served (the service ignores them) but nonconforming.
      const allowed = new Set(route.query.map((q) => q.toLowerCase()).concat('api-version'));
      const extra = Object.keys(query).filter((k) => !allowed.has(k.toLowerCase()));
      if (extra.length) {
        rec.conforming = false;
        rec.reason = `query parameter(s) ${extra.join(', ')} not in operation ${route.id}`;
      }
      const needsAuth = route.host !== 'blob' && !route.id.startsWith('location.');
      let identity = null;
      if (needsAuth) {
        identity = rec.auth ? this.store.tokens.get(rec.auth.token) ?? null : null;
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
      };
      return handlerFor(route.id)(ctx);
    } catch (e) {
      if (e instanceof HttpError) return this.errorReply(e, rec);
      throw e;
    }
  }

  private takeFault(rec: RequestRecord): ActiveFault | undefined {
    for (const f of this.faults) {
      const m = f.spec.match ?? {};
      if (m.method && m.method.toUpperCase() !== rec.method) continue;
      if (m.host && m.host !== rec.host) continue;
      if (m.pathIncludes && !rec.path.toLowerCase().includes(m.pathIncludes.toLowerCase())) continue;
      if (m.route && m.route !== rec.route) continue;
      f.remaining--;
      if (f.remaining <= 0) this.faults.splice(this.faults.indexOf(f), 1);
      return f;
    }
    return undefined;
  }

  private answerFault(spec: FaultSpec, rec: RequestRecord, res: http.ServerResponse): void {
    if (spec.drop) {
      rec.status = 0;
      res.socket?.destroy();
      return;
    }
    const status = spec.status!;
    rec.status = status;
    const headers: Record<string, string> = {};
    let message = `The service is unavailable (emulated ${status}).`;
    let typeKey = 'ServiceUnavailableException';
    if (status === 429) {
      const s = spec.retryAfterSeconds ?? 1;
      Object.assign(headers, {
        'Retry-After': String(s), 'X-RateLimit-Resource': 'ATCPU', 'X-RateLimit-Delay': String(s), 'X-RateLimit-Limit': '200',
        'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + s),
      });
      message = 'TF400733: The request has been throttled: the identity has exceeded its usage of the service. Retry after the delay in Retry-After.';
      typeKey = 'RequestThrottledException';
    } else if (status === 500) {
      typeKey = 'InternalServerErrorException';
      message = 'An internal error occurred (emulated 500).';
    }
    this.write(res, { status, json: wrapped(message, typeKey, 'Vss'), headers });
  }

  private write(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { 'X-TFS-ProcessId': '00000000-0000-0000-0000-000000000000', ...(reply.headers ?? {}) };
    let payload: Buffer | string = '';
    if (reply.bytes) payload = reply.bytes;
    else if (reply.json !== undefined) {
      payload = JSON.stringify(reply.json);
      headers['Content-Type'] ??= 'application/json; charset=utf-8';
    } else if (reply.text !== undefined) payload = reply.text;
    headers['Content-Length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
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
      }
      this.write(res, { status: 404, json: { error: `unknown control request ${what}` } });
    } catch (e) {
      this.write(res, { status: 400, json: { error: String(e instanceof Error ? e.message : e) } });
    }
  }
}

export { bad, blobSig };
