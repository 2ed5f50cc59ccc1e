import * as assert from 'node:assert/strict';
import type * as http from 'node:http';
import * as zlib from 'node:zlib';
import { Failure, FailureError } from '../../../src/engine/failures';
import { AzureHttp, HttpOptions, identityIn, secretForms } from '../../../src/azure/http';
import { drop, empty, fakeTime, hang, json, page, Script, serve } from './loopback';

const token = 'secret-token-0123456789';

function client(overrides: Partial<HttpOptions> = {}, onSleep?: (ms: number) => void) {
  const time = fakeTime(onSleep);
  const debug: string[] = [];
  const c = new AzureHttp({
    credential: { kind: 'bearer', token },
    timeoutMs: 2000,
    retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 120_000 },
    sleep: time.sleep,
    now: time.now,
    random: () => 0.5,
    debug: (line) => debug.push(line),
    ...overrides,
  });
  return { c, pauses: time.pauses, now: time.now, debug };
}

/** Asserts the promise fails with a FailureError of that kind; returns the failure. */
async function failure<K extends Failure['kind']>(p: Promise<unknown>, kind: K): Promise<Extract<Failure, { kind: K }> & { message: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof FailureError, `not a FailureError: ${String(e)}`);
    assert.equal(e.failure.kind, kind, e.message);
    return { ...(e.failure as Extract<Failure, { kind: K }>), message: e.message };
  }
  assert.fail(`expected a ${kind} failure`);
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
      assert.equal(a.seen[0].auth, `Bearer ${token}`);
      assert.equal(a.seen[0].headers['x-tfs-fedauthredirect'], 'Suppress');
      assert.equal(b.seen[0].auth, undefined);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('another port of a trusted host is another origin: no token', async () => {
    const a = await serve('127.0.0.1', [json(200, {})]);
    const other = await serve('127.0.0.1', [json(200, {})]);
    try {
      const { c } = client();
      c.trust(`${a.url}/org/`);
      await c.json({ method: 'GET', url: `${other.url}/org/_apis/x` });
      await c.json({ method: 'GET', url: `${a.url}/org/_apis/x` });
      assert.equal(other.seen[0].auth, undefined);
      assert.equal(a.seen[0].auth, `Bearer ${token}`);
    } finally {
      await a.close();
      await other.close();
    }
  });

  it('presents a personal access token as Basic, and names its secret forms', async () => {
    const a = await serve('127.0.0.1', [json(200, {})]);
    try {
      const { c } = client({ credential: { kind: 'pat', token: 'pat' } });
      c.trust(a.url);
      await c.json({ method: 'GET', url: a.url, apiVersion: '7.1' });
      const basic = Buffer.from(':pat').toString('base64');
      assert.equal(a.seen[0].auth, `Basic ${basic}`);
      const forms = secretForms({ kind: 'pat', token: 'pat' });
      assert.ok(forms.includes('pat') && forms.includes(basic));
    } finally {
      await a.close();
    }
  });

  it('retries six 429s with Retry-After: 1 and succeeds (429s are not held to the attempt cap)', async () => {
    const steps: Script[] = [...Array(6).fill(json(429, {}, { 'Retry-After': '1' })), json(200, { v: 1 })];
    const a = await serve('127.0.0.1', steps);
    try {
      const { c, pauses } = client();
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 1);
      assert.equal(a.seen.length, 7);
      assert.deepEqual(pauses, [1000, 1000, 1000, 1000, 1000, 1000]);
      assert.equal(c.stats.retries, 6);
    } finally {
      await a.close();
    }
  });

  it('retries 429 after Retry-After, and 5xx with growing jittered back-off, on reads', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '3' }), empty(503), empty(502), json(200, { v: 1 })]);
    try {
      const { c, pauses } = client();
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 1);
      assert.equal(a.seen.length, 4);
      assert.equal(pauses[0], 3000, 'Retry-After is honoured');
      assert.deepEqual(pauses.slice(1), [150, 300], 'back-off doubles, with jitter');
    } finally {
      await a.close();
    }
  });

  it('gives up on 5xx after five attempts, as a transient failure', async () => {
    const a = await serve('127.0.0.1', [json(500, { message: 'boom' })]);
    try {
      const { c } = client();
      const f = await failure(c.json({ method: 'GET', url: `${a.url}/p?q=1`, apiVersion: '7.1' }), 'transient');
      assert.equal(f.attempts, 5);
      assert.equal(f.url, `${a.url}/p`, 'no query string in failures');
      assert.match(f.detail, /500 boom/);
      assert.equal(a.seen.length, 5);
    } finally {
      await a.close();
    }
  });

  it('waits exactly what Retry-After asks, past the back-off cap', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '45' }), json(200, {})]);
    try {
      const { c, pauses } = client();
      await c.json({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.deepEqual(pauses, [45_000]);
    } finally {
      await a.close();
    }
  });

  it('ends at once when Retry-After asks for more than the waiting budget, saying so', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '3600' })]);
    try {
      const { c, pauses } = client();
      const f = await failure(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), 'transient');
      assert.equal(f.attempts, 1);
      assert.equal(f.retryAfterMs, 3_600_000);
      assert.match(f.detail, /asked to wait 3600 s, more than the 120 s left/);
      assert.deepEqual(pauses, []);
      assert.equal(a.seen.length, 1);
    } finally {
      await a.close();
    }
  });

  it('429s without Retry-After end when the waiting budget is used up', async () => {
    const a = await serve('127.0.0.1', [json(429, {})]);
    try {
      const { c, pauses } = client({ retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 } });
      const f = await failure(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), 'transient');
      assert.match(f.detail, /120 s waiting budget is used up/);
      const total = pauses.reduce((s, p) => s + p, 0);
      assert.ok(total <= 120_000, `waited ${total} ms`);
      assert.ok(f.attempts > 5, 'more attempts than the 5xx cap');
    } finally {
      await a.close();
    }
  });

  it('shares a Retry-After among concurrent requests: one started meanwhile waits too', async () => {
    let later: Promise<unknown> | undefined;
    let started = false;
    const time = { now: () => 0 };
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '5' }), json(200, { v: 1 })], () => time.now());
    try {
      const { c, pauses, now } = client({}, () => {
        // The first request got its 429 and is about to sleep: a second request starts now.
        if (!started) {
          started = true;
          later = c.json({ method: 'GET', url: `${a.url}/second`, apiVersion: '7.1' });
        }
      });
      time.now = now;
      const t0 = now();
      const first = c.json({ method: 'GET', url: `${a.url}/first`, apiVersion: '7.1' });
      await first;
      await later;
      const second = a.seen.filter((s) => s.url.startsWith('/second'));
      assert.equal(second.length, 1, 'the second request was not refused: it waited first');
      assert.ok(second[0].at >= t0 + 5000, 'sent only after the Retry-After');
      assert.deepEqual(pauses.slice(0, 2), [5000, 5000]);
    } finally {
      await a.close();
    }
  });

  it('a change whose answer was lost is not resent: 5xx, dropped connection, timeout', async () => {
    const half: Script = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"value":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    for (const step of [empty(503), empty(500), drop, half, hang]) {
      const a = await serve('127.0.0.1', [step, json(200, {})]);
      try {
        const { c } = client({ timeoutMs: 300 });
        const f = await failure(c.json({ method: 'PATCH', url: `${a.url}/v?api-version=x`, apiVersion: '7.1', body: { listed: false }, changes: true }), 'lostAnswer');
        assert.equal(f.method, 'PATCH');
        assert.equal(f.url, `${a.url}/v`);
        assert.equal(a.seen.length, 1);
      } finally {
        await a.close();
      }
    }
  });

  it('a 429 on a change is retried: the service refused it before doing anything', async () => {
    const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '0' }), json(200, {})]);
    try {
      const { c } = client();
      await c.json({ method: 'PATCH', url: a.url, apiVersion: '7.1', body: { listed: false }, changes: true });
      assert.equal(a.seen.length, 2);
      assert.equal(a.seen[1].body, '{"listed":false}');
      assert.equal(a.seen[1].headers['content-type'], 'application/json');
    } finally {
      await a.close();
    }
  });

  it('reads are retried after a dropped connection, a connection dropped mid-answer, and a timeout', async () => {
    const half: Script = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"value":');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const a = await serve('127.0.0.1', [drop, half, hang, json(200, { v: 4 })]);
    try {
      const { c, debug } = client({ timeoutMs: 300 });
      const r = await c.json<{ v: number }>({ method: 'GET', url: a.url, apiVersion: '7.1' });
      assert.equal(r.body?.v, 4);
      assert.equal(a.seen.length, 4);
      assert.equal(debug.filter((l) => l.startsWith('retry')).length, 3);
      assert.ok(debug.some((l) => /no answer within 1 s/.test(l)), debug.join('\n'));
    } finally {
      await a.close();
    }
  });

  it('decodes a gzip answer; one that does not decode is a lost answer, retried on a read, read back on a change', async () => {
    const gzipped = (body: Buffer): Script => (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Encoding': 'gzip' });
      res.end(body);
    };
    const good = zlib.gzipSync(JSON.stringify({ v: 'Ünïcødé' }));
    const a = await serve('127.0.0.1', [gzipped(good), gzipped(good.subarray(0, 12)), gzipped(Buffer.from('not gzip')), gzipped(good), gzipped(Buffer.from('not gzip'))]);
    try {
      const { c, debug } = client();
      assert.equal((await c.json<{ v: string }>({ method: 'GET', url: `${a.url}/one` })).body?.v, 'Ünïcødé');
      // Cut short, then not gzip at all: retried, then the answer.
      assert.equal((await c.json<{ v: string }>({ method: 'GET', url: `${a.url}/two` })).body?.v, 'Ünïcødé');
      assert.equal(debug.filter((l) => /^retry .*gzip/.test(l)).length, 2, debug.join('\n'));
      // A change is not sent again: its answer is unknown, the engine reads back first.
      await failure(c.json({ method: 'POST', url: `${a.url}/three`, body: {}, changes: true }), 'lostAnswer');
      assert.equal(a.seen.length, 5);
    } finally {
      await a.close();
    }
  });

  it('a body that trickles in a byte at a time ends in a timeout all the same, and the read is retried', async () => {
    let dripping: NodeJS.Timeout | undefined;
    const trickles: Script = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100000' });
      // For about four seconds (a test must end, whatever the client does), then nothing.
      let drops = 0;
      dripping = setInterval(() => (++drops > 100 ? clearInterval(dripping) : res.write(' ')), 40);
      res.on('close', () => clearInterval(dripping));
    };
    const a = await serve('127.0.0.1', [trickles, json(200, { v: 6 })]);
    try {
      const { c, debug } = client({ timeoutMs: 200 });
      assert.equal((await c.json<{ v: number }>({ method: 'GET', url: a.url })).body?.v, 6);
      assert.equal(a.seen.length, 2);
      assert.deepEqual(debug.filter((l) => l.startsWith('retry')).map((l) => /did not arrive whole within 1 s/.test(l)), [true], debug.join('\n'));
    } finally {
      clearInterval(dripping);
      await a.close();
    }
  });

  it('a body that stops arriving times out as the head would, and the read is retried', async () => {
    const stalls: Script = (_q, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"value":');
    };
    const a = await serve('127.0.0.1', [stalls, json(200, { v: 5 })]);
    try {
      const { c, debug } = client({ timeoutMs: 200 });
      assert.equal((await c.json<{ v: number }>({ method: 'GET', url: a.url })).body?.v, 5);
      assert.equal(a.seen.length, 2);
      assert.deepEqual(debug.filter((l) => l.startsWith('retry')).map((l) => /no answer within 1 s/.test(l)), [true], debug.join('\n'));
    } finally {
      await a.close();
    }
  });

  it('turns each status into its failure kind', async () => {
    const forbidden = json(403, { message: "User 'Fabrikam Build Service (fabrikam)' (1234) lacks permission to complete this action. You need to have 'AddPackage'." });
    const a = await serve('127.0.0.1', [
      json(401, { message: 'TF400813: not authorized' }), page(203), page(200), forbidden, json(404, { message: 'Feed does not exist' }),
      json(409, { message: 'not in the recycle bin' }), json(400, { message: 'bad' }), empty(302, { Location: 'http://127.0.0.9/x' }),
    ]);
    try {
      const { c } = client();
      c.trust(a.url);
      const get = () => c.json({ method: 'GET', url: `${a.url}/r?x=1`, apiVersion: '7.1' });
      const auth = await failure(get(), 'authentication');
      assert.equal(auth.status, 401);
      assert.match(auth.detail, /TF400813/);
      assert.equal(auth.url, `${a.url}/r`);
      assert.equal((await failure(get(), 'authentication')).status, 203);
      assert.equal((await failure(get(), 'authentication')).status, 200, 'a page where JSON was due, after sending the token');
      const f = await failure(get(), 'forbidden');
      assert.equal(f.identity, 'Fabrikam Build Service (fabrikam)');
      assert.equal((await failure(get(), 'notFound')).detail, 'Feed does not exist');
      await failure(get(), 'conflict');
      assert.equal((await failure(get(), 'refused')).status, 400);
      assert.equal((await failure(get(), 'refused')).status, 302, 'a redirect is never followed');
      assert.equal(a.seen.length, 8, 'none of these is retried');
    } finally {
      await a.close();
    }
  });

  it('a page where JSON was due, without a token sent, is a refusal, not an authentication failure', async () => {
    const a = await serve('127.0.0.1', [page(200)]);
    try {
      const { c } = client();
      assert.equal((await failure(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), 'refused')).status, 200);
    } finally {
      await a.close();
    }
  });

  it('finds the identity a 403 names, best effort', () => {
    assert.equal(identityIn("User 'a1b2c3' lacks permission to complete this action."), 'a1b2c3');
    assert.equal(identityIn("The user 'Project Collection Build Service (fabrikam)' is not authorized."), 'Project Collection Build Service (fabrikam)');
    assert.equal(identityIn('Access denied. Project Collection Build Service (fabrikam) needs Contribute permissions.'), 'Project Collection Build Service (fabrikam)');
    assert.equal(identityIn("TF400813: The user '' is not authorized to access this resource."), undefined);
    assert.equal(identityIn('Access denied.'), undefined);
  });

  describe('credentials never leak', () => {
    const user = Buffer.from(`build:${token}`).toString('base64');
    const echo = (status: number): Script => (req, res) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({
        message: `echo: ${req.headers.authorization} raw ${token} url ${encodeURIComponent(token)} basic ${Buffer.from(`:${token}`).toString('base64')} user ${user} other Basic dXNlcjpvdGhlcg== Bearer eyJhbGciOi.x.y`,
      }));
    };
    const clean = (text: string) => {
      for (const form of [token, Buffer.from(`:${token}`).toString('base64'), user, 'dXNlcjpvdGhlcg==', 'eyJhbGciOi.x.y']) {
        assert.ok(!text.includes(form), `${form} in ${text}`);
      }
    };

    for (const kind of ['bearer', 'pat'] as const) {
      it(`removes a ${kind} token from failures and debug lines, in every form`, async () => {
        const a = await serve('127.0.0.1', [echo(503), echo(400)]);
        try {
          const { c, debug } = client({ credential: { kind, token } });
          c.trust(a.url);
          try {
            await c.json({ method: 'GET', url: a.url, apiVersion: '7.1' });
            assert.fail('expected a failure');
          } catch (e) {
            assert.ok(e instanceof FailureError);
            clean(e.message);
            clean(JSON.stringify(e.failure));
            assert.match(e.message, /echo: (Bearer|Basic) \*\*\*/);
          }
          assert.ok(debug.length > 0);
          clean(debug.join('\n'));
        } finally {
          await a.close();
        }
      });
    }

    it('cuts long error bodies', async () => {
      const a = await serve('127.0.0.1', [(_q, res) => { res.writeHead(400, { 'Content-Type': 'text/plain' }); res.end('x'.repeat(10_000)); }]);
      try {
        const { c } = client();
        const f = await failure(c.json({ method: 'GET', url: a.url, apiVersion: '7.1' }), 'refused');
        assert.ok(f.detail.length <= 501, String(f.detail.length));
      } finally {
        await a.close();
      }
    });
  });

  it('streams a download: a body that breaks off midway fails as transient, a stalled one times out', async () => {
    const blob = await serve('127.0.0.4', [
      (_q, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000' }); res.write(Buffer.alloc(10)); setTimeout(() => res.socket?.destroy(), 20); },
      (_q, res) => { res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': '1000' }); res.write(Buffer.alloc(10)); },
    ]);
    try {
      const { c } = client({ timeoutMs: 200 });
      for (const what of ['the download broke off', 'the download broke off: no answer within']) {
        let got = 0;
        await assert.rejects(async () => {
          for await (const chunk of await c.download(`${blob.url}/f`)) got += chunk.length;
        }, (e: unknown) => e instanceof FailureError && e.failure.kind === 'transient' && e.failure.detail.includes(what));
        assert.equal(got, 10, 'what arrived was handed on as it came');
      }
    } finally {
      await blob.close();
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
      const bytes: number[] = [];
      for await (const chunk of await c.download(String(r.headers.location))) bytes.push(...chunk);
      assert.deepEqual(bytes, [1, 2, 3]);
      assert.equal(api.seen[0].auth, `Bearer ${token}`);
      assert.equal(blob.seen.length, 1);
      assert.equal(blob.seen[0].auth, undefined);
    } finally {
      await api.close();
      await blob.close();
    }
  });

  it('never follows a redirect from a trusted origin, so the token cannot travel with it', async () => {
    const elsewhere = await serve('127.0.0.4', [json(200, {})]);
    const api = await serve('127.0.0.3', [empty(307, { Location: `${elsewhere.url}/steal` })]);
    try {
      const { c } = client();
      c.trust(api.url);
      await failure(c.json({ method: 'GET', url: api.url, apiVersion: '7.1' }), 'refused');
      await failure(c.download(api.url), 'refused');
      assert.equal(elsewhere.seen.length, 0);
    } finally {
      await api.close();
      await elsewhere.close();
    }
  });

  describe('postForm', () => {
    it('posts a form without the Azure DevOps token, retried, and parses the JSON answer', async () => {
      const a = await serve('127.0.0.1', [empty(503), json(200, { access_token: 'at', expires_in: 3599 })]);
      try {
        const { c } = client();
        c.trust(a.url);
        const r = await c.postForm<{ access_token: string }>(`${a.url}/tenant/oauth2/v2.0/token`, { grant_type: 'client_credentials', scope: 'x/.default', client_assertion: 'a b&c' });
        assert.equal(r.access_token, 'at');
        assert.equal(a.seen.length, 2);
        assert.equal(a.seen[1].auth, undefined, 'no Azure DevOps token, even to a trusted origin');
        assert.equal(a.seen[1].headers['content-type'], 'application/x-www-form-urlencoded');
        assert.deepEqual(Object.fromEntries(new URLSearchParams(a.seen[1].body)), { grant_type: 'client_credentials', scope: 'x/.default', client_assertion: 'a b&c' });
      } finally {
        await a.close();
      }
    });

    it('sends an Authorization given explicitly and keeps it out of failures', async () => {
      const a = await serve('127.0.0.1', [(req: http.IncomingMessage, res) => {
        res.writeHead(400, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client', error_description: `AADSTS700016: bad assertion ${req.headers.authorization?.slice(7)}` }));
      }]);
      try {
        const { c } = client();
        const f = await failure(c.postForm(a.url, { a: '1' }, { Authorization: 'Bearer oidc-request-token-xyz' }), 'refused');
        assert.equal(a.seen[0].auth, 'Bearer oidc-request-token-xyz');
        assert.match(f.detail, /AADSTS700016/);
        assert.ok(!f.detail.includes('oidc-request-token-xyz'), f.detail);
      } finally {
        await a.close();
      }
    });
  });

  it('keeps several requests in flight on kept-alive sockets', async () => {
    let open = 0;
    let most = 0;
    const slow: Script = (_q, res) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => { open--; res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{}'); }, 50);
    };
    const a = await serve('127.0.0.1', [slow]);
    const { c } = client();
    try {
      // Two waves of four: the second goes out on the sockets the first opened.
      for (let wave = 0; wave < 2; wave++) await Promise.all(Array.from({ length: 4 }, () => c.json({ method: 'GET', url: a.url, apiVersion: '7.1' })));
      assert.equal(most, 4, `${most} in flight`);
      assert.equal(a.seen.length, 8);
      assert.equal(a.connections(), 4, 'the second wave reused the first wave\'s connections');
    } finally {
      c.close();
      await a.close();
    }
  });

  describe('closing', () => {
    it('ends a request waiting for a socket: nothing is sent after close', async () => {
      const a = await serve('127.0.0.1', [hang]);
      try {
        const { c } = client({ maxSockets: 1, timeoutMs: 5000 });
        const first = c.json({ method: 'GET', url: `${a.url}/one` }).catch((e: unknown) => e);
        const second = c.json({ method: 'GET', url: `${a.url}/two` }).catch((e: unknown) => e);
        while (a.seen.length < 1) await new Promise((r) => setTimeout(r, 5));
        c.close();
        const [x, y] = await Promise.all([first, second]);
        assert.ok(x instanceof FailureError && y instanceof FailureError);
        await new Promise((r) => setTimeout(r, 100));
        assert.deepEqual(a.seen.map((q) => q.url), ['/one']);
      } finally {
        await a.close();
      }
    });

    it('ends a pause under way: a read told to come back in 20 s fails at once on close', async () => {
      const a = await serve('127.0.0.1', [json(429, {}, { 'Retry-After': '20' })]);
      try {
        // Real pauses: the client's own.
        const c = new AzureHttp({ credential: { kind: 'bearer', token }, timeoutMs: 2000, retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 5000, maxTotalWaitMs: 120_000 } });
        const t0 = Date.now();
        const read = c.json({ method: 'GET', url: a.url }).catch((e: unknown) => e);
        while (a.seen.length < 1) await new Promise((r) => setTimeout(r, 5));
        c.close();
        const e = await read;
        assert.ok(e instanceof FailureError, String(e));
        assert.match(e.message, /closed/);
        assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
        assert.equal(a.seen.length, 1);
      } finally {
        await a.close();
      }
    });
  });
});
