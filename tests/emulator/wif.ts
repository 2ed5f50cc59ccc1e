// Workload identity federation, as the task meets it: the agent's OIDC token endpoint on the
// organization host (what SYSTEM_OIDCREQUESTURI names) and an Entra ID token endpoint on its own
// loopback host. The Entra endpoint accepts only an OIDC token this emulator issued for the
// connection it is asked about, and answers with an access token that the feeds accept as the
// connection's identity.
import { createHmac, randomUUID } from 'node:crypto';
import type { Ctx, Reply } from './handlers';
import { HttpError } from './handlers';
import type { Store, WifConnectionState } from './store';
import { stableGuid, wrapped } from './util';

/** The Azure DevOps resource's scope, as Microsoft's tasks ask Entra for it. */
export const AZURE_DEVOPS_SCOPE = '499b84ac-1321-427f-aa17-267ca6975798/.default';
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';
/** How long an OIDC token is good for (the service's are short-lived too). */
export const OIDC_LIFETIME_SECONDS = 600;

const SIGNING_KEY = 'emulator-oidc-signing-key';

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function sign(header: object, payload: object): string {
  const body = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${body}.${createHmac('sha256', SIGNING_KEY).update(body).digest('base64url')}`;
}

/** The claims of a token this emulator signed, or null when it did not sign it. */
export function verifyJwt(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', SIGNING_KEY).update(`${parts[0]}.${parts[1]}`).digest('base64url');
  if (expected !== parts[2]) return null;
  try {
    return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The subject Azure DevOps puts in a service connection's OIDC token. */
export const subjectOf = (org: string, c: WifConnectionState) => `sc://${org}/${c.projectName}/${c.name}`;
export const issuerOf = (store: Store) => `https://vstoken.dev.azure.com/${stableGuid('organization', store.organization)}`;

// ---------------------------------------------------------------------------------------------
// OIDC token (organization host):
// POST {org}/{projectId}/_apis/distributedtask/hubs/{hubName}/plans/{planId}/jobs/{jobId}/oidctoken?serviceConnectionId=…

export function oidcToken(ctx: Ctx): Reply {
  if (!ctx.project) {
    throw new HttpError(404, wrapped('The controller for path was not found or does not implement IController.', 'HttpException', 'Vss'), 'oidctoken without a project segment');
  }
  const id = ctx.q.get('serviceconnectionid');
  if (!id) throw new HttpError(400, wrapped('The serviceConnectionId parameter is required.', 'ArgumentNullException', 'Vss'), 'oidctoken without serviceConnectionId');
  if (ctx.rawBody && !(ctx.body && typeof ctx.body === 'object' && !Array.isArray(ctx.body))) {
    throw new HttpError(400, wrapped('The request body must be a JSON object of claims.', 'InvalidArgumentValueException', 'Vss'), 'oidctoken body is not a JSON object');
  }
  const c = ctx.store.serviceConnections.get(id.toLowerCase());
  if (!c || c.projectId !== ctx.project.id) {
    throw new HttpError(404, wrapped(`Service connection '${id}' was not found, or the pipeline is not authorized to use it.`, 'ServiceEndpointNotFoundException', 'Vss'));
  }
  const now = Math.floor(ctx.now / 1000);
  const token = sign({ typ: 'JWT', alg: 'HS256', kid: 'emulator' }, {
    jti: randomUUID(), sub: subjectOf(ctx.store.organization, c), aud: OIDC_AUDIENCE, iss: issuerOf(ctx.store),
    iat: now, nbf: now, exp: now + OIDC_LIFETIME_SECONDS, scid: c.id,
  });
  return { status: 200, json: { oidcToken: token } };
}

// ---------------------------------------------------------------------------------------------
// Entra ID token endpoint (its own host): POST /{tenant}/oauth2/v2.0/token, form-encoded.

function aad(status: number, error: string, code: number, text: string, nonconforming?: string): never {
  const trace = randomUUID();
  const correlation = randomUUID();
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const body = {
    error, error_description: `AADSTS${code}: ${text} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${ts}`,
    error_codes: [code], timestamp: ts, trace_id: trace, correlation_id: correlation, error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
  throw new HttpError(status, body as never, nonconforming);
}

export function entraToken(ctx: Ctx): Reply {
  const tenant = ctx.params.tenant;
  if (!/^application\/x-www-form-urlencoded/i.test(ctx.contentType)) {
    aad(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.", `token request with content type '${ctx.contentType}'`);
  }
  const form = new URLSearchParams(ctx.rawBody);
  const get = (k: string) => form.get(k) ?? '';
  if (get('grant_type') !== 'client_credentials') aad(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${get('grant_type')}'.`, `grant_type '${get('grant_type')}'`);
  const conns = [...ctx.store.serviceConnections.values()];
  if (!conns.some((c) => c.tenantId.toLowerCase() === tenant.toLowerCase())) {
    aad(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
  }
  const clientId = get('client_id');
  const c = conns.find((x) => x.tenantId.toLowerCase() === tenant.toLowerCase() && x.clientId.toLowerCase() === clientId.toLowerCase());
  if (!c) aad(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  if (get('scope') !== AZURE_DEVOPS_SCOPE) {
    aad(400, 'invalid_scope', 1002012, `The provided value for scope ${get('scope')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, `scope '${get('scope')}'`);
  }
  if (get('client_assertion_type') !== JWT_BEARER) {
    aad(400, 'invalid_request', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value.', `client_assertion_type '${get('client_assertion_type')}'`);
  }
  for (const k of form.keys()) {
    if (!['grant_type', 'client_id', 'scope', 'client_assertion_type', 'client_assertion', 'client_info'].includes(k)) {
      aad(400, 'invalid_request', 900144, `The request carries an unexpected parameter '${k}'.`, `token request parameter '${k}'`);
    }
  }
  const claims = verifyJwt(get('client_assertion'));
  if (!claims) aad(400, 'invalid_client', 50027, 'JWT token is invalid or malformed.');
  const now = Math.floor(ctx.now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp < now) {
    aad(400, 'invalid_client', 700024, 'Client assertion is not within its valid time range.');
  }
  if (claims.aud !== OIDC_AUDIENCE || claims.iss !== issuerOf(ctx.store)) {
    aad(400, 'invalid_client', 700211, `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'.`);
  }
  if (claims.sub !== subjectOf(ctx.store.organization, c)) {
    aad(400, 'invalid_client', 700213, `No matching federated identity record found for presented assertion subject '${String(claims.sub)}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`);
  }
  ctx.store.issuedEntraTokens++;
  const access = sign({ typ: 'JWT', alg: 'HS256', kid: 'entra' }, {
    aud: '499b84ac-1321-427f-aa17-267ca6975798', iss: `https://sts.windows.net/${c.tenantId}/`, appid: c.clientId, tid: c.tenantId,
    iat: now, nbf: now, exp: now + c.expiresInSeconds, n: ctx.store.issuedEntraTokens,
  });
  ctx.store.addToken(access, c.role, c.identityName);
  return { status: 200, json: { token_type: 'Bearer', expires_in: c.expiresInSeconds, ext_expires_in: c.expiresInSeconds, access_token: access } };
}
