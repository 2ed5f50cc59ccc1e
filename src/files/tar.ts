/**
 * A small reader for gzip-compressed tar archives (npm `.tgz`, PyPI sdist `.tar.gz`, Cargo `.crate`).
 * Only what picking one metadata file out of a package needs: ustar, pax (`x`) and GNU long-name
 * (`L`) headers; the archive is unpacked as a stream and reading stops once the wanted entries are
 * found, so the rest of a large package is never held in memory.
 */
import { Gunzip } from 'fflate';

export class ArchiveError extends Error {}

export interface TarLimits {
  /** The largest entry that is read into memory. */
  maxEntry: number;
  /** The most bytes unpacked before giving up. */
  maxTotal: number;
}

const BLOCK = 512;
/** Compressed bytes handed to the decompressor at a time: bounds what one step can unpack. */
const SLICE = 16 * 1024;

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

function field(h: Uint8Array, start: number, length: number, decoder: { decode(b: Uint8Array): string } = utf8): string {
  const end = h.subarray(start, start + length).indexOf(0);
  return decoder.decode(h.subarray(start, end === -1 ? start + length : start + end));
}

function octal(h: Uint8Array, start: number, length: number): number {
  if (h[start] & 0x80) {
    // GNU base-256 for sizes beyond 8 GiB: big-endian in the remaining bytes.
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + h[i];
    return n;
  }
  const text = field(h, start, length, latin1).trim();
  if (!/^[0-7]*$/.test(text)) throw new ArchiveError('a tar header is damaged');
  return text === '' ? 0 : parseInt(text, 8);
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i];
  return octal(h, 148, 8) === sum;
}

/** pax records: "<length> <key>=<value>\n", the length in bytes and counting itself. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = space === -1 ? NaN : Number(latin1.decode(data.subarray(at, space)));
    if (!Number.isSafeInteger(length) || length <= space - at || at + length > data.length) {
      throw new ArchiveError('a tar extended header is damaged');
    }
    const record = utf8.decode(data.subarray(space + 1, at + length - 1));
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += length;
  }
  return out;
}

/** Entry paths as compared: forward slashes, no leading `./`. */
function cleanPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

type Mode =
  | { kind: 'header' }
  | { kind: 'skip'; left: number }
  | { kind: 'collect'; into: 'entry' | 'pax' | 'longname'; path: string; buf: Uint8Array; at: number; pad: number };

/**
 * Unpacks `gz` and returns the content of the regular-file entries whose path `want` accepts,
 * stopping as soon as `enough` says so or at the end of the archive.
 * Throws ArchiveError when the archive is damaged or breaks a limit.
 */
export function readTarGz(
  gz: Uint8Array,
  want: (path: string) => boolean,
  enough: (found: Map<string, Uint8Array>) => boolean,
  limits: TarLimits,
): Map<string, Uint8Array> {
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) throw new ArchiveError('it is not gzip-compressed');
  const found = new Map<string, Uint8Array>();
  let mode: Mode = { kind: 'header' };
  let header = new Uint8Array(BLOCK);
  let headerFill = 0;
  let pax = new Map<string, string>();
  let longName: string | undefined;
  let total = 0;
  let stop = false;

  const onHeader = (h: Uint8Array): void => {
    if (h.every((b) => b === 0)) {
      stop = true; // end-of-archive marker
      return;
    }
    if (!checksumOk(h)) throw new ArchiveError('a tar header is damaged');
    const magic = field(h, 257, 6, latin1);
    let name = field(h, 0, 100);
    const prefix = magic === 'ustar' ? field(h, 345, 155) : '';
    if (prefix) name = `${prefix}/${name}`;
    let size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const padOf = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'L') {
      if (size > 1024 * 1024) throw new ArchiveError('a tar extended header is too large');
      mode = { kind: 'collect', into: type === 'x' ? 'pax' : 'longname', path: '', buf: new Uint8Array(size), at: 0, pad: padOf(size) };
    } else {
      const paxSize = pax.get('size');
      if (paxSize !== undefined && /^\d+$/.test(paxSize)) size = Number(paxSize);
      const path = cleanPath(pax.get('path') ?? longName ?? name);
      pax = new Map();
      longName = undefined;
      const regular = type === '0' || type === '7';
      if (regular && want(path)) {
        if (size > limits.maxEntry) throw new ArchiveError(`${path} is larger than ${limits.maxEntry} bytes`);
        mode = { kind: 'collect', into: 'entry', path, buf: new Uint8Array(size), at: 0, pad: padOf(size) };
      } else {
        mode = { kind: 'skip', left: size + padOf(size) };
      }
    }
    if (mode.kind === 'collect' && mode.buf.length === 0) finishCollect(mode);
  };

  const finishCollect = (m: Extract<Mode, { kind: 'collect' }>): void => {
    if (m.into === 'entry') {
      found.set(m.path, m.buf);
      if (enough(found)) stop = true;
    } else if (m.into === 'pax') {
      pax = paxRecords(m.buf);
    } else {
      longName = field(m.buf, 0, m.buf.length);
    }
    mode = { kind: 'skip', left: m.pad };
  };

  const onData = (chunk: Uint8Array): void => {
    total += chunk.length;
    if (total > limits.maxTotal) throw new ArchiveError(`it unpacks to more than ${limits.maxTotal} bytes`);
    let at = 0;
    while (at < chunk.length && !stop) {
      const m: Mode = mode;
      if (m.kind === 'header') {
        const n = Math.min(BLOCK - headerFill, chunk.length - at);
        header.set(chunk.subarray(at, at + n), headerFill);
        headerFill += n;
        at += n;
        if (headerFill === BLOCK) {
          headerFill = 0;
          const h = header;
          header = new Uint8Array(BLOCK);
          onHeader(h);
        }
      } else if (m.kind === 'skip') {
        const n = Math.min(m.left, chunk.length - at);
        m.left -= n;
        at += n;
        if (m.left === 0) mode = { kind: 'header' };
      } else {
        const n = Math.min(m.buf.length - m.at, chunk.length - at);
        m.buf.set(chunk.subarray(at, at + n), m.at);
        m.at += n;
        at += n;
        if (m.at === m.buf.length) finishCollect(m);
      }
    }
  };

  const gunzip = new Gunzip((chunk) => {
    if (!stop) onData(chunk);
  });
  try {
    for (let i = 0; i < gz.length && !stop; i += SLICE) {
      const end = Math.min(i + SLICE, gz.length);
      gunzip.push(gz.subarray(i, end), end === gz.length);
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError('its gzip data is damaged');
  }
  if (!stop && (mode.kind !== 'header' || headerFill !== 0)) throw new ArchiveError('the archive is truncated');
  return found;
}
