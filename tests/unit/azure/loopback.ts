/** Small loopback HTTP servers that answer each request with the next step of a script. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Script = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void;

export interface Seen { method: string; url: string; auth?: string; body: string; headers: http.IncomingHttpHeaders; at: number }

/** `connections()`: how many connections the server accepted so far. */
export interface Loopback { url: string; seen: Seen[]; connections(): number; close(): Promise<void> }

/** `clock` stamps each request (a test's fake time); the last step repeats. */
export async function serve(host: string, steps: Script[], clock: () => number = Date.now): Promise<Loopback> {
  const seen: Seen[] = [];
  let i = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body, headers: req.headers, at: clock() });
      const step = steps[Math.min(i++, steps.length - 1)];
      step(req, res, body);
    });
  });
  let accepted = 0;
  server.on('connection', () => accepted++);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    seen,
    connections: () => accepted,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

export const json = (status: number, value: unknown, headers: Record<string, string> = {}): Script => (_q, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(value));
};
export const empty = (status: number, headers: Record<string, string> = {}): Script => (_q, res) => { res.writeHead(status, headers); res.end(); };
export const drop: Script = (req) => req.socket.destroy();
export const page = (status: number): Script => (_q, res) => { res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' }); res.end('<html><body>Sign in to your account</body></html>'); };
/** Never answers (until the server closes). */
export const hang: Script = () => undefined;

/** A fake clock whose sleep moves time on at once, recording each pause. */
export function fakeTime(onSleep?: (ms: number) => void) {
  let t = 1_000_000;
  const pauses: number[] = [];
  return {
    pauses,
    now: () => t,
    sleep: async (ms: number) => {
      pauses.push(ms);
      onSleep?.(ms);
      t += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
}
