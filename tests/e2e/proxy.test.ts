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
});
