import * as assert from 'node:assert/strict';
import { Emulator } from '../index';
import { call, promote } from './helpers';

describe('emulator identity', () => {
  let em: Emulator;
  const V = () => `${em.urls.pkgs}/Fabrikam/_apis/packaging/feeds/internal/nuget/packages/Contoso.Core/versions/1.1.0?api-version=7.1`;
  const list = () => `${em.urls.feeds}/Fabrikam/_apis/packaging/Feeds/internal/packages?api-version=7.1`;
  before(async () => {
    em = await Emulator.start({
      fixture: {
        tokens: [{ token: 'custom-reader', role: 'reader', name: 'Custom Reader' }],
        feeds: [{ name: 'internal', project: 'Fabrikam', packages: [{ protocol: 'nuget', name: 'Contoso.Core', versions: [{ version: '1.1.0' }] }] }],
      },
    });
  });
  after(async () => { await em.stop(); });
  beforeEach(() => em.reset());
  afterEach(() => assert.deepEqual(em.nonconforming(), []));

  it('keeps the default tokens and prefers the fixture\'s own', () => {
    assert.deepEqual(em.tokens, { owner: 'owner-token', contributor: 'contributor-token', reader: 'custom-reader' });
  });

  it('accepts Bearer and Basic (any user name, the token as password)', async () => {
    assert.equal((await call('GET', list(), { token: 'reader-token' })).status, 200);
    assert.equal((await call('GET', list(), { token: 'custom-reader', basic: true })).status, 200);
    assert.deepEqual(em.log[1].auth, { scheme: 'Basic', token: 'custom-reader' });
  });

  it('answers 203 with a sign-in page without X-TFS-FedAuthRedirect: Suppress, else 401 with WWW-Authenticate', async () => {
    const page = await call('GET', list(), { token: null, suppress: false });
    assert.equal(page.status, 203);
    assert.match(String(page.headers['content-type']), /text\/html/);
    const badToken = await call('GET', list(), { token: 'expired', suppress: false });
    assert.equal(badToken.status, 203);
    for (const token of [null, 'expired']) {
      const r = await call('GET', list(), { token });
      assert.equal(r.status, 401);
      assert.ok(r.headers['www-authenticate']);
      assert.equal(r.json.typeKey, 'UnauthorizedRequestException');
    }
  });

  it('lets a reader read, a contributor promote and unlist, an owner delete and restore; 403 names the identity', async () => {
    const reader = await call('PATCH', V(), { token: 'custom-reader', body: promote('Release') });
    assert.equal(reader.status, 403);
    assert.equal(reader.json.typeKey, 'FeedNeedsPermissionsException');
    assert.match(reader.json.message, /Custom Reader/);
    assert.match(reader.json.message, /^User 'Custom Reader' lacks permission to complete this action\. You need to have 'PromotePackage'\.$/);
    assert.equal((await call('PATCH', V(), { token: 'contributor-token', body: promote('Release') })).status, 202);
    assert.equal((await call('PATCH', V(), { token: 'contributor-token', body: { listed: false } })).status, 202);
    const del = await call('DELETE', V(), { token: 'contributor-token' });
    assert.equal(del.status, 403);
    assert.match(del.json.message, /You need to have 'DeletePackage'/);
    const batch = await call('POST', V().replace(/packages\/.*\?/, 'packagesbatch?').replace('7.1', '7.1-preview.1'),
      { token: 'contributor-token', body: { operation: 'delete', packages: [{ id: 'Contoso.Core', version: '1.1.0' }] } });
    assert.equal(batch.status, 403);
    assert.equal((await call('DELETE', V(), { token: 'owner-token' })).status, 202);
    const rb = V().replace('nuget/packages', 'nuget/RecycleBin/packages').replace('7.1', '7.1-preview.1');
    assert.equal((await call('PATCH', rb, { token: 'contributor-token', body: { deleted: false } })).status, 403);
    assert.equal((await call('PATCH', rb, { token: 'owner-token', body: { deleted: false } })).status, 202);
    assert.equal(em.versions('internal', 'nuget', 'contoso.core')[0].deleted, false);
  });
});
