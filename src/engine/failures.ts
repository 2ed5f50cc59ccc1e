/**
 * Every way a run can fail, as data. The Azure client and the adapters throw `FailureError`s;
 * `explain` turns each kind into words, switching over `kind` so that the compiler sees every case.
 * Text in a failure (`detail`) is server text with credentials already removed, but not yet made
 * safe for output: that happens where it is written.
 */
import { UnsafeSegment } from '../protocols/names';
import { type Msg, msg, words } from './messages';

interface Where {
  method: string;
  /** The request URL without its query. */
  url: string;
}

export type Failure =
  /** 401, or a 203 / non-JSON answer to a request that carried the token. */
  | ({ kind: 'authentication'; status: number; detail: string } & Where)
  /** 403: the identity lacks a role. `identity`: the identity the server named, when it named one. */
  | ({ kind: 'forbidden'; detail: string; identity?: string } & Where)
  | ({ kind: 'notFound'; detail: string } & Where)
  | ({ kind: 'conflict'; detail: string } & Where)
  /** Any other answer that is not success and is not retried (400, 405, 413, an unexpected 3xx …). */
  | ({ kind: 'refused'; status: number; detail: string } & Where)
  /** A transient failure (429, 5xx, timeout, dropped connection) that retries did not overcome. */
  | ({ kind: 'transient'; attempts: number; detail: string; retryAfterMs?: number } & Where)
  /** A host that cannot be reached: its name does not resolve, it refuses the connection, or its certificate is not trusted. Not retried. */
  | ({ kind: 'unreachable'; reason: 'unknownHost' | 'refused' | 'certificate'; host: string; detail: string } & Where)
  /** A change whose answer was lost (timeout, dropped connection, 5xx): it may or may not have been applied. */
  | ({ kind: 'lostAnswer'; detail: string } & Where)
  /** The location service names no host for a resource area. */
  | { kind: 'location'; collectionUrl: string; areaId: string; detail: string }
  /** Something the user can correct (an input, a selector, a file); nothing was sent because of it. */
  | { kind: 'badInput'; message: Msg }
  /** Anything else: a defect of ours. */
  | { kind: 'bug'; detail: string };

export class FailureError extends Error {
  constructor(readonly failure: Failure) {
    super(describeFailure(failure));
    this.name = 'FailureError';
  }
}

/** The failure an error stands for; anything that is not a FailureError (or a name refused as a path segment) is a bug. */
export function failureOf(e: unknown): Failure {
  if (e instanceof FailureError) return e.failure;
  if (e instanceof UnsafeSegment) return { kind: 'badInput', message: msg('UnsafeName', e.what, e.value, 'the feed or the inputs') };
  return { kind: 'bug', detail: e instanceof Error ? e.message : String(e) };
}

export const badInput = (message: Msg): FailureError => new FailureError({ kind: 'badInput', message });

/** Failures after which no further request can succeed: the identity or its role is wrong for all of them. */
export function isFatal(f: Failure): boolean {
  return f.kind === 'authentication' || f.kind === 'forbidden';
}

/** A failure in one sentence-part: what was asked, and what came of it. */
export function describeFailure(f: Failure): string {
  switch (f.kind) {
    case 'badInput':
      return `${f.message.key}: ${words(f.message).join(' | ')}`;
    case 'location':
      return `location service at ${f.collectionUrl}: no host for area ${f.areaId}${f.detail ? ` (${f.detail})` : ''}`;
    case 'bug':
      return f.detail;
    case 'authentication':
    case 'refused':
      return `${f.method} ${f.url} answered ${f.status}${f.detail ? `: ${f.detail}` : ''}`;
    case 'unreachable':
      return `${f.method} ${f.url}: ${f.host} cannot be reached (${f.reason}): ${f.detail}`;
    case 'transient':
      return `${f.method} ${f.url} still failing after ${f.attempts} attempt(s): ${f.detail}`;
    case 'forbidden':
    case 'notFound':
    case 'conflict':
    case 'lostAnswer':
      return `${f.method} ${f.url}: ${f.kind}${f.detail ? `: ${f.detail}` : ''}`;
  }
}
