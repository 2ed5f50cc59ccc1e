import { HttpClient } from 'typed-rest-client/HttpClient';
import type { IHeaders, IHttpClientResponse, IRequestOptions } from 'typed-rest-client/Interfaces';
import { AuthenticationError, HttpError, LostAnswerError, RetriesExhaustedError } from './errors';

/** How credentials are presented: the pipeline's OAuth token as Bearer, a personal access token as Basic. */
export interface Credential {
  kind: 'bearer' | 'pat';
  token: string;
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  /** First back-off pause; doubles each attempt, with jitter. */
  baseDelayMs: number;
  /** Longest back-off pause (Retry-After is waited as asked, within maxTotalWaitMs). */
  maxDelayMs: number;
  /** Longest total time one request may spend waiting to retry. */
  maxTotalWaitMs: number;
}

export interface HttpOptions {
  credential: Credential;
  /** Per-request timeout. */
  timeoutMs: number;
  retry: RetryPolicy;
  /** Proxy, certificates, TLS settings from the agent; passed to typed-rest-client as they are. */
  requestOptions?: IRequestOptions;
  userAgent?: string;
  sleep?: (ms: number) => Promise<void>;
  debug?: (line: string) => void;
  random?: () => number;
}

export interface Call {
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  url: string;
  apiVersion: string;
  body?: unknown;
  /**
   * Requests that change something are not blindly resent after a lost answer: a 429 is retried
   * (the service refused before doing anything), anything else transient throws LostAnswerError
   * so that the caller can read back before sending again.
   */
  changes?: boolean;
  /** Answer 3xx to the caller instead of following it (content downloads). */
  manualRedirect?: boolean;
}

export interface Answer<T = unknown> {
  status: number;
  body: T | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export const transientStatuses = new Set([429, 500, 502, 503, 504]);

export const defaultRetry: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 };

/**
 * The one place the task talks HTTP to Azure DevOps. It adds the api-version, sends the token only
 * to origins it was told to trust (the collection and the hosts the location service named),
 * retries transient failures with bounded jittered back-off, honours Retry-After, and turns
 * answers into typed errors.
 */
export class AzureHttp {
  private readonly client: HttpClient;
  private readonly trusted = new Set<string>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  /** Counts for the report and the benchmarks. */
  readonly stats = { requests: 0, retries: 0, waitedMs: 0 };

