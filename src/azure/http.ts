import { fail, failureForStatus, withoutQuery } from './errors';
import { hideSecret, Redactor, tokenForms } from '../engine/secrets';
import { NetworkOptions, Transport } from './transport';

type IHeaders = Record<string, string>;

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
  /** Per-attempt timeout: no answer (or no end of the answer) within it is a transient failure. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** The agent's proxy and certificate settings (task-lib's IRequestOptions has this shape). */
  requestOptions?: NetworkOptions;
  userAgent?: string;
  /** Sockets kept per host (keep-alive): enough for every batch in flight. */
  maxSockets?: number;
  /** A pause; it may end early when `signal` aborts (the client closed). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
  debug?: (line: string) => void;
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
  /** Reads the JSON body another way than whole (a listing page, package by package, from its bytes); throws when it is not JSON. */
  parse?: (body: Buffer) => unknown;
  /**
   * Reads a successful JSON answer as its bytes arrive instead of after (a big listing page is then
   * never held whole); given the announced length, a reader, or undefined to read it whole with
   * `parse`. `end()` gives the body, and throws (as `write` may) when it is not JSON.
   */
  read?: (announcedBytes: number | undefined) => AnswerReader | undefined;
}

export interface AnswerReader {
  write(chunk: Buffer): void;
  end(): unknown;
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

interface Raw {
  status: number;
  headers: Answer['headers'];
  body: Buffer;
  /** Where a reader took the body as it came: its result (throws where the body was not JSON); undefined for an empty body. */
  read?: () => unknown;
}

/**
 * The one place the task talks HTTP. It adds the api-version, sends the token only to origins it
 * was told to trust (the collection and the hosts the location service named), never follows a
 * redirect, retries transient failures with bounded jittered back-off, honours Retry-After (and
 * makes every request of this client wait when one of them is told to), removes credentials from
 * server text, and throws only FailureErrors.
 */
export class AzureHttp {
  private readonly transport: Transport;
  private readonly trusted = new Set<string>();
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly redactor: Redactor;
  /** Nothing is sent before this time: a 429's Retry-After applies to every request of this client. */
  private notBefore = 0;
  /** Set by close(): nothing more is sent, and pauses under way end. */
  private closed = false;
  private readonly stopping = new AbortController();
  /** Counts for the report and the benchmarks. */
  readonly stats = { requests: 0, retries: 0, waitedMs: 0 };

