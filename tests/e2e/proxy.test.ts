import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { useEmulator } from '../helpers/e2e';
import { runTask } from '../helpers/run-task';
import { nugetFixture } from '../helpers/fixtures';

/** A forward proxy on loopback that tunnels CONNECT and records where each tunnel went. */
function startProxy(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    targets.push(req.url ?? '');
    sockets.add(client);
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.5', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.5:${port}`,
        targets,
        close: () => new Promise((r) => {
          for (const s of sockets) s.destroy();
          server.close(() => r());
        }),
      });
    });
  });
}

describe('e2e proxy: the agent proxy setting', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('sends every request, location service included, through the agent proxy', async () => {
    const proxy = await startProxy();
    try {
      const r = await runTask(h.emu, { action: 'download', feed: 'Fabrikam/internal', packages: 'Contoso.Core@2.0.0' }, { env: { AGENT_PROXYURL: proxy.url } });
      assert.equal(r.result?.status, 'Succeeded', r.result?.message);
      const hosts = new Set(proxy.targets.map((t) => t.split(':')[0]));
      for (const url of [h.emu.urls.org, h.emu.urls.feeds, h.emu.urls.pkgs, h.emu.urls.blob]) {
        assert.ok(hosts.has(new URL(url).hostname), `${url} not reached through the proxy: ${[...hosts].join(', ')}`);
      }
    } finally {
      await proxy.close();
    }
  });
});