  constructor(private readonly options: HttpOptions) {
    this.client = new HttpClient(options.userAgent ?? 'PackageLifecycle', [], {
      ...options.requestOptions,
      socketTimeout: options.timeoutMs,
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
    });
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Allows the token to be sent to this URL's origin. */
  trust(url: string): void {
    this.trusted.add(new URL(url).origin.toLowerCase());
  }

  isTrusted(url: string): boolean {
    return this.trusted.has(new URL(url).origin.toLowerCase());
  }

  async json<T>(call: Call): Promise<Answer<T>> {
    const url = withApiVersion(call.url, call.apiVersion);
    const trusted = this.isTrusted(url);
    return this.retrying(call.method, url, async () => {
      let response: IHttpClientResponse;
      let text: string;
      try {
        // The body is read here too: a connection dropped mid-answer is a lost answer as well.
        response = await this.send(call.method, url, call.body, true);
        text = await response.readBody();
      } catch (e) {
        if (call.changes) throw new LostAnswerError(call.method, url, e);
        throw new Retry(e);
      }
      const status = response.message.statusCode ?? 0;
      if (!transientStatuses.has(status)) return this.finish<T>(call, url, status, response.message.headers as Answer['headers'], text, trusted);
      const failure = httpError(call.method, url, status, text);
      // A 429 was refused before anything happened; any other 5xx may have been applied.
      if (call.changes && status !== 429) throw new LostAnswerError(call.method, url, failure);
      throw new Retry(failure, retryAfter(response.message.headers['retry-after']));
    });
  }

  /** Downloads bytes from a URL that is not an Azure DevOps API (blob storage): never with the token. */
  async download(url: string): Promise<Buffer> {
    return this.retrying('GET', url, async () => {
      let response: IHttpClientResponse;
      try {
        response = await this.send('GET', url, undefined, false);
        const status = response.message.statusCode ?? 0;
        if (status >= 200 && status < 300) return await readBytes(response);
        const failure = httpError('GET', url, status, await response.readBody());
        if (!transientStatuses.has(status)) throw failure;
        throw new Retry(failure, retryAfter(response.message.headers['retry-after']));
      } catch (e) {
        if (e instanceof HttpError || e instanceof Retry) throw e;
        throw new Retry(e);
      }
    });
  }

  /**
   * The one retry loop: runs `attempt` until it returns, throws something other than Retry, or the
   * attempts or the total waiting budget run out.
   */
  private async retrying<T>(method: string, url: string, attempt: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (let n = 1; ; n++) {
      let retry: Retry;
      try {
        return await attempt();
      } catch (e) {
        if (!(e instanceof Retry)) throw e;
        retry = e;
      }
      const pause = this.pause(n, retry.retryAfterMs);
      if (n >= this.options.retry.maxAttempts || waited + pause > this.options.retry.maxTotalWaitMs) {
        throw new RetriesExhaustedError(method, url, n, retry.failure, retry.retryAfterMs);
      }
      this.options.debug?.(`retry ${n} of ${method} ${url} in ${pause} ms: ${retry.failure instanceof Error ? retry.failure.message : String(retry.failure)}`);
      this.stats.retries++;
      this.stats.waitedMs += pause;
      waited += pause;
      await this.sleep(pause);
    }
  }

  /** Exactly what Retry-After asks (never resend early; the total budget decides), else jittered back-off. */
  private pause(attempt: number, retryAfterMs?: number): number {
    if (retryAfterMs !== undefined) return retryAfterMs;
    const { baseDelayMs, maxDelayMs } = this.options.retry;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    return Math.round(backoff / 2 + (this.random() * backoff) / 2);
  }

  private send(method: string, url: string, body: unknown, api: boolean): Promise<IHttpClientResponse> {
    const headers: IHeaders = {};
    if (api) {
      headers['Accept'] = 'application/json';
      headers['X-TFS-FedAuthRedirect'] = 'Suppress';
      if (this.isTrusted(url)) headers['Authorization'] = authorization(this.options.credential);
    }
    this.stats.requests++;
    if (body === undefined) return this.client.request(method, url, null as unknown as string, headers);
    headers['Content-Type'] = 'application/json';
    return this.client.request(method, url, JSON.stringify(body), headers);
  }

  private finish<T>(call: Call, url: string, status: number, headers: Answer['headers'], text: string, trusted: boolean): Answer<T> {
    if (status >= 300 && status < 400 && call.manualRedirect) return { status, body: undefined, headers };
    if (status === 203 || status === 401) {
      throw new AuthenticationError(status, call.method, url, serverMessage(text), undefined);
    }
    if (status < 200 || status >= 300) throw httpError(call.method, url, status, text);
    if (!text) return { status, body: undefined, headers };
    // Not JSON where the API answers JSON: after sending a token, a sign-in page (the credentials did
    // not get through); without one, some other server's answer.
    const notApi = (what: string) => (trusted ? new AuthenticationError(status, call.method, url, what, undefined) : new HttpError(status, call.method, url, what, undefined));
    const type = String(headers['content-type'] ?? '');
    if (!type.includes('json')) throw notApi(`answer was ${type || 'not JSON'}`);
    try {
      return { status, body: JSON.parse(text) as T, headers };
    } catch {
      throw notApi('answer was not JSON');
    }
  }
}

/** A transient failure that may be tried again, with what the service asked to wait. */
class Retry {
  constructor(readonly failure: unknown, readonly retryAfterMs?: number) {}
}

export function withApiVersion(url: string, apiVersion: string): string {
  const u = new URL(url);
  u.searchParams.set('api-version', apiVersion);
  return u.toString();
}

function authorization(c: Credential): string {
  return c.kind === 'bearer' ? `Bearer ${c.token}` : `Basic ${Buffer.from(`:${c.token}`).toString('base64')}`;
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function serverMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: string };
    return parsed.message ?? '';
  } catch {
    return '';
  }
}

function httpError(method: string, url: string, status: number, text: string): HttpError {
  let message = '';
  let typeKey: string | undefined;
  try {
    const parsed = JSON.parse(text) as { message?: string; typeKey?: string };
    message = parsed.message ?? '';
    typeKey = parsed.typeKey;
  } catch {
    message = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
  if (status === 401) return new AuthenticationError(status, method, url, message, typeKey);
  return new HttpError(status, method, url, message, typeKey);
}

function readBytes(response: IHttpClientResponse): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.message.on('data', (c: Buffer) => chunks.push(c));
    response.message.on('end', () => resolve(Buffer.concat(chunks)));
    response.message.on('error', reject);
  });
}
