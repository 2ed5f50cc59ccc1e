/**
 * The one place the task talks HTTP: typed-rest-client's HttpClient carries each request (the
 * agent's proxy and bypass list, its certificates, kept-alive sockets, the user agent); the policy
 * around it is ours, because the library's own would hand the token on and give up too early:
 * - its redirects and credential handlers are off: the token is set here on each request, only for
 *   the collection and the hosts the location service named, and no redirect is followed;
 * - its retries are off (it retries only 502/503/504 on idempotent verbs, never a 429, and ignores
 *   Retry-After): the one retry loop below honours Retry-After, shares the 2-minute budget among
 *   429s, caps other transient failures at 5 attempts, and never resends a change whose answer was
 *   lost (the engine reads back first);
 * - while the service announces that it is delaying this client (X-RateLimit-*), one request at a time.
 * Server text loses every credential before it goes anywhere, and only FailureErrors are thrown.
 */
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { HttpClient, HttpClientResponse } from 'typed-rest-client/HttpClient';
import { obtainContentCharset } from 'typed-rest-client/Util';
import type { IProxyConfiguration, IRequestOptions } from 'typed-rest-client/Interfaces';
import { fail, failureForStatus, withoutQuery } from './errors';
import type { Failure, FailureError } from '../engine/failures';
import { hideSecret, Redactor, tokenForms } from '../engine/secrets';

type IHeaders = Record<string, string>;

/**
 * The agent's proxy and certificate settings, as azure-pipelines-task-lib's
 * getHttpProxyConfiguration and getHttpCertConfiguration give them. Without a proxy, the
 * environment's HTTPS_PROXY / HTTP_PROXY / NO_PROXY apply (see environmentProxy).
 */
export type NetworkOptions = Pick<IRequestOptions, 'proxy' | 'cert'>;

/**
 * The environment's proxy for a scheme, chosen as typed-rest-client chooses it (HTTPS_PROXY for
 * https, else HTTP_PROXY; the lower-case names too), with what typed-rest-client would get wrong
 * done as users mean it: NO_PROXY entries are host names (`example.com` and `.example.com` take its
 * subdomains too, `host:port` one port, `*` every host), not regular expressions tried anywhere in
 * the URL; and the proxy URL's own `user:password@` is sent as the proxy's credentials.
 */
export function environmentProxy(env: NodeJS.ProcessEnv, scheme: string): IProxyConfiguration | undefined {
  const read = (name: string) => env[name] || env[name.toLowerCase()] || '';
  const url = (scheme === 'https:' && read('HTTPS_PROXY')) || read('HTTP_PROXY');
  if (!url) return undefined;
  const bypass = read('NO_PROXY').split(/[,\s]+/).filter(Boolean);
  if (bypass.includes('*')) return undefined;
  let proxy: URL;
  try {
    proxy = new URL(url.includes('://') ? url : `http://${url}`);
  } catch {
    return undefined;
  }
  const username = decodeURIComponent(proxy.username);
  const password = decodeURIComponent(proxy.password);
  proxy.username = '';
  proxy.password = '';
  return {
    proxyUrl: proxy.toString(),
    ...(username || password ? { proxyUsername: username, proxyPassword: password } : {}),
    // typed-rest-client tries each as a regular expression on the whole URL.
    proxyBypassHosts: bypass.map(bypassPattern),
  };
}

