import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { AzureHttp } from '../../../src/azure/http';
import { Transport } from '../../../src/azure/transport';
import { json, serve } from './loopback';
import { startProxy } from '../../helpers/proxy';

const fixtures = path.join(__dirname, '..', '..', '..', '..', 'tests', 'unit', 'azure', 'fixtures');
const caFile = path.join(fixtures, 'loopback-cert.pem');

async function startHttps() {
  const seen: string[] = [];
  const server = https.createServer({ cert: fs.readFileSync(caFile), key: fs.readFileSync(path.join(fixtures, 'loopback-key.pem')) }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"secure":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.7', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return { url: `https://127.0.0.7:${port}`, seen, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('azure transport: proxy and certificates', () => {
  it('tunnels through the agent proxy with its credentials, and keeps the tunnel alive', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, { ok: true })]);
    const t = new Transport({ proxy: { proxyUrl: proxy.url, proxyUsername: 'me', proxyPassword: 'p@ss' } }, 2000, 4, 'test');
    try {
      const a = await t.send('GET', `${target.url}/a`, undefined, {});
      const b = await t.send('GET', `${target.url}/b`, undefined, {});
      assert.equal(a.status, 200);
      assert.equal(b.body.toString(), '{"ok":true}');
      assert.equal(proxy.tunnels.length, 1, 'one tunnel for both requests');
      assert.equal(proxy.tunnels[0].to, new URL(target.url).host);
      assert.equal(proxy.tunnels[0].auth, `Basic ${Buffer.from('me:p@ss').toString('base64')}`);
    } finally {
      t.close();
      await target.close();
      await proxy.close();
    }
  });

  it('goes direct to a URL on the bypass list', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, {})]);
    const t = new Transport({ proxy: { proxyUrl: proxy.url, proxyBypassHosts: ['127\\.0\\.0\\.1'] } }, 2000, 4, 'test');
    try {
      assert.equal((await t.send('GET', target.url, undefined, {})).status, 200);
      assert.equal(proxy.tunnels.length, 0);
      assert.equal(target.seen.length, 1);
    } finally {
      t.close();
      await target.close();
      await proxy.close();
    }
  });

  it('a proxy that refuses the tunnel is a network failure', async () => {
    const proxy = await startProxy(407);
    const t = new Transport({ proxy: { proxyUrl: proxy.url } }, 2000, 4, 'test');
    try {
      await assert.rejects(t.send('GET', 'http://127.0.0.1:9/x', undefined, {}), /proxy refused the tunnel \(407\)/);
    } finally {
      t.close();
      await proxy.close();
    }
  });

  it('trusts the agent CA file for https, directly and through the proxy; not without it', async () => {
    const server = await startHttps();
    const proxy = await startProxy();
    const direct = new Transport({ cert: { caFile } }, 2000, 4, 'test');
    const tunnelled = new Transport({ cert: { caFile }, proxy: { proxyUrl: proxy.url } }, 2000, 4, 'test');
    const untrusting = new Transport({}, 2000, 4, 'test');
    try {
      assert.equal((await direct.send('GET', `${server.url}/d`, undefined, {})).body.toString(), '{"secure":true}');
      assert.equal((await tunnelled.send('GET', `${server.url}/t`, undefined, {})).status, 200);
      assert.equal(proxy.tunnels.length, 1);
      await assert.rejects(untrusting.send('GET', `${server.url}/u`, undefined, {}), (e: NodeJS.ErrnoException) => /CERT|SELF_SIGNED/i.test(String(e.code)));
      assert.deepEqual(server.seen, ['GET /d', 'GET /t']);
    } finally {
      direct.close();
      tunnelled.close();
      untrusting.close();
      await proxy.close();
      await server.close();
    }
  });

  it('the API client sends through the proxy too', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, { v: 1 })]);
    const c = new AzureHttp({
      credential: { kind: 'bearer', token: 't' },
      timeoutMs: 2000,
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalWaitMs: 10 },
      requestOptions: { proxy: { proxyUrl: proxy.url } },
    });
    try {
      c.trust(target.url);
      assert.equal((await c.json<{ v: number }>({ method: 'GET', url: target.url, apiVersion: '7.1' })).body?.v, 1);
      assert.equal(proxy.tunnels.length, 1);
      assert.equal(target.seen[0].auth, 'Bearer t');
    } finally {
      c.close();
      await target.close();
      await proxy.close();
    }
  });
});
