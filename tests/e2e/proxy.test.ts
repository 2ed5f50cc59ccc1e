import * as assert from 'node:assert/strict';
import { useEmulator } from '../helpers/e2e';
import { runTask } from '../helpers/run-task';
import { nugetFixture } from '../helpers/fixtures';
import { startProxy } from '../helpers/proxy';

describe('e2e proxy: the agent proxy setting', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('sends every request, location service included, through the agent proxy', async () => {
    const proxy = await startProxy();
    try {
      const r = await runTask(h.emu, { action: 'download', feed: 'Fabrikam/internal', packages: 'Contoso.Core@2.0.0' }, { env: { AGENT_PROXYURL: proxy.url } });
      assert.equal(r.result?.status, 'Succeeded', r.result?.message);
      const hosts = new Set(proxy.tunnels.map((t) => t.to).map((t) => t.split(':')[0]));
      for (const url of [h.emu.urls.org, h.emu.urls.feeds, h.emu.urls.pkgs, h.emu.urls.blob]) {
        assert.ok(hosts.has(new URL(url).hostname), `${url} not reached through the proxy: ${[...hosts].join(', ')}`);
      }
    } finally {
      await proxy.close();
    }
  });

  it('with the agent proxy\'s credentials (its password a secret variable) and its bypass list', async () => {
    const proxy = await startProxy();
    try {
      const blob = new URL(h.emu.urls.blob).hostname;
      const r = await runTask(h.emu, { action: 'download', feed: 'Fabrikam/internal', packages: 'Contoso.Core@2.0.0' }, {
        env: {
          AGENT_PROXYURL: proxy.url,
          AGENT_PROXYUSERNAME: 'build-agent',
          // The agent hands its secret variables to the task this way; task-lib keeps them in its vault.
          SECRET_AGENT_PROXYPASSWORD: 'pr0xy-pass;word',
          AGENT_PROXYBYPASSLIST: JSON.stringify([blob.replace(/\./g, '\\.')]),
        },
      });
      assert.equal(r.result?.status, 'Succeeded', r.result?.message);
      assert.ok(proxy.tunnels.length > 0);
      const basic = `Basic ${Buffer.from('build-agent:pr0xy-pass;word').toString('base64')}`;
      assert.deepEqual(proxy.tunnels.filter((t) => t.auth !== basic), []);
      const hosts = new Set(proxy.tunnels.map((t) => t.to.split(':')[0]));
      assert.ok(!hosts.has(blob), 'the bypass list sends blob storage direct');
      assert.ok(hosts.has(new URL(h.emu.urls.org).hostname) && hosts.has(new URL(h.emu.urls.pkgs).hostname));
      assert.equal(h.emu.log.filter((x) => x.host === 'blob').length, 1);
    } finally {
      await proxy.close();
    }
  });
});
