/**
 * The Azure client throws only `FailureError`s (src/engine/failures.ts). `fail` builds them.
 *
 * Bridge for the engine as it is today, which still tells failures apart by these classes: each
 * is a FailureError as well, carrying the same `Failure`. When the engine reads `Failure` only,
 * these classes go and `fail` becomes `new FailureError(failure)`.
 */
import { Failure, FailureError } from '../engine/failures';

/** An answer that is not success (any status); `failure` says which kind. */
export class HttpError extends FailureError {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly serverMessage: string,
    readonly typeKey: string | undefined,
    failure?: Failure,
  ) {
    super(failure ?? failureForStatus(status, method, url, serverMessage));
    this.name = 'HttpError';
  }
}

/** The server did not accept the credentials: 401, or a sign-in page (203 / HTML) instead of JSON. */
export class AuthenticationError extends HttpError {
  override name = 'AuthenticationError';
}

/** A change whose answer was lost (5xx, timeout, dropped connection): it may or may not have been applied. */
export class LostAnswerError extends FailureError {
  constructor(readonly method: string, readonly url: string, cause: unknown) {
    super(withText({ kind: 'lostAnswer', method, url: withoutQuery(url), detail: describe(cause) }));
    this.name = 'LostAnswerError';
  }
}

/** Retries ran out on a transient failure. */
export class RetriesExhaustedError extends FailureError {
  readonly last: string;
  constructor(readonly method: string, readonly url: string, readonly attempts: number, detail: string, readonly retryAfterMs?: number) {
    super({ kind: 'transient', method, url: withoutQuery(url), attempts, detail, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
    this.last = detail;
    this.name = 'RetriesExhaustedError';
  }
}

/** The location service named no host for a resource area. */
export class LocationError extends FailureError {
  constructor(readonly areaId: string, readonly collectionUrl: string, detail = '') {
    super({ kind: 'location', areaId, collectionUrl, detail });
    this.name = 'LocationError';
  }
}

/** The one way the Azure client fails: a FailureError (for now of the bridge class that matches). */
export function fail(f: Failure, typeKey?: string): FailureError {
  switch (f.kind) {
    case 'authentication':
      return new AuthenticationError(f.status, f.method, f.url, f.detail, typeKey, f);
    case 'forbidden':
      return new HttpError(403, f.method, f.url, f.detail, typeKey, f);
    case 'notFound':
      return new HttpError(404, f.method, f.url, f.detail, typeKey, f);
    case 'conflict':
      return new HttpError(409, f.method, f.url, f.detail, typeKey, f);
    case 'refused':
      return new HttpError(f.status, f.method, f.url, f.detail, typeKey, f);
    case 'transient':
      return new RetriesExhaustedError(f.method, f.url, f.attempts, f.detail, f.retryAfterMs);
    case 'lostAnswer':
      return new LostAnswerError(f.method, f.url, f.detail);
    case 'location':
      return new LocationError(f.areaId, f.collectionUrl, f.detail);
    default:
      return new FailureError(f);
  }
}

/** The failure a non-success status stands for (statuses that are retried are `refused` here). */
export function failureForStatus(status: number, method: string, url: string, detail: string, identity?: string): Failure {
  const where = { method, url: withoutQuery(url) };
  if (status === 401 || status === 203) return { kind: 'authentication', status, detail, ...where };
  if (status === 403) return { kind: 'forbidden', detail, ...where, ...(identity ? { identity } : {}) };
  if (status === 404) return { kind: 'notFound', detail, ...where };
  if (status === 409) return { kind: 'conflict', detail, ...where };
  return { kind: 'refused', status, detail, ...where };
}

export function withoutQuery(url: string): string {
  const i = url.search(/[?#]/);
  return i < 0 ? url : url.slice(0, i);
}

export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * The engine today prints a lost answer's `failure` as text; a non-enumerable toString keeps that
 * readable without changing the data. Goes with the bridge.
 */
function withText(f: Failure & { detail: string }): Failure {
  Object.defineProperty(f, 'toString', { value: () => f.detail, enumerable: false });
  return f;
}
