/**
 * Workload identity federation for an Azure DevOps service connection (`connectedService:workloadidentityuser`,
 * the `azureDevOpsServiceConnection` input): the pipeline's OIDC token for the connection is exchanged
 * for an Entra ID access token with the Azure DevOps scope. No secret is involved.
 *
 * 1. POST {SYSTEM_OIDCREQUESTURI}?api-version=7.1&serviceConnectionId={id} with the job's own token
 *    (System.AccessToken) as Bearer; the answer is `{"oidcToken": "<jwt>"}`.
 * 2. POST {authority host}{tenant}/oauth2/v2.0/token, form-encoded: grant_type=client_credentials,
 *    client_id={serviceprincipalid}, scope=499b84ac-1321-427f-aa17-267ca6975798/.default,
 *    client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion={oidcToken};
 *    the answer is `{"token_type":"Bearer","access_token":…,"expires_in":…}`.
 *
 * The HTTP itself is injected (the project's one client, with its retry loop and proxy settings).
 * The job token goes only to the OIDC endpoint, and nothing goes to Entra but the form.
 */

import { FailureError } from '../engine/failures';
import { hideSecret, Redactor } from '../engine/secrets';

/** The Azure DevOps resource (its well-known application id) with the client-credentials suffix. */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** The authority Microsoft's own Azure Artifacts tasks use for this exchange (public cloud). */
export const DEFAULT_AUTHORITY_HOST = 'https://login.windows.net/';
export const OIDC_API_VERSION = '7.1';

/** Posts a form (application/x-www-form-urlencoded) and resolves with the parsed JSON answer; throws on failure. */
export interface FormTransport {
  postForm(url: string, fields: Record<string, string>, headers?: Record<string, string>): Promise<unknown>;
}

/** Posts a JSON body and resolves with the parsed JSON answer; throws on failure. */
export interface JsonPoster {
  postJson(url: string, headers: Record<string, string>, body: unknown): Promise<unknown>;
}

export interface WifSettings {
  /** SYSTEM_OIDCREQUESTURI: `{collection}{projectId}/_apis/distributedtask/hubs/{hub}/plans/{planId}/jobs/{jobId}/oidctoken`. */
  oidcRequestUri: string;
  /** The job's token (System.AccessToken), sent only to the OIDC endpoint. */
  systemAccessToken: string;
  /** The service connection's id (the input's value). */
  serviceConnectionId: string;
  /** Endpoint auth parameter `tenantid`. */
  tenantId: string;
  /** Endpoint auth parameter `serviceprincipalid` (the app registration's or managed identity's client id). */
  clientId: string;
  /** Where Entra is: `https://login.windows.net/` unless the connection says otherwise. */
  authorityHost: string;
  /** When given, the OIDC endpoint must be on this origin (the collection's): the job token goes nowhere else. */
  collectionUri?: string;
}

export type WifStage = 'settings' | 'oidc' | 'entra';

/** A failed exchange: which step, what the service said (tokens removed), and the AADSTS code when Entra gave one. */
export class WifError extends Error {
  constructor(readonly stage: WifStage, message: string, readonly aadsts?: string, readonly status?: number) {
    super(message);
    this.name = 'WifError';
  }
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\])$/i;
const ID_SHAPE = /^[A-Za-z0-9][A-Za-z0-9.-]{0,254}$/;

function parseUrl(text: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new WifError('settings', `${what} is not an absolute URL.`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.test(u.hostname))) {
    throw new WifError('settings', `${what} must use https (${u.protocol}//${u.host} does not).`);
  }
  if (u.username || u.password) throw new WifError('settings', `${what} must not carry credentials.`);
  return u;
}

/** The OIDC token request's URL: the agent's URI with the api-version and the connection. */
export function oidcTokenUrl(oidcRequestUri: string, serviceConnectionId: string): string {
  const u = parseUrl(oidcRequestUri, 'SYSTEM_OIDCREQUESTURI');
  u.searchParams.set('api-version', OIDC_API_VERSION);
  u.searchParams.set('serviceConnectionId', serviceConnectionId);
  return u.toString();
}