/** A NO_PROXY entry as a regular expression on a URL: its host (and port, where given) and nothing else. */
function bypassPattern(entry: string): string {
  const m = /^(?:\*?\.)?(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(entry.includes('::') && !entry.startsWith('[') ? `[${entry}]` : entry);
  const host = (m?.[1] ?? entry).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const port = m?.[2] ? `:${m[2]}` : '(?::\\d+)?';
  return `^[a-z][a-z0-9+.-]*://(?:[^/?#@]*@)?(?:[^/?#@]*\\.)?${host}${port}(?:[/?#]|$)`;
}

/** How credentials are presented: the pipeline's OAuth token as Bearer, a personal access token as Basic. */
export interface Credential {
  kind: 'bearer' | 'pat';
  token: string;
}

/** The forms of the credential to register as secrets with the agent (raw, Basic base64, URL-encoded). */
export function secretForms(credential: Credential): string[] {
  return tokenForms(credential.token);
}

export interface RetryPolicy {
  /** Attempts per request for transient failures other than 429, the first included. */
  maxAttempts: number;
  /** First back-off pause; doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** Longest back-off pause (Retry-After is waited as asked, within maxTotalWaitMs). */
  maxDelayMs: number;
  /** Longest total time one request may spend waiting to retry, 429s included. */
  maxTotalWaitMs: number;
}

export interface HttpOptions {
  credential: Credential;
  /**
   * Per-attempt socket timeout: nothing arriving within it (before or during the answer) is a
   * transient failure. An answer's body that keeps trickling in may take five times as long.
   */
  timeoutMs: number;
  retry: RetryPolicy;
  /** The agent's proxy and certificate settings. */
  requestOptions?: NetworkOptions;
  userAgent?: string;
  /** Requests in flight at once, and sockets kept alive per host: enough for every batch in flight. */
  maxSockets?: number;
  /** A pause; it may end early when `signal` aborts (the client closed). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  debug?: (line: string) => void;
  /** Told once, the first time an answer says the service is delaying this client: from then on, while answers say so, one request at a time. */
  slowingDown?: () => void;
}

export interface Call {
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE' | 'OPTIONS';
  url: string;
  /** Added as the `api-version` query parameter; none for the location service's route table. */
  apiVersion?: string;
  body?: unknown;
  /**
   * Requests that change something are not blindly resent after a lost answer: a 429 is retried
   * (the service refused before doing anything), anything else transient is a `lostAnswer`
   * failure, so that the caller can read back before sending again.
   */
  changes?: boolean;
  /** Answer 3xx to the caller instead of failing (content downloads). Redirects are never followed. */
  manualRedirect?: boolean;
  /** Extra headers; an Authorization given here is sent as given, to any origin. */
  headers?: Record<string, string>;
}

export interface Answer<T = unknown> {
  status: number;
  body: T | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export const transientStatuses = new Set([429, 500, 502, 503, 504]);

export const defaultRetry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 };

/** How much server text a failure keeps. */
const detailLimit = 500;

/** TLS failures that mean the server's certificate is not trusted here: not a busy service, not retried. */
const certificateCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_REVOKED',
  'CERT_SIGNATURE_FAILURE', 'UNABLE_TO_DECRYPT_CERT_SIGNATURE', 'INVALID_CA', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
]);

/**
 * Connection failures that are not a busy service: a name that does not resolve (EAI_AGAIN, a
 * resolver that did not answer in time, is transient), a refused connection (nothing listens
 * there: a wrong host or port far more often than a restart, and a run a minute later is cheap),
 * an untrusted certificate. None is retried.
 */
function unreachable(code: unknown): Extract<Failure, { kind: 'unreachable' }>['reason'] | undefined {
  if (code === 'ENOTFOUND') return 'unknownHost';
  if (code === 'ECONNREFUSED') return 'refused';
  if (typeof code === 'string' && certificateCodes.has(code)) return 'certificate';
  return undefined;
}

interface Raw {
  status: number;
  headers: Answer['headers'];
  body: string;
}

