// HTTP helpers for the emulator's own tests (loopback only).
import * as http from 'node:http';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  token?: string | null;
  basic?: boolean;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Default true: send X-TFS-FedAuthRedirect: Suppress. */
  suppress?: boolean;
  /** Give up after this many ms without the whole answer. */
  timeoutMs?: number;
  /** Called when the status line and headers have arrived. */
  onHeaders?: () => void;
}

export function call(method: string, url: string, o: CallOptions = {}): Promise<Answer> {
  const u = new URL(url);
  if (!/^127\.0\.0\.[1-9]$/.test(u.hostname)) throw new Error(`not loopback: ${url}`);
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  const token = o.token === undefined ? 'owner-token' : o.token;
  if (token !== null) headers.Authorization = o.basic ? `Basic ${Buffer.from(`any:${token}`).toString('base64')}` : `Bearer ${token}`;
  if (o.suppress !== false) headers['X-TFS-FedAuthRedirect'] = 'Suppress';
  let payload: string | undefined;
  if (o.body !== undefined) {
    payload = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['Content-Type'] = o.contentType ?? 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(u, { method, headers, agent: false }, (res) => {
      o.onHeaders?.();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (o.timeoutMs) req.setTimeout(o.timeoutMs, () => req.destroy(new Error(`timed out after ${o.timeoutMs} ms`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const promote = (view: string) => ({ views: { op: 'add', path: '/views/-', value: view } });
