// Workload identity federation against the emulator's OIDC endpoint (organization host) and its
// Entra ID token endpoint (own host), through a small loopback transport standing in for the
// project's HTTP client.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { Emulator } from '../../emulator';
import {
  AZURE_DEVOPS_SCOPE, entraTokenUrl, FormTransport, JsonPoster, oidcTokenUrl, WifError, WifSettings, workloadIdentityToken,
} from '../../../src/azure/wif';

const SC = 'b8a5f0c2-3e4d-4a6b-9c7d-1e2f3a4b5c6d';

class TransportError extends Error {
  constructor(readonly status: number, readonly body: string) {
    super(`HTTP ${status}`);
  }
}

function send(method: string, url: string, headers: Record<string, string>, payload: string): Promise<unknown> {
  const u = new URL(url);
  if (!/^127\./.test(u.hostname)) throw new Error(`not loopback: ${url}`);
  return new Promise((resolve, reject) => {
    const req = http.request(u, { method, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(payload)), 'X-TFS-FedAuthRedirect': 'Suppress' }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if ((res.statusCode ?? 0) >= 300) return reject(new TransportError(res.statusCode ?? 0, text));
        try { resolve(text ? JSON.parse(text) : undefined); } catch { reject(new TransportError(res.statusCode ?? 0, text)); }
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

const transport: FormTransport & JsonPoster = {
  postForm: (url, fields, headers = {}) => send('POST', url, { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' }, new URLSearchParams(fields).toString()),
  postJson: (url, headers, body) => send('POST', url, { ...headers, 'Content-Type': 'application/json' }, JSON.stringify(body)),
};

describe('azure/wif: workload identity federation', () => {
  let em: Emulator;
  const settings = (o: Partial<WifSettings> = {}): WifSettings => {
    const w = em.wif(SC);
    return { oidcRequestUri: w.oidcRequestUri, systemAccessToken: em.tokens.reader, serviceConnectionId: SC, tenantId: w.tenantId, clientId: w.clientId, authorityHost: w.authorityHost, collectionUri: `${em.urls.org}/`, ...o };
  };
  const promoteUrl = () => `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.1.0?api-version=7.1`;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  it('exchanges the OIDC token for an Entra token that the feeds accept as the connection\'s identity', async () => {
    const token = await workloadIdentityToken(transport, settings());
    const [oidc, entra] = em.log;
    assert.equal(oidc.route, 'distributedtask.oidctoken');
    assert.equal(oidc.method, 'POST');
    assert.deepEqual(oidc.query, { 'api-version': '7.1', serviceConnectionId: SC });
    assert.deepEqual(oidc.auth, { scheme: 'Bearer', token: em.tokens.reader }, 'the job token goes to the OIDC endpoint');
    assert.equal(entra.route, 'entra.token');
    assert.equal(entra.headers.authorization, undefined, 'no token goes to Entra but the form');
    const form = new URLSearchParams(entra.body as string);
    assert.equal(form.get('scope'), AZURE_DEVOPS_SCOPE);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('client_id'), em.wif(SC).clientId);
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.ok(form.get('client_assertion')!.split('.').length === 3);

    const r = await send('PATCH', promoteUrl(), { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, JSON.stringify({ views: { op: 'add', path: '/views/-', value: 'Release' } }));
    assert.equal(r, undefined);
    assert.ok(em.versions('Fabrikam/internal', 'nuget', 'Contoso.Core').find((v) => v.version === '1.1.0')!.views.includes('Release'));
    const del = await send('DELETE', promoteUrl(), { Authorization: `Bearer ${token}` }, '').catch((e: TransportError) => e);
    assert.ok(del instanceof TransportError && del.status === 403 && /fabrikam-wif \(service principal\)/.test(del.body), 'a contributor, named as the connection');
  });

  it('builds the two URLs the way the agent and Entra expect', () => {
    assert.equal(oidcTokenUrl('https://dev.azure.com/fabrikam/p/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken', 'abc'),
      'https://dev.azure.com/fabrikam/p/_apis/distributedtask/hubs/build/plans/1/jobs/2/oidctoken?api-version=7.1&serviceConnectionId=abc');
    assert.equal(entraTokenUrl('https://login.windows.net/', 'contoso.onmicrosoft.com'), 'https://login.windows.net/contoso.onmicrosoft.com/oauth2/v2.0/token');
    assert.equal(entraTokenUrl('https://login.microsoftonline.us', 'x'), 'https://login.microsoftonline.us/x/oauth2/v2.0/token');
  });

  it('refuses settings that would send a token somewhere else, before any request', async () => {
    const cases: [Partial<WifSettings>, RegExp][] = [
      [{ authorityHost: 'http://login.example.invalid/' }, /must use https/],
      [{ tenantId: '../../evil' }, /tenant id/],
      [{ tenantId: 'a/b' }, /tenant id/],
      [{ clientId: 'x?y=1' }, /client id/],
      [{ oidcRequestUri: 'http://127.0.0.5:1/x/oidctoken' }, /not on the collection's host/],
      [{ oidcRequestUri: 'https://user:pw@dev.azure.com/x', collectionUri: undefined }, /credentials/],
      [{ systemAccessToken: '' }, /needs systemAccessToken/],
    ];
    for (const [o, re] of cases) {
      await assert.rejects(workloadIdentityToken(transport, settings(o)), (e: unknown) => e instanceof WifError && e.stage === 'settings' && re.test(e.message), JSON.stringify(o));
    }
    assert.equal(em.log.length, 0);
  });

  it('says which step failed and why, with Entra\'s AADSTS code and no token in the message', async () => {
    const other = 'c0ffee00-1111-4222-8333-944455556666';
    em.addServiceConnection({ id: other, project: 'Fabrikam', tenantId: em.wif(SC).tenantId, clientId: '11111111-2222-4333-8444-555555555555', role: 'owner' });
    // The OIDC token of one connection presented for another app: no federated credential matches.
    const wrongApp = await workloadIdentityToken(transport, settings({ clientId: '11111111-2222-4333-8444-555555555555' })).then(() => assert.fail('no error'), (e: unknown) => e);
    assert.ok(wrongApp instanceof WifError);
    assert.equal(wrongApp.stage, 'entra');
    assert.equal(wrongApp.aadsts, 'AADSTS700213');
    assert.match(wrongApp.message, /no federated credential/);
    assert.doesNotMatch(wrongApp.message, new RegExp(em.tokens.reader));

    const unknownApp = await workloadIdentityToken(transport, settings({ clientId: '99999999-2222-4333-8444-555555555555' })).then(() => assert.fail('no error'), (e: WifError) => e);
    assert.equal(unknownApp.aadsts, 'AADSTS700016');
    const unknownTenant = await workloadIdentityToken(transport, settings({ tenantId: 'contoso.example' })).then(() => assert.fail('no error'), (e: WifError) => e);
    assert.equal(unknownTenant.aadsts, 'AADSTS90002');

    const unknownConnection = await workloadIdentityToken(transport, settings({ serviceConnectionId: '00000000-0000-4000-8000-000000000000' })).then(() => assert.fail('no error'), (e: WifError) => e);
    assert.equal(unknownConnection.stage, 'oidc');
    assert.equal(unknownConnection.status, 404);

    const job = em.tokens.reader;
    em.revoke(job);
    const revoked = await workloadIdentityToken(transport, settings({ systemAccessToken: job })).then(() => assert.fail('no error'), (e: WifError) => e);
    assert.equal(revoked.stage, 'oidc');
    assert.equal(revoked.status, 401);
  });

  it('takes no answer without a token for one, and keeps an echoed job token out of its message', async () => {
    em.fault({ status: 200, body: {}, match: { route: 'distributedtask.oidctoken' } });
    await assert.rejects(workloadIdentityToken(transport, settings()), (e: unknown) => e instanceof WifError && e.stage === 'oidc' && /without a token/.test(e.message));
    em.fault({ status: 200, body: { token_type: 'Bearer' }, match: { route: 'entra.token' } });
    await assert.rejects(workloadIdentityToken(transport, settings()), (e: unknown) => e instanceof WifError && e.stage === 'entra' && /without an access token/.test(e.message));
    em.fault({ status: 200, body: { token_type: 'pop', access_token: 'x' }, match: { route: 'entra.token' } });
    await assert.rejects(workloadIdentityToken(transport, settings()), /not a bearer token/);
    em.fault({ status: 400, echoAuthorization: true, match: { route: 'distributedtask.oidctoken' } });
    const echoed = await workloadIdentityToken(transport, settings()).then(() => assert.fail('no error'), (e: WifError) => e);
    assert.equal(echoed.stage, 'oidc');
    assert.match(echoed.message, /Bearer \*\*\*/);
    assert.doesNotMatch(echoed.message, new RegExp(em.tokens.reader));
  });

  it('flags a client that sends a token to Entra', async () => {
    const leaky: FormTransport & JsonPoster = { ...transport, postForm: (url, fields) => transport.postForm(url, fields, { Authorization: `Bearer ${em.tokens.reader}` }) };
    await workloadIdentityToken(leaky, settings());
    assert.deepEqual(em.nonconforming().map((r) => r.reason), ['an Authorization header was sent to the Entra token endpoint']);
    em.clearLog();
  });
});
