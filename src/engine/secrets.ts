/**
 * Removing credentials from text: from what a server sent (error bodies, headers) before it goes
 * into a failure or a debug line, and once more from everything written out (./text), so that a
 * token a server puts anywhere (an error body, a package name, a view name) never reaches the
 * output. The task does this itself: the command line has no agent to mask.
 */

const hidden = '***';

/** The forms in which a token can travel: raw, inside a Basic credential, URL-encoded. */
export function tokenForms(token: string): string[] {
  if (!token) return [];
  const basic = Buffer.from(`:${token}`).toString('base64');
  const forms = [token, basic, encodeURIComponent(token), encodeURIComponent(basic)];
  return [...new Set(forms)];
}

/** A word that may be base64: long enough to hide a token inside it. */
const base64Word = /[A-Za-z0-9+/_-]{12,}={0,2}/g;
/** `Basic <credential>` and `Bearer <token>`, whatever the credential. */
const schemes = /\b(Basic|Bearer)(\s+|%20|\+)[A-Za-z0-9+/=._~%-]+/gi;

export class Redactor {
  private readonly secrets: string[] = [];

  constructor(tokens: string[] = []) {
    for (const t of tokens) this.add(t);
  }

  /** Adds a secret (and the forms it takes on the wire). */
  add(token: string): void {
    for (const f of tokenForms(token)) if (!this.secrets.includes(f)) this.secrets.push(f);
    // Longest first, so that a form containing another is removed whole.
    this.secrets.sort((a, b) => b.length - a.length);
  }

  /**
   * `text` without the secrets; `anyCredential`: also whatever follows `Basic` or `Bearer` (server
   * text that echoes a request's headers), which ordinary data such as a deprecation message keeps.
   */
  redact(text: string, anyCredential = true): string {
    let out = anyCredential ? text.replace(schemes, (_m, scheme: string, gap: string) => `${scheme}${gap}${hidden}`) : text;
    for (const s of this.secrets) out = out.split(s).join(hidden);
    // base64 of `user:token` for any user: the token's bytes land at any offset, so decode and look
    // (Node's base64 decoding takes the URL-safe alphabet too). Shorter secrets would turn up in
    // the bytes of ordinary words.
    const raw = this.secrets.filter((s) => s.length >= 4);
    return out.replace(base64Word, (word) => {
      const decoded = Buffer.from(word, 'base64').toString('latin1');
      return raw.some((s) => decoded.includes(s)) ? hidden : word;
    });
  }
}

/**
 * The credentials of this process, removed from every value ./text writes out. The HTTP client
 * registers its token when it is made; the adapters need not remember to.
 */
const registered = new Redactor();

/** Shortest secret removed from all output: shorter ones would blank ordinary words. */
const minimumOutputSecret = 6;

export function hideSecret(token: string): void {
  if (!token || token.length < minimumOutputSecret) return;
  registered.add(token);
}

/**
 * `text` without any registered credential (raw, Basic base64, URL-encoded, base64 holding it).
 * Data keeps the words after `Basic` and `Bearer`: server text had those removed where it came in.
 */
export function hideSecrets(text: string): string {
  return registered.redact(text, false);
}
