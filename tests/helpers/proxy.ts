/** Test helper: a forward proxy on loopback. */
import * as http from 'node:http';
import * as net from 'node:net';

/** A forward proxy on loopback that tunnels CONNECT, recording each tunnel and its credentials. */
export async function startProxy(answer = 200) {
  const tunnels: { to: string; auth?: string }[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_q, res) => { res.statusCode = 405; res.end(); });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    tunnels.push({ to: req.url ?? '', auth: req.headers['proxy-authorization'] });
    sockets.add(client);
    if (answer !== 200) {
      client.end(`HTTP/1.1 ${answer} Nope\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? '').split(':');
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
  await new Promise<void>((r) => server.listen(0, '127.0.0.5', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.5:${port}`,
    tunnels,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