export class AzureHttp {
  /** One HttpClient per scheme: typed-rest-client keeps one kept-alive agent per client, for the scheme it first saw. */
  private readonly clients = new Map<string, HttpClient>();
  private readonly trusted = new Set<string>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly redactor: Redactor;
  private readonly maxInFlight: number;
  /** Nothing is sent before this time: a 429's Retry-After applies to every request of this client. */
  private notBefore = 0;
  /** Requests sent and not answered yet, and those waiting for their turn. */
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** The latest answer said the service is delaying this client: one request at a time. */
  private slowed = false;
  private toldSlowing = false;
  /** Set by close(): nothing more is sent, and pauses under way end. */
  private closed = false;
  private readonly stopping = new AbortController();
  /** Counts for the report and the benchmarks. */
  readonly stats = { requests: 0, retries: 0, waitedMs: 0 };

  constructor(private readonly options: HttpOptions) {
    this.sleep = options.sleep ?? sleepFor;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.maxInFlight = Math.max(1, options.maxSockets ?? 16);
    this.redactor = new Redactor([options.credential.token]);
    // Whatever a server does with it, the token is removed from everything written out.
    hideSecret(options.credential.token);
  }

  /** Allows the token to be sent to this URL's origin. */
  trust(url: string): void {
    this.trusted.add(new URL(url).origin.toLowerCase());
  }

  isTrusted(url: string): boolean {
    return this.trusted.has(new URL(url).origin.toLowerCase());
  }

