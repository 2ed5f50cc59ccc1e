import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { changing, useEmulator } from '../helpers/e2e';
import { runTask } from '../helpers/run-task';
import { nugetFixture } from '../helpers/fixtures';

function signInPage(res: http.ServerResponse): void {
  res.writeHead(203, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<html><body>Sign in to your account</body></html>');
}

/**
 * A front for the organization host that answers some requests with a sign-in page (203, HTML),
 * as the service does when it does not take the credentials, and passes the rest through.
 */
async function signInFront(target: string, intercept: (req: http.IncomingMessage) => boolean, answer: (res: http.ServerResponse, req: http.IncomingMessage) => void = signInPage) {
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    if (intercept(req)) {
      answer(res, req);
      return;
    }
    const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.6', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.6:${port}${to.pathname}/`, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

describe('e2e sign-in pages: a 203 from the location service is an authentication failure', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);
  const inputs = { action: 'promote', feed: 'Fabrikam/internal', packages: 'Contoso.Core@1.0.0', view: 'Release' };

  for (const [what, intercept] of [
    ['the resource area look-up', (req: http.IncomingMessage) => /ResourceAreas/i.test(req.url ?? '')],
  ] as const) {
    it(what, async () => {
      const front = await signInFront(h.emu.urls.org, intercept);
      try {
        const r = await runTask(h.emu, inputs, { collectionUrl: front.url });
        assert.equal(r.result?.status, 'Failed');
        assert.match(r.result!.message, /Authentication failed/);
        assert.equal(changing(h.emu.log).length, 0);
      } finally {
        await front.close();
      }
    });
  }
});

describe('e2e location: an area the service does not name', function () {
  this.timeout(60_000);
  const h = useEmulator(nugetFixture);

  it('fails before any change and never guesses a host', async () => {
    const nugetArea = 'b3be7473-68ea-4a81-bfc7-9530baaa19ad';
    // The list of areas without NuGet's, and a 404 for NuGet's own, as a server without it answers.
    const list = await (await fetch(`${h.emu.urls.org}/_apis/ResourceAreas?api-version=7.2-preview.1`, { headers: { Authorization: `Bearer ${h.emu.tokens.owner}` } })).json() as { value: { id: string }[] };
    const without = list.value.filter((a) => a.id !== nugetArea);
    const answer = (res: http.ServerResponse, req: http.IncomingMessage) => {
      const own = (req.url ?? '').includes(nugetArea);
      res.writeHead(own ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(own ? { message: 'resource area not found', typeKey: 'ResourceAreaNotFoundException' } : { count: without.length, value: without }));
    };
    const front = await signInFront(h.emu.urls.org, (req) => /_apis\/ResourceAreas/i.test(req.url ?? ''), answer);
    try {
      const r = await runTask(h.emu, { action: 'promote', feed: 'Fabrikam/internal', packages: 'Contoso.Core@1.0.0', view: 'Release' }, { collectionUrl: front.url });
      assert.equal(r.result?.status, 'Failed');
      assert.match(r.result!.message, new RegExp(`no host for resource area ${nugetArea}`));
      assert.equal(changing(h.emu.log).length, 0);
      assert.ok(h.emu.log.every((x) => x.host !== 'pkgs'));
    } finally {
      await front.close();
    }
  });
});
