/** The Azure client throws only `FailureError`s (src/engine/failures.ts): `fail` builds them. */
import { Failure, FailureError } from '../engine/failures';

/** The one way the Azure client fails. */
export function fail(f: Failure): FailureError {
  return new FailureError(f);
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
