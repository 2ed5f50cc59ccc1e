/** Failures of the Azure DevOps client, typed so the engine can say what to do about them. */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly method: string,
    readonly url: string,
    readonly serverMessage: string,
    readonly typeKey: string | undefined,
  ) {
    super(`${method} ${url} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`);
    this.name = 'HttpError';
  }
}

/** The server did not accept the credentials: 401, or a sign-in page (203 / HTML) instead of JSON. */
export class AuthenticationError extends HttpError {
  override name = 'AuthenticationError';
}

/**
 * A transient failure whose outcome is unknown (5xx, timeout, dropped connection) on a request
 * that changes something: the change may or may not have been applied.
 */
export class LostAnswerError extends Error {
  constructor(readonly method: string, readonly url: string, readonly failure: unknown) {
    super(`${method} ${url}: ${describe(failure)}`);
    this.name = 'LostAnswerError';
  }
}

/** Retries ran out on a transient failure. */
export class RetriesExhaustedError extends Error {
  constructor(readonly method: string, readonly url: string, readonly attempts: number, readonly last: unknown, readonly retryAfterMs?: number) {
    super(`${method} ${url} still failing after ${attempts} attempts: ${describe(last)}${retryAfterMs !== undefined ? ` (the service asked to wait ${Math.ceil(retryAfterMs / 1000)} s)` : ''}`);
    this.name = 'RetriesExhaustedError';
  }
}

export function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The location service named no host for a resource area (a sign-in page answers null too). */
export class LocationError extends Error {
  constructor(readonly areaId: string, readonly collectionUrl: string) {
    super(`the location service at ${collectionUrl} names no host for resource area ${areaId}`);
    this.name = 'LocationError';
  }
}