  constructor(private readonly options: HttpOptions) {
    this.transport = new Transport(options.requestOptions ?? {}, options.timeoutMs, options.maxSockets ?? 16, options.userAgent ?? 'PackageLifecycle');
    this.sleep = options.sleep ?? sleepFor;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
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
    const raw = await this.retrying(call.method, url, call.changes === true, () => this.exchange(call.method, url, payload, headers, call.read));
    // Any 2xx to a change is success, whatever its body: no answer body is needed, so none is judged.
    if (call.changes && raw.status >= 200 && raw.status < 300 && raw.status !== 203) return { status: raw.status, body: undefined, headers: raw.headers };
    return this.finish<T>(call.method, url, raw, tokenSent, call.manualRedirect === true, call.parse);
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
   * goes to disk without being held in memory. A body cut off midway fails as transient.
   */
  async download(url: string): Promise<AsyncIterable<Uint8Array>> {
    const body = await this.retrying('GET', url, false, async () => {
      let opened: Awaited<ReturnType<Transport['open']>>;
      try {
        this.stats.requests++;
        opened = await this.transport.open(url, {});
      } catch (e) {
        throw new Retry(this.networkDetail(e), true);
      }
      if (opened.status >= 200 && opened.status < 300) return opened.body;
      let text: Buffer;
      try {
        const chunks: Buffer[] = [];
        for await (const c of opened.body) chunks.push(c as Buffer);
        text = Buffer.concat(chunks);
      } catch (e) {
        throw new Retry(this.networkDetail(e), true);
      }
      const raw: Raw = { status: opened.status, headers: opened.headers, body: text };
      throw transientStatuses.has(raw.status) ? this.retryFor(raw) : this.statusFailure('GET', url, raw);
    });
    const networkDetail = (e: unknown) => this.networkDetail(e);
    const idleMs = this.options.timeoutMs;
    return (async function* () {
      // Nothing arriving for as long as a request may take ends the download.
      const idle = setTimeout(() => body.destroy(Object.assign(new Error('no data for too long'), { code: 'ETIMEDOUT' })), idleMs);
      try {
        for await (const chunk of body) {
          idle.refresh();
          yield chunk as Uint8Array;
        }
      } catch (e) {
        throw fail({ kind: 'transient', method: 'GET', url: withoutQuery(url), attempts: 1, detail: `the download broke off: ${networkDetail(e)}` });
      } finally {
        clearTimeout(idle);
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

  /** One attempt: the answer (any status but a transient one), or Retry. */
  private async exchange(method: string, url: string, payload: string | undefined, headers: IHeaders, read?: Call['read']): Promise<Raw> {
    let raw: Raw;
    // A successful JSON answer may go to its reader as it arrives (a fresh one each attempt); any
    // other answer is collected whole, for its status and message.
    let reader: AnswerReader | undefined;
    let failed: { error: unknown } | undefined;
    let bytes = 0;
    const stream = read && ((status: number, h: Answer['headers']) => {
      if (status < 200 || status >= 300 || status === 203 || !/json/i.test(String(h['content-type'] ?? ''))) return undefined;
      const announced = Number(h['content-length']);
      reader = read(Number.isSafeInteger(announced) && announced >= 0 ? announced : undefined);
      if (!reader) return undefined;
      const r = reader;
      return (chunk: Buffer) => {
        bytes += chunk.length;
        if (failed) return;
        try {
          r.write(chunk);
        } catch (error) {
          failed = { error };
        }
      };
    });
    try {
      this.stats.requests++;
      // The body is read here too: a connection dropped mid-answer is a lost answer as well.
      const sent = await this.transport.send(method, url, payload, headers, stream);
      raw = { status: sent.status, headers: sent.headers, body: sent.body };
      const r = reader;
      if (r && bytes > 0) {
        raw.read = () => {
          if (failed) throw failed.error;
          return r.end();
        };
      }
    } catch (e) {
      throw new Retry(this.networkDetail(e), true);
    }
    if (!transientStatuses.has(raw.status)) return raw;
    throw this.retryFor(raw);
  }

  /** Another try for an answer with a transient status: after Retry-After where it says; a 429 was not applied. */
  private retryFor(raw: Raw): Retry {
    const detail = this.detailOf(raw);
    return new Retry(`${raw.status}${detail ? ` ${detail}` : ''}`, raw.status !== 429, raw.status, retryAfter(raw.headers['retry-after'], this.now()));
  }

  /**
   * Closes kept-alive sockets and ends the client: a request still running fails instead of being
   * retried (reads started ahead that the run no longer waits for send nothing after its end).
   */
  close(): void {
    this.closed = true;
    this.stopping.abort();
    this.transport.close();
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
      if (this.closed) throw this.exhausted(method, url, n - 1, 'the client was closed: the run is over');
      let retry: Retry;
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof Retry)) throw e;
        retry = e;
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

  private finish<T>(method: string, url: string, raw: Raw, tokenSent: boolean, manualRedirect: boolean, parse: (body: Buffer) => unknown = (b) => JSON.parse(withoutBom(b.toString('utf8')))): Answer<T> {
    const { status, headers } = raw;
    if (status >= 300 && status < 400 && manualRedirect) return { status, body: undefined, headers };
    if (status === 203) throw fail(failureForStatus(203, method, url, 'a sign-in page instead of the API'));
    if (status < 200 || status >= 300) throw this.statusFailure(method, url, raw);
    if (!raw.body.length && !raw.read) return { status, body: undefined, headers };
    // Not JSON where the API answers JSON: after sending a token, a sign-in page (the credentials
    // did not get through); without one, some other server's answer.
    const notApi = (what: string) => fail(tokenSent
      ? { kind: 'authentication', status, method, url: withoutQuery(url), detail: what }
      : { kind: 'refused', status, method, url: withoutQuery(url), detail: what });
    const type = String(headers['content-type'] ?? '');
    if (!/json/i.test(type)) throw notApi(`the answer was ${type || 'not JSON'}, not the API's JSON`);
    try {
      return { status, body: (raw.read ? raw.read() : parse(raw.body)) as T, headers };
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
    const text = withoutBom(raw.body.toString('utf8'));
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

  private networkDetail(e: unknown): string {
    const err = e as { code?: string; message?: string };
    const text = err?.message ?? String(e);
    if (err?.code === 'ETIMEDOUT') return `no answer within ${seconds(this.options.timeoutMs)} s`;
    if (err?.code) return `connection failed (${err.code})`;
    return `connection failed: ${cut(this.redact(text))}`;
  }

  private debug(line: string): void {
    this.options.debug?.(this.redact(line));
  }
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
