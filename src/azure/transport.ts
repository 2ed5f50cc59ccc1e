/**
 * Sending one request over node:http / node:https with the agent's network settings: its proxy
 * (CONNECT tunnels, proxy credentials, the bypass list), its certificates (CA, client
 * certificate), kept-alive sockets. No redirects are followed and nothing is retried here: the
 * retry loop in http.ts decides that.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import type * as tls from 'node:tls';

// TLS is loaded when a request first needs it: a run over plain HTTP (an emulator, a server inside
// the network) does not pay for it at start, and a run over HTTPS pays it while its first request
// is being built.
let httpsModule: typeof https | undefined;
let tlsModule: typeof tls | undefined;
const httpsLib = (): typeof https => (httpsModule ??= require('node:https') as typeof https);
const tlsLib = (): typeof tls => (tlsModule ??= require('node:tls') as typeof tls);

/** The agent's proxy setting, as azure-pipelines-task-lib's getHttpProxyConfiguration gives it. */
export interface ProxySettings {
  proxyUrl: string;
  proxyUsername?: string;
  proxyPassword?: string;
  /** Regular expressions; a URL that one of them matches (case-insensitively) goes direct. */
  proxyBypassHosts?: string[];
}

/** The agent's certificate setting, as getHttpCertConfiguration gives it. */
export interface CertSettings {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  passphrase?: string;
}

export interface NetworkOptions {
  proxy?: ProxySettings;
  cert?: CertSettings;
  /** Accept any server certificate (never by default). */
  ignoreSslError?: boolean;
}

export interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Empty where the body went to the answer's own reader (`send`'s `stream`). */
  body: Buffer;
}

/**
 * Given an answer's head, where its body goes as it arrives: a function that takes each chunk,
 * or undefined to have it collected into `Sent.body`.
 */
export type BodyStream = (status: number, headers: http.IncomingHttpHeaders) => ((chunk: Buffer) => void) | undefined;

type Kind = 'direct' | 'tunnel';

export class Transport {
  private readonly agents = new Map<string, http.Agent>();
  private readonly bypass: RegExp[];
  private tlsOptions: tls.ConnectionOptions | undefined;
  /** Requests not over yet, sent or waiting in an agent for a socket: close() ends them. */
  private readonly live = new Set<http.ClientRequest>();

  constructor(
    private readonly network: NetworkOptions,
    private readonly timeoutMs: number,
    private readonly maxSockets: number,
    private readonly userAgent: string,
  ) {
    this.bypass = (network.proxy?.proxyBypassHosts ?? []).flatMap((p) => {
      try {
        return [new RegExp(p, 'i')];
      } catch {
        return [];
      }
    });
  }