/** `{authorityHost}{tenant}/oauth2/v2.0/token`; the tenant is an id or a domain, never a path. */
export function entraTokenUrl(authorityHost: string, tenantId: string): string {
  if (!ID_SHAPE.test(tenantId)) throw new WifError('settings', 'The service connection\'s tenant id is not a tenant id or domain.');
  const u = parseUrl(authorityHost, 'The authority host');
  const base = u.origin + u.pathname.replace(/\/*$/, '/');
  return `${base}${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
}

function checkSettings(s: WifSettings): { oidcUrl: string; entraUrl: string } {
  const missing = (['oidcRequestUri', 'systemAccessToken', 'serviceConnectionId', 'tenantId', 'clientId', 'authorityHost'] as const).filter((k) => !s[k]);
  if (missing.length) throw new WifError('settings', `Workload identity federation needs ${missing.join(', ')}; the agent did not provide ${missing.length > 1 ? 'them' : 'it'}.`);
  if (!ID_SHAPE.test(s.serviceConnectionId)) throw new WifError('settings', 'The service connection id is not an id.');
  if (!ID_SHAPE.test(s.clientId)) throw new WifError('settings', 'The service connection\'s service principal id is not a client id.');
  const oidcUrl = oidcTokenUrl(s.oidcRequestUri, s.serviceConnectionId);
  if (s.collectionUri) {
    const want = parseUrl(s.collectionUri, 'The collection URL').origin;
    if (new URL(oidcUrl).origin !== want) {
      throw new WifError('settings', `SYSTEM_OIDCREQUESTURI is not on the collection's host (${want}); the job token is not sent elsewhere.`);
    }
  }
  return { oidcUrl, entraUrl: entraTokenUrl(s.authorityHost, s.tenantId) };
}

/** What a failed transport call said, as text: its message and, when it carries one, the answer's status and body. */
function describe(e: unknown): { text: string; status?: number } {
  if (e instanceof FailureError) {
    const f = e.failure;
    return { text: e.message, status: 'status' in f && typeof f.status === 'number' ? f.status : undefined };
  }
  if (!(e instanceof Error)) return { text: String(e) };
  const x = e as Error & { status?: unknown; statusCode?: unknown; body?: unknown };
  const status = typeof x.status === 'number' ? x.status : typeof x.statusCode === 'number' ? x.statusCode : undefined;
  let body = '';
  if (x.body !== undefined) body = typeof x.body === 'string' ? x.body : JSON.stringify(x.body);
  return { text: body && !x.message.includes(body) ? `${x.message} ${body}` : x.message, status };
}

const AADSTS_HINTS: Record<string, string> = {
  '700213': 'no federated credential of the app matches the service connection (check the federated credential\'s issuer and subject in Entra ID)',
  '700211': 'no federated credential of the app trusts this organization\'s issuer',
  '700016': 'the app (service principal id) is not in that tenant',
  '90002': 'the tenant does not exist',
  '700024': 'the OIDC token had expired before it reached Entra ID',
  '50027': 'Entra ID could not read the OIDC token',
};

/**
 * Exchanges the pipeline's OIDC token for the service connection for an Entra ID access token
 * that Azure DevOps accepts (as Bearer). Throws WifError naming the step that failed.
 */
export async function workloadIdentityToken(t: FormTransport & JsonPoster, s: WifSettings): Promise<string> {
  const { oidcUrl, entraUrl } = checkSettings(s);
  // Server text in the failures below loses every credential of the exchange, in every form.
  const secrets = new Redactor([s.systemAccessToken]);

  let oidcAnswer: unknown;
  try {
    oidcAnswer = await t.postJson(oidcUrl, { Authorization: `Bearer ${s.systemAccessToken}` }, {});
  } catch (e) {
    const d = describe(e);
    throw new WifError('oidc', `The pipeline's OIDC token for service connection ${s.serviceConnectionId} could not be had: ${secrets.redact(d.text)}`, undefined, d.status);
  }
  const oidcToken = (oidcAnswer as { oidcToken?: unknown } | null)?.oidcToken;
  if (typeof oidcToken !== 'string' || !oidcToken) {
    throw new WifError('oidc', `The OIDC token request for service connection ${s.serviceConnectionId} answered without a token.`);
  }
  // It travels in a form, where the HTTP client does not see a credential: registered here, for
  // these failures and for everything written out.
  secrets.add(oidcToken);
  hideSecret(oidcToken);

  let entraAnswer: unknown;
  try {
    entraAnswer = await t.postForm(entraUrl, {
      client_id: s.clientId,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: oidcToken,
      grant_type: 'client_credentials',
      scope: AZURE_DEVOPS_SCOPE,
    });
  } catch (e) {
    const d = describe(e);
    const text = secrets.redact(d.text);
    const code = /AADSTS(\d+)/.exec(text)?.[1];
    const hint = code && AADSTS_HINTS[code] ? ` (${AADSTS_HINTS[code]})` : '';
    throw new WifError('entra', `Entra ID refused the workload identity exchange for service connection ${s.serviceConnectionId}${hint}: ${text}`, code ? `AADSTS${code}` : undefined, d.status);
  }
  const a = (entraAnswer ?? {}) as { access_token?: unknown; token_type?: unknown };
  if (typeof a.access_token !== 'string' || !a.access_token) {
    throw new WifError('entra', `Entra ID answered the workload identity exchange for service connection ${s.serviceConnectionId} without an access token.`);
  }
  if (a.token_type !== undefined && String(a.token_type).toLowerCase() !== 'bearer') {
    throw new WifError('entra', `Entra ID answered with a token of type '${String(a.token_type).slice(0, 40)}', not a bearer token.`);
  }
  return a.access_token;
}