  /** Removes every credential this client knows of (and any Basic / Bearer credential) from text. */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** An Azure DevOps API call: JSON in, JSON out, the token where the origin is trusted. */
  async json<T>(call: Call): Promise<Answer<T>> {
    const url = call.apiVersion ? withApiVersion(call.url, call.apiVersion) : call.url;
    const headers: IHeaders = { Accept: 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' };
    if (this.isTrusted(url)) headers['Authorization'] = authorization(this.options.credential);
    const extra = this.extraHeaders(call.headers);
    Object.assign(headers, extra);
    const tokenSent = headers['Authorization'] !== undefined;
    let payload: string | undefined;
    if (call.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(call.body);
    }
    const raw = await this.retrying(call.method, url, call.changes === true, () => this.exchange(call.method, url, payload, headers));
    // Any 2xx to a change is success, whatever its body: no answer body is needed, so none is judged.
    if (call.changes && raw.status >= 200 && raw.status < 300 && raw.status !== 203) return { status: raw.status, body: undefined, headers: raw.headers };
    return this.finish<T>(call.method, url, raw, tokenSent, call.manualRedirect === true);
  }

  /**
   * A form POST (OAuth token endpoints): no Azure DevOps token unless `headers` carries one; the
   * same retries; the answer parsed as JSON.
   */
  async postForm<T = unknown>(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<T> {
    const h: IHeaders = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', ...this.extraHeaders(headers) };
    const payload = new URLSearchParams(fields).toString();
    const raw = await this.retrying('POST', url, false, () => this.exchange('POST', url, payload, h));
    return this.finish<T>('POST', url, raw, h['Authorization'] !== undefined, false).body as T;
  }

  /**
   * Downloads from a URL that is not an Azure DevOps API (blob storage), never with the token: the
   * answer's head is retried like any request; its body is handed over as it arrives, so a file
   * goes to disk without being held in memory. A body cut off midway, or stalled for as long as a
   * request may take (the socket timeout), fails as transient.
   */
  async download(url: string): Promise<AsyncIterable<Uint8Array>> {
    const { body, stalled } = await this.retrying('GET', url, false, async (): Promise<{ body: IncomingMessage; stalled: () => boolean }> => {
      const res = await this.send('GET', url, undefined, {});
      const status = res.message.statusCode ?? 0;
      if (status >= 200 && status < 300) return { body: res.message, stalled: stallOf(res.message) };
      const raw = await this.read(res, 'GET', url);
      throw transientStatuses.has(raw.status) ? this.retryFor(raw) : this.statusFailure('GET', url, raw);
    });
    const networkDetail = (e: unknown) => this.networkDetail(stalled() ? timedOut : e);
    return (async function* () {
      try {
        for await (const chunk of body) yield chunk as Uint8Array;
      } catch (e) {
        throw fail({ kind: 'transient', method: 'GET', url: withoutQuery(url), attempts: 1, detail: `the download broke off: ${networkDetail(e)}` });
      }
      if (!body.complete) throw fail({ kind: 'transient', method: 'GET', url: withoutQuery(url), attempts: 1, detail: 'the download broke off' });
    })();
  }

  /** Headers given by a caller: an Authorization among them is a secret too. */
  private extraHeaders(headers: Record<string, string> | undefined): IHeaders {
    const out: IHeaders = {};
    for (const [k, v] of Object.entries(headers ?? {})) {
      const name = k.toLowerCase() === 'authorization' ? 'Authorization' : k;
      if (name === 'Authorization') {
        const secret = v.replace(/^\S+\s+/, '');
        this.redactor.add(secret);
        hideSecret(secret);
      }
      out[name] = v;
    }
    return out;
  }

  /** One attempt, its answer read whole: the answer (any status but a transient one), or Retry. */
  private async exchange(method: string, url: string, payload: string | undefined, headers: IHeaders): Promise<Raw> {
    const raw = await this.read(await this.send(method, url, payload, headers), method, url);
    if (!transientStatuses.has(raw.status)) return raw;
    throw this.retryFor(raw);
  }

  /** Sends one request; resolves with the answer's head, its body still to come. */
  private async send(method: string, url: string, payload: string | undefined, headers: IHeaders): Promise<HttpClientResponse> {
    const scheme = new URL(url).protocol;
    if (scheme !== 'https:' && scheme !== 'http:') throw fail({ kind: 'refused', status: 0, method, url: withoutQuery(url), detail: `unsupported protocol ${scheme}` });
    let client = this.clients.get(scheme);
    if (!client) {
      const network = this.options.requestOptions ?? {};
      const proxy = network.proxy ?? environmentProxy(process.env, scheme);
      client = new HttpClient(this.options.userAgent ?? 'PackageLifecycle', [], {
        allowRedirects: false,
        allowRetries: false,
        keepAlive: true,
        maxSockets: this.maxInFlight,
        socketTimeout: this.options.timeoutMs,
        ...(proxy ? { proxy } : {}),
        ...(network.cert ? { cert: network.cert } : {}),
      });
      this.clients.set(scheme, client);
    }
    let res: HttpClientResponse;
    try {
      this.stats.requests++;
      // No body: nothing at all, as typed-rest-client's own get/options send.
      res = await client.request(method, url, payload ?? (null as unknown as string), headers);
    } catch (e) {
      throw this.networkFailure(e, method, url);
    }
    this.observe(res.message.headers);
    return res;
  }

  /**
   * The answer's body as text, gzip decoded, in its charset; a connection that drops or stalls
   * midway is a lost answer, and so is a gzip body that does not decode (cut short, most often).
   * Not typed-rest-client's readBody: a gzip body that does not decode leaves its promise unsettled
   * and its rejection unhandled, which ends the process.
   */
  private async read(res: HttpClientResponse, method: string, url: string): Promise<Raw> {
    const stalled = stallOf(res.message);
    const chunks: Buffer[] = [];
    // A byte now and then keeps the socket timeout from firing: the body as a whole has a limit too.
    const limit = this.options.timeoutMs * 5;
    const tooSlow = setTimeout(() => res.message.destroy(new Error(`the answer did not arrive whole within ${seconds(limit)} s`)), limit);
    try {
      for await (const chunk of res.message) chunks.push(chunk as Buffer);
    } catch (e) {
      throw this.networkFailure(stalled() ? timedOut : e, method, url);
    } finally {
      clearTimeout(tooSlow);
    }
    let bytes = Buffer.concat(chunks);
    if (/\bgzip\b/i.test(String(res.message.headers['content-encoding'] ?? ''))) {
      try {
        bytes = await gunzip(bytes);
      } catch (e) {
        throw new Retry(`the answer's gzip body could not be read: ${(e as Error).message}`, true);
      }
    }
    return { status: res.message.statusCode ?? 0, headers: res.message.headers, body: bytes.toString(obtainContentCharset(res)) };
  }

  /**
   * The rate-limit headers of an answer: `X-RateLimit-Delay` (the service is delaying this caller)
   * or fewer than a tenth of `X-RateLimit-Limit` left: one request at a time until an answer says
   * otherwise.
   */
  private observe(headers: Answer['headers']): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    const limit = Number(headers['x-ratelimit-limit']);
    const near = headers['x-ratelimit-delay'] !== undefined
      || (headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining) && Number.isFinite(limit) && limit > 0 && remaining < limit / 10);
    if (near && !this.toldSlowing) {
      this.toldSlowing = true;
      this.options.slowingDown?.();
    }
    if (near !== this.slowed) this.debug(near ? 'the service announces it is delaying this client: one request at a time' : 'the service no longer announces delays');
    this.slowed = near;
  }