  /**
   * Sends one request and reads the whole answer (or hands its body to `stream` as it arrives);
   * rejects on a network failure or timeout, the answer's body included.
   */
  send(method: string, url: string, payload: string | undefined, headers: Record<string, string>, stream?: BodyStream): Promise<Sent> {
    const all: Record<string, string | number> = { ...headers };
    if (payload !== undefined) all['Content-Length'] = Buffer.byteLength(payload);
    const to = this.target(method, url, all);
    if (to instanceof Error) return Promise.reject(to);
    const { secure, options } = to;
    return new Promise<Sent>((resolve, reject) => {
      let settled = false;
      const finish = (error: Error | undefined, sent?: Sent) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          req.destroy();
          reject(error);
        } else {
          resolve(sent!);
        }
      };
      // One deadline for the whole exchange: connecting, the answer's head and its body.
      const timer = setTimeout(() => finish(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })), this.timeoutMs);
      const req = (secure ? httpsLib() : http).request(options, (res) => {
        const dropped = () => finish(Object.assign(new Error('connection dropped mid-answer'), { code: 'ECONNRESET' }));
        const sink = stream?.(res.statusCode ?? 0, res.headers);
        const body = new Body(sink ? 0 : Number(res.headers['content-length']));
        res.on('data', sink ?? ((c: Buffer) => body.add(c)));
        res.on('end', () => (res.complete ? finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: body.whole() }) : dropped()));
        res.on('aborted', dropped);
        res.on('error', (e) => finish(e));
        res.on('close', () => (res.complete ? undefined : dropped()));
      });
      this.track(req);
      req.on('error', (e) => finish(e));
      req.end(payload);
    });
  }

  /**
   * Sends a GET and answers as soon as the head arrives, with the body still to come as a stream
   * (downloads go to disk as they arrive). The deadline covers connecting and the head; the reader
   * of the body keeps its own watch (the stream is handed over paused).
   */
  open(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: http.IncomingMessage }> {
    const to = this.target('GET', url, headers);
    if (to instanceof Error) return Promise.reject(to);
    const { secure, options } = to;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        req.destroy();
        reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
      }, this.timeoutMs);
      const req = (secure ? httpsLib() : http).request(options, (res) => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      this.track(req);
      req.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      req.end();
    });
  }

  /** Ends every request not over yet (one waiting for a socket would otherwise go out later) and closes kept-alive sockets: a run's end. */
  close(): void {
    for (const r of this.live) r.destroy(Object.assign(new Error('the client was closed'), { code: 'ECANCELED' }));
    this.live.clear();
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  /** Where a request goes and how: its host, port, path and agent (TLS settings over HTTPS); an Error for a protocol other than HTTP(S). */
  private target(method: string, url: string, headers: Record<string, string | number>): { secure: boolean; options: https.RequestOptions } | Error {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') return new Error(`unsupported protocol ${target.protocol}`);
    const options: https.RequestOptions = {
      method,
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || (secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      headers: { 'User-Agent': this.userAgent, ...headers },
      agent: this.agent(target),
      ...(secure ? this.tls() : {}),
    };
    return { secure, options };
  }

  private track(req: http.ClientRequest): void {
    this.live.add(req);
    req.on('close', () => this.live.delete(req));
  }

  private tls(): tls.ConnectionOptions {
    if (!this.tlsOptions) {
      const cert = this.network.cert ?? {};
      const read = (file?: string) => (file && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
      const o: tls.ConnectionOptions = {};
      const ca = read(cert.caFile);
      if (ca) o.ca = [...tlsLib().rootCertificates, ca];
      const clientCert = read(cert.certFile);
      if (clientCert) o.cert = clientCert;
      const key = read(cert.keyFile);
      if (key) o.key = key;
      if (cert.passphrase) o.passphrase = cert.passphrase;
      if (this.network.ignoreSslError) o.rejectUnauthorized = false;
      this.tlsOptions = o;
    }
    return this.tlsOptions;
  }

  private proxyFor(target: URL): URL | undefined {
    const configured = this.network.proxy?.proxyUrl;
    const fromEnv = target.protocol === 'https:' ? process.env['HTTPS_PROXY'] ?? process.env['HTTP_PROXY'] : process.env['HTTP_PROXY'];
    const setting = configured || (this.network.proxy ? undefined : fromEnv);
    if (!setting) return undefined;
    let proxy: URL;
    try {
      proxy = new URL(setting);
    } catch {
      return undefined;
    }
    if (this.bypass.some((r) => r.test(target.href))) return undefined;
    if (!configured && noProxy(target.hostname)) return undefined;
    return proxy;
  }

  private agent(target: URL): http.Agent {
    const proxy = this.proxyFor(target);
    const kind: Kind = proxy ? 'tunnel' : 'direct';
    const key = `${kind} ${target.protocol} ${proxy?.href ?? ''}`;
    let agent: http.Agent | undefined = this.agents.get(key);
    if (!agent) {
      const options = { keepAlive: true, maxSockets: this.maxSockets, ...(target.protocol === 'https:' ? this.tls() : {}) };
      if (!proxy) agent = target.protocol === 'https:' ? new (httpsLib().Agent)(options) : new http.Agent(options);
      else agent = target.protocol === 'https:' ? new (tunnelHttpsAgent())(options, this.tunnel(proxy)) : new TunnelHttpAgent(options, this.tunnel(proxy));
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Opens a socket to host:port through the proxy with CONNECT. */
  private tunnel(proxy: URL): Tunnel {
    const settings = this.network.proxy;
    const user = settings?.proxyUsername ?? decodeURIComponent(proxy.username);
    const password = settings?.proxyPassword ?? decodeURIComponent(proxy.password);
    const auth = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined;
    const secure = proxy.protocol === 'https:';
    const host = proxy.hostname.replace(/^\[|\]$/g, '');
    const port = Number(proxy.port) || (secure ? 443 : 80);
    return (to, done) => {
      const socket: net.Socket = secure ? tlsLib().connect({ host, port, servername: net.isIP(host) ? undefined : host, ...this.tls() }) : net.connect(port, host);
      let head = '';
      const fail = (e: Error) => {
        socket.destroy();
        done(e);
      };
      socket.setTimeout(this.timeoutMs, () => fail(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      socket.once('error', fail);
      socket.once(secure ? 'secureConnect' : 'connect', () => {
        const lines = [`CONNECT ${to} HTTP/1.1`, `Host: ${to}`];
        if (auth) lines.push(`Proxy-Authorization: ${auth}`);
        socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      });
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 16_384) fail(new Error('the proxy answered CONNECT with an oversized head'));
          return;
        }
        socket.off('data', onData);
        socket.off('error', fail);
        socket.setTimeout(0);
        const status = Number(/^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head)?.[1] ?? 0);
        if (status !== 200) return fail(Object.assign(new Error(`the proxy refused the tunnel (${status || 'no status'})`), { code: 'EPROXY' }));
        // Anything the proxy sent after its head belongs to the tunnel.
        const rest = Buffer.from(head.slice(end + 4), 'latin1');
        if (rest.length) socket.unshift(rest);
        done(null, socket);
      };
      socket.on('data', onData);
    };
  }
}

type Tunnel = (to: string, done: (e: Error | null, socket?: net.Socket) => void) => void;
type Created = ((e: Error | null, socket: Duplex) => void) | undefined;

class TunnelHttpAgent extends http.Agent {
  constructor(options: http.AgentOptions, private readonly open: Tunnel) {
    super(options);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: Created): Duplex | null | undefined {
    this.open(`${options.host}:${options.port}`, (e, socket) => callback?.(e, socket as Duplex));
    return undefined;
  }
}

/** The HTTPS agent that opens its sockets through a CONNECT tunnel, defined once TLS is loaded. */
type TunnelHttpsAgentClass = new (options: https.AgentOptions, open: Tunnel) => https.Agent;
let tunnelHttpsAgentClass: TunnelHttpsAgentClass | undefined;

function tunnelHttpsAgent(): TunnelHttpsAgentClass {
  tunnelHttpsAgentClass ??= class TunnelHttpsAgent extends httpsLib().Agent {
    constructor(options: https.AgentOptions, private readonly open: Tunnel) {
      super(options);
    }

    override createConnection(options: https.RequestOptions, callback?: Created): Duplex | null | undefined {
      this.open(`${options.host}:${options.port}`, (e, socket) => {
        if (e || !socket) return callback?.(e ?? new Error('no tunnel'), socket as unknown as Duplex);
        const host = options.host ?? '';
        const secured = tlsLib().connect({ ...(options as tls.ConnectionOptions), socket, servername: options.servername ?? (net.isIP(host) ? undefined : host) });
        callback?.(null, secured);
      });
      return undefined;
    }
  };
  return tunnelHttpsAgentClass;
}

/** NO_PROXY for the environment fallback: host names or domain suffixes, `*` for all. */
function noProxy(host: string): boolean {
  const list = (process.env['NO_PROXY'] ?? process.env['no_proxy'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const h = host.toLowerCase();
  return list.some((entry) => entry === '*' || h === entry.replace(/^\./, '') || h.endsWith(entry.startsWith('.') ? entry : `.${entry}`));
}

/**
 * An answer's bytes as they arrive. Where the server said how many, they go straight into one
 * buffer of that size, so a page of megabytes is not held twice (as chunks and again joined).
 */
class Body {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer | undefined;
  private length = 0;

  constructor(expected: number) {
    // A length that is not a sane number is not trusted: the chunks are joined at the end instead.
    // A big announcement gets no buffer ahead of its bytes: an error answer or a proxy could claim anything.
    if (Number.isSafeInteger(expected) && expected > 0 && expected <= 8 * 1024 * 1024) this.buffer = Buffer.allocUnsafe(expected);
  }

  add(chunk: Buffer): void {
    if (this.buffer && this.length + chunk.length <= this.buffer.length) chunk.copy(this.buffer, this.length);
    else {
      // More than announced: keep what came so far as a chunk and go on collecting.
      if (this.buffer) this.chunks.push(this.buffer.subarray(0, this.length));
      this.buffer = undefined;
      this.chunks.push(chunk);
    }
    this.length += chunk.length;
  }

  whole(): Buffer {
    if (this.buffer) return this.buffer.subarray(0, this.length);
    return Buffer.concat(this.chunks, this.length);
  }
}
