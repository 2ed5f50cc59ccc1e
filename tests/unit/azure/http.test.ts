import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, HttpError, LostAnswerError, RetriesExhaustedError } from '../../../src/azure/errors';
import { AzureHttp, HttpOptions } from '../../../src/azure/http';

type Script = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

interface Seen { method: string; url: string; auth?: string; body: string; headers: http.IncomingHttpHeaders }

/** A loopback server that answers each request with the next step of a script. */
async function serve(host: string, steps: Script[]): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  let i = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, headers: req.headers });
      const step = steps[Math.min(i++, steps.length - 1)];
      step(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://${host}:${port}`, seen, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}): Script => (_q, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
};
const empty = (status: number, headers: Record<string, string> = {}): Script => (_q, res) => { res.writeHead(status, headers); res.end(); };
const drop: Script = (req) => req.socket.destroy();

function client(overrides: Partial<HttpOptions> = {}) {
  const pauses: number[] = [];
  const c = new AzureHttp({
    credential: { kind: 'bearer', token: 'secret-token' },
    timeoutMs: 2000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 60_000 },
    sleep: async (ms) => { pauses.push(ms); },
    random: () => 0.5,
    ...overrides,
  });
  return { c, pauses };
}

describe('azure http client', () => {
  it('adds the api-version and sends the token only to trusted origins', async () => {
    const a = await serve('127.0.0.1', [json(200, { ok: 1 })]);
    const b = await serve('127.0.0.2', [json(200, { ok: 2 })]);
    try {
      const { c } = client();
      c.trust(`${a.url}/org/`);
      const r1 = await c.json<{ ok: number }>({ method: 'GET', url: `${a.url}/x?y=1`, apiVersion: '7.1' });
      const r2 = await c.json<{ ok: number }>({ method: 'GET', url: `${b.url}/x`, apiVersion: '7.1-preview.1' });
      assert.equal(r1.body?.ok, 1);
      assert.equal(r2.body?.ok, 2);
      assert.equal(a.seen[0].url, '/x?y=1&api-version=7.1');
      assert.equal(a.seen[0].auth, 'Bearer secret-token');
      assert.equal(a.seen[0].headers['x-tfs-fedauthredirect'], 'Suppress');
      assert.equal(b.seen[0].auth, undefined);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('presents a personal access token as Basic', async () => {
    const a = await serve('127.0.0.1', [json(200, {})]);
    try {
      const { c } = client({ credential: { kind: 'pat', token: 'pat' } });
      c.trust(a.url);
      await c.json({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(a.seen[0].auth, `Basic ${Buffer.from(':pat').toString('base64')}`);
    } finally {
      await a.close();
    }
  });

  it('retries 429 after Retry-After, and 5xx with growing back-off, on reads', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '3' }), empty(503), empty(502), json(200, { v: 1 })]);
    try {
      const { c, pauses } = client();
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 1);
      assert.equal(a.seen.length, 4);
      assert.equal(pauses[0], 3000, 'Retry-After is honoured');
      assert.deepEqual(pauses.slice(1), [150, 300], 'back-off doubles, with jitter');
      assert.equal(c.stats.retries, 3);
    } finally {
      await a.close();
    }
  });

  it('gives up after the bounded number of attempts', async () => {
    const a = await serve('127.0.0.1', [empty(500)]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof RetriesExhaustedError && e.attempts === 4);
      assert.equal(a.seen.length, 4);
    } finally {
      await a.close();
    }
  });

  it('waits exactly what Retry-After asks, past the back-off cap, and never resends early', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '45' }), json(200, {})]);
    try {
      const { c, pauses } = client({ retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 60_000 } });
      await c.json({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.deepEqual(pauses, [45_000]);
    } finally {
      await a.close();
    }
  });

  it('gives up at once when Retry-After asks for more than the total budget, saying so', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '3600' })]);
    try {
      const { c, pauses } = client({ retry: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 12_000 } });
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof RetriesExhaustedError && e.attempts === 1 && /3600 s/.test(e.message));
      assert.deepEqual(pauses, []);
      assert.equal(a.seen.length, 1);
    } finally {
      await a.close();
    }
  });

  it('a connection dropped in the middle of the answer: a lost answer for a change, retried for a read', async () => {
    const half: Script = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"value":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const a = await serve('127.0.0.1', [half, half, json(200, { v: 4 })]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'PATCH', url: a.url, apiVersion: '7.1', body: {}, changes: true }), LostAnswerError);
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 4);
      assert.equal(a.seen.length, 3);
    } finally {
      await a.close();
    }
  });

  it('a 2xx that is not JSON is an authentication failure only where the token was sent', async () => {
    const page: Script = (_q, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<html></html>'); };
    const a = await serve('127.0.0.1', [page]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof HttpError && !(e instanceof AuthenticationError));
    } finally {
      await a.close();
    }
  });

  it('does not resend a change whose answer was lost; a 429 on a change is retried', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '0' }), empty(503)]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'PATCH', url: a.url, apiVersion: '7.1', body: { listed: false }, changes: true }), LostAnswerError);
      assert.equal(a.seen.length, 2);
      assert.equal(a.seen[1].body, '{"listed":false}');
      assert.equal(a.seen[1].headers['content-type'], 'application/json');
    } finally {
      await a.close();
    }
  });

  it('a dropped connection on a change is a lost answer; on a read it is retried', async () => {
    const a = await serve('127.0.0.1', [drop, json(200, { v: 2 })]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'POST', url: a.url, apiVersion: '7.1', body: {}, changes: true }), LostAnswerError);
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 2);
    } finally {
      await a.close();
    }
  });

  it('times out a request that takes too long', async () => {
    const slow: Script = (_q, res) => setTimeout(() => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); }, 1500);
    const a = await serve('127.0.0.1', [slow, json(200, { v: 3 })]);
    try {
      const { c } = client({ timeoutMs: 300 });
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 3);
      assert.equal(a.seen.length, 2);
    } finally {
      await a.close();
    }
  });

  it('401, 203 and a non-JSON answer are authentication failures', async () => {
    const page: Script = (_q, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('<html>sign in</html>'); };
    const a = await serve('127.0.0.1', [json(401, { message: 'TF400813: not authorized' }), empty(203), page]);
    try {
      const { c } = client();
      c.trust(a.url);
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof AuthenticationError && e.status === 401 && /TF400813/.test(e.serverMessage));
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof AuthenticationError && e.status === 203);
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), AuthenticationError);
    } finally {
      await a.close();
    }
  });

  it('other 4xx are not retried and carry the service message', async () => {
    const a = await serve('127.0.0.1', [json(404, { message: 'Feed does not exist', typeKey: 'FeedIdNotFoundException' })]);
    try {
      const { c } = client();
      await assert.rejects(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), (e) => e instanceof HttpError && e.status === 404 && e.typeKey === 'FeedIdNotFoundException');
      assert.equal(a.seen.length, 1);
    } finally {
      await a.close();
    }
  });

  it('hands redirects back when asked and downloads without the token', async () => {
    const blob = await serve('127.0.0.4', [(_q, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); res.end(Buffer.from([1, 2, 3])); }]);
    const api = await serve('127.0.0.3', [empty(303, { Location: `${blob.url}/b/c?sig=x` })]);
    try {
      const { c } = client();
      c.trust(api.url);
      const r = await c.json({ method: 'GET', url: api.url, apiVersion: '7.1', manualRedirect: true });
      assert.equal(r.status, 303);
      const bytes = await c.download(String(r.headers.location));
      assert.deepEqual([...bytes], [1, 2, 3]);
      assert.equal(api.seen[0].auth, 'Bearer secret-token');
      assert.equal(blob.seen[0].auth, undefined);
    } finally {
      await api.close();
      await blob.close();
    }
  });
});