  /** Waits until another request may be sent: up to maxSockets at once, one while the service is delaying this client. */
  private async turn(): Promise<void> {
    while (!this.closed && this.inFlight >= (this.slowed ? 1 : this.maxInFlight)) await new Promise<void>((wake) => this.waiting.push(wake));
    this.inFlight++;
  }

  private turnOver(): void {
    this.inFlight--;
    for (const wake of this.waiting.splice(0)) wake();
  }

  /** Another try for an answer with a transient status: after Retry-After where it says; a 429 was not applied. */
  private retryFor(raw: Raw): Retry {
    const detail = this.detailOf(raw);
    return new Retry(`${raw.status}${detail ? ` ${detail}` : ''}`, raw.status !== 429, raw.status, retryAfter(raw.headers['retry-after'], this.now()));
  }

  /**
   * Closes kept-alive sockets and ends the client: a request still running fails instead of being
   * retried, and one still waiting for its turn is never sent.
   */
  close(): void {
    this.closed = true;
    this.stopping.abort();
    for (const wake of this.waiting.splice(0)) wake();
    for (const c of this.clients.values()) c.dispose();
  }

  /**
   * The one retry loop: runs `attempt` until it returns, throws something other than Retry, or the
   * attempts (429s aside) or the waiting budget run out.
   */
  private async retrying<T>(method: string, url: string, changes: boolean, attempt: () => Promise<T>): Promise<T> {
    const { maxAttempts, maxTotalWaitMs } = this.options.retry;
    let waited = 0;
    for (let n = 1; ; n++) {
      waited += await this.waitYourTurn(method, url, n - 1, maxTotalWaitMs - waited);
      let retry: Retry;
      await this.turn();
      try {
        if (this.closed) throw this.exhausted(method, url, n - 1, 'the client was closed: the run is over');
        return await attempt();
      } catch (e) {
        if (!(e instanceof Retry)) throw e;
        retry = e;
      } finally {
        this.turnOver();
      }
      if (this.closed) throw this.exhausted(method, url, n, 'the client was closed: the run is over');
      // A change whose answer was lost may have been applied: the caller reads back first.
      if (changes && retry.maybeApplied) throw fail({ kind: 'lostAnswer', method, url: withoutQuery(url), detail: retry.detail });
      const pause = this.pause(n, retry);
      if (retry.status === 429) this.notBefore = Math.max(this.notBefore, this.now() + pause);
      if (retry.status !== 429 && n >= maxAttempts) throw this.exhausted(method, url, n, retry.detail, retry.retryAfterMs);
      if (waited + pause > maxTotalWaitMs) {
        const left = Math.max(0, maxTotalWaitMs - waited);
        const why = retry.retryAfterMs
          ? `the service asked to wait ${seconds(retry.retryAfterMs)} s, more than the ${seconds(left)} s left of the ${seconds(maxTotalWaitMs)} s waiting budget`
          : `the ${seconds(maxTotalWaitMs)} s waiting budget is used up`;
        throw this.exhausted(method, url, n, `${retry.detail}; ${why}`, retry.retryAfterMs);
      }
      this.debug(`retry ${n} of ${method} ${withoutQuery(url)} in ${pause} ms: ${retry.detail}`);
      this.stats.retries++;
      this.stats.waitedMs += pause;
      waited += pause;
      await this.sleep(pause, this.stopping.signal);
    }
  }
  /** Waits while the service has told this client to hold back; returns how long it waited. */
  private async waitYourTurn(method: string, url: string, attempts: number, left: number): Promise<number> {
    const wait = this.notBefore - this.now();
    if (wait <= 0) return 0;
    if (wait > left) {
      throw this.exhausted(method, url, attempts, `the service asked this client to wait ${seconds(wait)} s (429, Retry-After), more than the ${seconds(Math.max(0, left))} s left of the waiting budget`, wait);
    }
    this.debug(`${method} ${withoutQuery(url)} waits ${wait} ms: the service asked to hold back`);
    this.stats.waitedMs += wait;
    await this.sleep(wait, this.stopping.signal);
    return wait;
  }

