import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { AzureHttp, environmentProxy, HttpOptions } from '../../../src/azure/http';
import { explain } from '../../../src/engine/explain';
import { Failure, FailureError } from '../../../src/engine/failures';
import { format } from '../../../src/engine/messages';
import { fakeTime, json, serve } from './loopback';
import { startProxy } from '../../helpers/proxy';
import { useEmulator } from '../../helpers/e2e';
import { nugetFixture } from '../../helpers/fixtures';
import { runInProcess } from '../../helpers/in-process';

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

function client(overrides: Partial<HttpOptions> = {}) {
  const time = fakeTime();
  const c = new AzureHttp({
    credential: { kind: 'bearer', token: 'network-token-0123' },
    timeoutMs: 2000,
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 120_000 },
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    ...overrides,
  });
  return { c, pauses: time.pauses };
}

async function failureOf(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FailureError, String(e));
    return e.failure;
  }
  assert.fail('expected a failure');
}

const said = (f: Failure) => format(explain(f, { action: 'promote', role: 'contributor', feed: 'internal' }));

describe('azure http: proxy and certificates', () => {
  it('tunnels through the agent proxy with its credentials, the token going only to the target', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, { v: 1 })]);
    const { c } = client({ requestOptions: { proxy: { proxyUrl: proxy.url, proxyUsername: 'me', proxyPassword: 'p@ss' } } });
    try {
      c.trust(target.url);
      assert.equal((await c.json<{ v: number }>({ method: 'GET', url: `${target.url}/a`, apiVersion: '7.1' })).body?.v, 1);
      assert.equal(proxy.tunnels.length, 1);
      assert.equal(proxy.tunnels[0].to, new URL(target.url).host);
      assert.equal(proxy.tunnels[0].auth, `Basic ${Buffer.from('me:p@ss').toString('base64')}`);
      assert.equal(target.seen[0].auth, 'Bearer network-token-0123');
    } finally {
      c.close();
      await target.close();
      await proxy.close();
    }
  });

  it('goes direct to a URL on the bypass list', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, {})]);
    const { c } = client({ requestOptions: { proxy: { proxyUrl: proxy.url, proxyBypassHosts: ['127\\.0\\.0\\.1'] } } });
    try {
      assert.equal((await c.json({ method: 'GET', url: target.url })).status, 200);
      assert.equal(proxy.tunnels.length, 0);
      assert.equal(target.seen.length, 1);
    } finally {
      c.close();
      await target.close();
      await proxy.close();
    }
  });

  it('without the agent\'s setting (the command line): HTTP_PROXY, and NO_PROXY to go direct', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, {})]);
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
    const viaProxy = client().c;
    let direct: AzureHttp | undefined;
    try {
      process.env.HTTP_PROXY = proxy.url;
      delete process.env.HTTPS_PROXY;
      delete process.env.NO_PROXY;
      await viaProxy.json({ method: 'GET', url: `${target.url}/proxied` });
      assert.equal(proxy.tunnels.length, 1);
      process.env.NO_PROXY = '127.0.0.1';
      direct = client().c;
      await direct.json({ method: 'GET', url: `${target.url}/direct` });
      assert.equal(proxy.tunnels.length, 1, 'NO_PROXY names the host: no tunnel');
      assert.deepEqual(target.seen.map((x) => x.url), ['/proxied', '/direct']);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      viaProxy.close();
      direct?.close();
      await target.close();
      await proxy.close();
    }
  });

  it('NO_PROXY as users write it: host names with spaces and a leading dot, never a word inside the path', async () => {
    const proxy = await startProxy();
    const target = await serve('127.0.0.1', [json(200, {})]);
    const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
    const saved = Object.fromEntries(names.map((k) => [k, process.env[k]]));
    const made: AzureHttp[] = [];
    const get = async (noProxy: string, path: string) => {
      process.env.NO_PROXY = noProxy;
      const c = client().c;
      made.push(c);
      await c.json({ method: 'GET', url: `${target.url}${path}` });
      return proxy.tunnels.length;
    };
    try {
      for (const k of names) delete process.env[k];
      // The proxy's credentials in its URL are the proxy's credentials.
      process.env.HTTP_PROXY = proxy.url.replace('://', '://me:p%40ss@');
      // `localhost` is another host, though the path names it: through the proxy.
      assert.equal(await get('.example.com,localhost', '/_apis/localhost/x'), 1);
      assert.equal(proxy.tunnels[0].auth, `Basic ${Buffer.from('me:p@ss').toString('base64')}`);
      // A space after the comma, as people write lists: still this host, direct.
      assert.equal(await get('.example.com, 127.0.0.1', '/a'), 1);
      // Another port of the host than the one named: through the proxy.
      assert.equal(await get('127.0.0.1:1', '/b'), 2);
      assert.equal(await get(`127.0.0.1:${new URL(target.url).port}`, '/c'), 2);
      assert.equal(await get('*', '/d'), 2);
      assert.deepEqual(target.seen.map((x) => x.url), ['/_apis/localhost/x', '/a', '/b', '/c', '/d']);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      for (const c of made) c.close();
      await target.close();
      await proxy.close();
    }
  });

  it('a NO_PROXY entry names a host and its subdomains, whatever the rest of the URL says', () => {
    const bypassed = (noProxy: string, url: string) => {
      const p = environmentProxy({ HTTPS_PROXY: 'http://proxy.example:3128', NO_PROXY: noProxy }, new URL(url).protocol);
      return !p || (p.proxyBypassHosts ?? []).some((x) => new RegExp(x, 'i').test(url));
    };
    assert.ok(bypassed('.example.com', 'https://example.com/x'));
    assert.ok(bypassed('.example.com', 'https://a.b.example.com:8443/x'));
    assert.ok(bypassed('example.com', 'https://pkgs.example.com/x'));
    assert.ok(bypassed('*.example.com', 'https://pkgs.example.com/x'));
    assert.ok(bypassed('EXAMPLE.com', 'https://example.com/x'));
    assert.ok(!bypassed('example.com', 'https://badexample.com/x'));
    assert.ok(!bypassed('example.com', 'https://example.com.evil.test/x'));
    assert.ok(!bypassed('.example.com', 'https://dev.azure.com/example.com/_apis'));
    assert.ok(!bypassed('localhost', 'https://dev.azure.com/x?q=localhost'));
    assert.ok(!bypassed('dev.azure.com:8443', 'https://dev.azure.com/x'));
    assert.ok(bypassed('::1', 'https://[::1]:8080/x'));
    assert.ok(bypassed('', 'https://dev.azure.com/x') === false);
    // HTTPS_PROXY is for https; an http URL takes HTTP_PROXY (none here).
    assert.equal(environmentProxy({ HTTPS_PROXY: 'http://proxy.example:3128' }, 'http:'), undefined);
    assert.equal(environmentProxy({ https_proxy: 'http://proxy.example:3128' }, 'https:')?.proxyUrl, 'http://proxy.example:3128/');
  });

  it('a proxy that refuses the tunnel is a network failure that says so', async () => {
    const proxy = await startProxy(407);
    const { c } = client({ requestOptions: { proxy: { proxyUrl: proxy.url } }, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1, maxTotalWaitMs: 100 } });
    try {
      const f = await failureOf(c.json({ method: 'GET', url: 'http://127.0.0.1:9/x' }));
      assert.equal(f.kind, 'transient');
      assert.match('detail' in f ? f.detail : '', /407/);
    } finally {
      c.close();
      await proxy.close();
    }
  });

  it('trusts the agent CA file for https, directly and through the proxy', async () => {
    const server = await startHttps();
    const proxy = await startProxy();
    const direct = client({ requestOptions: { cert: { caFile } } }).c;
    const tunnelled = client({ requestOptions: { cert: { caFile }, proxy: { proxyUrl: proxy.url } } }).c;
    try {
      assert.deepEqual((await direct.json({ method: 'GET', url: `${server.url}/d` })).body, { secure: true });
      assert.equal((await tunnelled.json({ method: 'GET', url: `${server.url}/t` })).status, 200);
      assert.equal(proxy.tunnels.length, 1);
      assert.deepEqual(server.seen, ['GET /d', 'GET /t']);
    } finally {
      direct.close();
      tunnelled.close();
      await proxy.close();
      await server.close();
    }
  });
});

