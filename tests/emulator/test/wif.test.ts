import * as assert from 'node:assert/strict';
import { AZURE_DEVOPS_SCOPE, Emulator } from '../index';
import { call } from './helpers';

describe('emulator workload identity federation endpoints', () => {
  let em: Emulator;
  const SC = 'b8a5f0c2-3e4d-4a6b-9c7d-1e2f3a4b5c6d';
  const oidc = (q = `?api-version=7.1&serviceConnectionId=${SC}`) => `${em.wif(SC).oidcRequestUri}${q}`;
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const token = () => `${em.urls.entra}/${em.wif(SC).tenantId}/oauth2/v2.0/token`;
  before(async () => { em = await Emulator.start(); });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());

  it('issues an OIDC token to a valid job token only, for a connection of the project', async () => {
    assert.equal((await call('POST', oidc(), { token: null })).status, 401);
    assert.equal((await call('POST', oidc(), { token: 'reader-token', suppress: false })).status, 200);
    const r = await call('POST', oidc(), { token: 'reader-token', body: {} });
    assert.equal(r.status, 200);
    const claims = JSON.parse(Buffer.from(r.json.oidcToken.split('.')[1], 'base64url').toString());
    assert.equal(claims.sub, 'sc://fabrikam/Fabrikam/fabrikam-wif');
    assert.equal(claims.aud, 'api://AzureADTokenExchange');
    const other = oidc().replace(em.wif(SC).projectId, 'Contoso');
    assert.equal((await call('POST', other, { token: 'reader-token' })).status, 404, 'a connection of another project');
    assert.equal((await call('POST', oidc('?api-version=7.1'), { token: 'reader-token' })).status, 400);
    assert.equal((await call('POST', oidc(`?api-version=5.0&serviceConnectionId=${SC}`), { token: 'reader-token' })).status, 400);
    assert.deepEqual(em.nonconforming().map((x) => x.status), [400, 400]);
  });

  it('answers Entra\'s own error shapes to a malformed exchange', async () => {
    const assertion = (await call('POST', oidc(), { token: 'reader-token' })).json.oidcToken as string;
    const good = { grant_type: 'client_credentials', client_id: em.wif(SC).clientId, scope: AZURE_DEVOPS_SCOPE, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
    const post = (o: Record<string, string>, contentType = 'application/x-www-form-urlencoded') => call('POST', token(), { token: null, body: form(o), contentType });
    const cases: [Record<string, string>, string, number][] = [
      [{ ...good, scope: 'https://management.azure.com/.default' }, 'invalid_scope', 1002012],
      [{ ...good, grant_type: 'password' }, 'unsupported_grant_type', 70003],
      [{ ...good, client_assertion: assertion.slice(0, -2) + 'xx' }, 'invalid_client', 50027],
      [{ ...good, client_secret: 's' }, 'invalid_request', 900144],
    ];
    for (const [o, error, code] of cases) {
      const r = await post(o);
      assert.equal(r.status, 400, error);
      assert.equal(r.json.error, error);
      assert.deepEqual(r.json.error_codes, [code]);
      assert.match(r.json.error_description, new RegExp(`^AADSTS${code}: `));
    }
    assert.equal((await call('POST', token(), { token: null, body: good })).status, 400, 'JSON is not a form');
    const ok = await post(good);
    assert.equal(ok.status, 200);
    assert.equal(ok.json.token_type, 'Bearer');
    assert.equal(ok.json.expires_in, 3599);
    const feeds = await call('GET', `${em.urls.feeds}/_apis/packaging/feeds?api-version=7.1`, { token: ok.json.access_token });
    assert.equal(feeds.status, 200);
  });
});