  private exhausted(method: string, url: string, attempts: number, detail: string, retryAfterMs?: number) {
    return fail({ kind: 'transient', method, url: withoutQuery(url), attempts, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }

  /** Exactly what Retry-After asks (never resend early; the budget decides), else jittered back-off. */
  private pause(attempt: number, retry: Retry): number {
    if (retry.retryAfterMs !== undefined && retry.retryAfterMs > 0) return retry.retryAfterMs;
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt - 1, 30));
    return Math.round(backoff / 2 + (this.random() * backoff) / 2);
  }

  private finish<T>(method: string, url: string, raw: Raw, tokenSent: boolean, manualRedirect: boolean): Answer<T> {
    const { status, headers } = raw;
    if (status >= 300 && status < 400 && manualRedirect) return { status, body: undefined, headers };
    if (status === 203) throw fail(failureForStatus(203, method, url, 'a sign-in page instead of the API'));
    if (status < 200 || status >= 300) throw this.statusFailure(method, url, raw);
    if (!raw.body.length) return { status, body: undefined, headers };
    // Not JSON where the API answers JSON: after sending a token, a sign-in page (the credentials
    // did not get through); without one, some other server's answer.
    const notApi = (what: string) => fail(tokenSent
      ? { kind: 'authentication', status, method, url: withoutQuery(url), detail: what }
      : { kind: 'refused', status, method, url: withoutQuery(url), detail: what });
    const type = String(headers['content-type'] ?? '');
    if (!/json/i.test(type)) throw notApi(`the answer was ${type || 'not JSON'}, not the API's JSON`);
    try {
      return { status, body: JSON.parse(withoutBom(raw.body)) as T, headers };
    } catch {
      throw notApi('the answer was not JSON');
    }
  }

  private statusFailure(method: string, url: string, raw: Raw) {
    const message = this.detailOf(raw);
    return fail(failureForStatus(raw.status, method, url, message, raw.status === 403 ? identityIn(message) : undefined));
  }

  /** The server's message (JSON `message`, OAuth `error_description`, else the text), credentials removed, cut short. */
  private detailOf(raw: Raw): string {
    const text = withoutBom(raw.body);
    let message = text;
    try {
      const parsed = JSON.parse(text) as { message?: unknown; error_description?: unknown; error?: unknown };
      const m = parsed.message ?? parsed.error_description ?? parsed.error;
      message = typeof m === 'string' ? m : '';
    } catch {
      // Not JSON: the text itself, shortened below.
    }
    return cut(this.redact(message.trim()));
  }