describe('azure http: a host that cannot be reached is not a busy service', () => {
  it('a name that does not resolve: given up at once, the host named, the URL and proxy to check', async () => {
    const { c, pauses } = client();
    try {
      const f = await failureOf(c.json({ method: 'GET', url: 'https://fabrikam.invalid/_apis/ResourceAreas' }));
      assert.equal(f.kind, 'unreachable');
      assert.equal(f.kind === 'unreachable' && f.reason, 'unknownHost');
      assert.deepEqual(pauses, [], 'not retried');
      assert.equal(c.stats.requests, 1);
      const text = said(f);
      assert.match(text, /fabrikam\.invalid could not be found/);
      assert.match(text, /gave up at once/);
      assert.match(text, /URL/);
      assert.match(text, /the agent's proxy setting/);
    } finally {
      c.close();
    }
  });

  it('an agent proxy that refuses the connection or does not resolve: the proxy named, not retried', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    for (const [proxyUrl, reason, host] of [[`http://127.0.0.1:${port}`, 'refused', `127.0.0.1:${port}`], ['http://proxy.invalid:3128', 'unknownHost', 'proxy.invalid']]) {
      const { c, pauses } = client({ requestOptions: { proxy: { proxyUrl } } });
      try {
        const f = await failureOf(c.json({ method: 'GET', url: 'http://127.0.0.2:8080/_apis/ResourceAreas' }));
        assert.equal(f.kind === 'unreachable' && f.reason, reason, JSON.stringify(f));
        assert.equal(f.kind === 'unreachable' && f.host, host);
        assert.deepEqual(pauses, [], 'not retried');
        assert.match(said(f), /proxy/);
      } finally {
        c.close();
      }
    }
  });

  it('a change to an unknown host is not a lost answer: nothing was sent', async () => {
    const { c } = client();
    try {
      const f = await failureOf(c.json({ method: 'POST', url: 'https://pkgs.invalid/batch', body: {}, changes: true }));
      assert.equal(f.kind, 'unreachable');
    } finally {
      c.close();
    }
  });

  it('a refused connection is named as one, and not retried', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const { c, pauses } = client();
    try {
      const f = await failureOf(c.json({ method: 'GET', url: `http://127.0.0.1:${port}/x` }));
      assert.equal(f.kind === 'unreachable' && f.reason, 'refused', JSON.stringify(f));
      assert.deepEqual(pauses, []);
      const text = said(f);
      assert.match(text, new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`));
      assert.match(text, /host and port/);
    } finally {
      c.close();
    }
  });

  it('an untrusted certificate is named as one, with the certificates to check, and not retried', async () => {
    const server = await startHttps();
    const { c, pauses } = client();
    try {
      const f = await failureOf(c.json({ method: 'GET', url: `${server.url}/u` }));
      assert.equal(f.kind === 'unreachable' && f.reason, 'certificate', JSON.stringify(f));
      assert.deepEqual(pauses, []);
      assert.deepEqual(server.seen, []);
      const text = said(f);
      assert.match(text, new RegExp(`certificate of ${new URL(server.url).host.replace(/\./g, '\\.')} is not trusted`));
      assert.match(text, /the agent's certificate settings \(its CA file\)/);
    } finally {
      c.close();
      await server.close();
    }
  });
});

describe('azure http: a run against a host that does not resolve', function () {
  this.timeout(30_000);
  const h = useEmulator(nugetFixture);

  it('stops after the first request, with the host and what to check, and waits for nothing', async () => {
    const r = await runInProcess(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Contoso.Core@1.0.0', view: 'Release' }, { collectionUrl: 'https://dev.fabrikam.invalid/fabrikam/' });
    assert.equal(r.result?.status, 'Failed');
    assert.match(r.result!.message, /dev\.fabrikam\.invalid could not be found/);
    assert.match(r.result!.message, /gave up at once/);
    assert.equal(r.sleptMs, 0);
    assert.equal(h.emu.log.length, 0);
  });
});