  /**
   * What a failed connection means: a host that cannot be reached (named, not retried), or a
   * transient failure (a timeout, a dropped connection) to try again.
   */
  private networkFailure(e: unknown, method: string, url: string): Retry | FailureError {
    const err = e as { code?: unknown; hostname?: unknown; message?: unknown } | undefined;
    // Through a proxy, the tunnel tells why only in its message ("…, cause=connect ECONNREFUSED
    // 127.0.0.1:3128", "…, cause=getaddrinfo ENOTFOUND proxy.example"): the proxy is the host.
    const tunnel = /^tunneling socket could not be established, cause=\S+ (E[A-Z_]+) (\S+)$/.exec(typeof err?.message === 'string' ? err.message : '');
    const reason = unreachable(tunnel ? tunnel[1] : err?.code);
    if (!reason) return new Retry(this.networkDetail(e), true);
    // The name that did not resolve may be the proxy's.
    const host = tunnel ? tunnel[2] : reason === 'unknownHost' && typeof err?.hostname === 'string' && err.hostname ? err.hostname : new URL(url).host;
    return fail({ kind: 'unreachable', reason, host, method, url: withoutQuery(url), detail: this.networkDetail(e) });
  }

  private networkDetail(e: unknown): string {
    const err = e as { code?: unknown; message?: unknown } | undefined;
    const text = typeof err?.message === 'string' ? err.message : String(e);
    // typed-rest-client's socket timeout is an Error without a code.
    if (err?.code === 'ETIMEDOUT' || /^Request timeout/.test(text)) return `no answer within ${seconds(this.options.timeoutMs)} s`;
    if (typeof err?.code === 'string') return `connection failed (${err.code}): ${cut(this.redact(text))}`;
    return `connection failed: ${cut(this.redact(text))}`;
  }

  private debug(line: string): void {
    this.options.debug?.(this.redact(line));
  }
}

const timedOut = Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' });
const gunzip = promisify(zlib.gunzip);

/**
 * Whether the socket timeout fired while this answer's body was still coming: typed-rest-client
 * then destroys the socket, and the body ends as merely "aborted".
 */
function stallOf(message: IncomingMessage): () => boolean {
  let stalled = false;
  const socket = message.socket;
  const onTimeout = () => {
    stalled = true;
  };
  socket?.once('timeout', onTimeout);
  // A kept-alive socket goes on to other requests.
  message.once('close', () => socket?.off('timeout', onTimeout));
  return () => stalled;
}

/** A transient failure that may be tried again, with what the service asked to wait. */
class Retry {
  constructor(
    readonly detail: string,
    /** The request may have been applied (anything but a 429, which the service refused up front). */
    readonly maybeApplied: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {}
}

export function withApiVersion(url: string, apiVersion: string): string {
  const u = new URL(url);
  u.searchParams.set('api-version', apiVersion);
  return u.toString();
}

function authorization(c: Credential): string {
  return c.kind === 'bearer' ? `Bearer ${c.token}` : `Basic ${Buffer.from(`:${c.token}`).toString('base64')}`;
}

function retryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const seconds = (ms: number) => Math.ceil(ms / 1000);

function cut(text: string): string {
  return text.length > detailLimit ? `${text.slice(0, detailLimit)}…` : text;
}

/**
 * The identity a 403 names, best effort: "User 'x' lacks permission…", "The user 'x' is not
 * authorized…", or a build service identity such as "Project Collection Build Service (org)".
 */
export function identityIn(message: string): string | undefined {
  const quoted = /\b(?:user|identity)\s+'([^']+)'/i.exec(message);
  if (quoted && quoted[1].trim()) return quoted[1].trim();
  const build = /((?:Project Collection|[\w-]+(?: [\w-]+)*?) Build Service \([^()]+\))/.exec(message);
  return build ? build[1].trim() : undefined;
}

/** JSON text as some servers send it, after a byte order mark. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A real pause that ends early (resolving, its timer cleared) when `signal` aborts. */
export function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
