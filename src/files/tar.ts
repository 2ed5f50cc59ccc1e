/**
 * Picks metadata files out of gzip-compressed tar archives (npm `.tgz`, PyPI sdist `.tar.gz`,
 * Cargo `.crate`): node:zlib unpacks, tar-stream reads the entries (ustar prefix, pax records,
 * GNU long names). Reading stops once the wanted entries are found, and a cap on the bytes
 * unpacked and on the entry read into memory keeps a hostile archive from exhausting memory.
 */
import { createGunzip } from 'node:zlib';
import { extract } from 'tar-stream';

export class ArchiveError extends Error {}

export interface TarLimits {
  /** The largest entry that is read into memory. */
  maxEntry: number;
  /** The most bytes unpacked before giving up. */
  maxTotal: number;
}

/** Entry paths as compared: forward slashes, no leading `./`. */
function cleanPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/** What a failure of the unpacking says about the file. */
function archiveError(e: unknown, fromGunzip: boolean): ArchiveError {
  if (e instanceof ArchiveError) return e;
  if (fromGunzip) return new ArchiveError('its gzip data is damaged or truncated');
  const text = e instanceof Error ? e.message : String(e);
  if (/unexpected end/i.test(text)) return new ArchiveError('the archive is truncated');
  if (/exceeds max size/i.test(text)) return new ArchiveError('a tar extended header is too large');
  return new ArchiveError('a tar header is damaged');
}

/**
 * Unpacks `gz` and returns the content of the regular-file entries whose path `want` accepts,
 * stopping as soon as `enough` says so or at the end of the archive.
 * Rejects with ArchiveError when the archive is damaged or breaks a limit.
 */
export async function readTarGz(
  gz: Uint8Array,
  want: (path: string) => boolean,
  enough: (found: Map<string, Uint8Array>) => boolean,
  limits: TarLimits,
): Promise<Map<string, Uint8Array>> {
  if (gz.length < 2 || gz[0] !== 0x1f || gz[1] !== 0x8b) throw new ArchiveError('it is not gzip-compressed');
  const found = new Map<string, Uint8Array>();
  const gunzip = createGunzip();
  const entries = extract();
  let gunzipFailed = false;
  let total = 0;
  gunzip.on('error', (e) => {
    gunzipFailed = true;
    entries.destroy(e);
  });
  gunzip.on('data', (chunk: Buffer) => {
    total += chunk.length;
    if (total > limits.maxTotal) entries.destroy(new ArchiveError(`it unpacks to more than ${limits.maxTotal} bytes`));
  });
  gunzip.pipe(entries);
  gunzip.end(gz);
  try {
    for await (const entry of entries) {
      const { name, size, type } = entry.header;
      const path = cleanPath(name);
      if ((type === 'file' || type === 'contiguous-file') && want(path)) {
        if (size > limits.maxEntry) throw new ArchiveError(`${path} is larger than ${limits.maxEntry} bytes`);
        const chunks: Uint8Array[] = [];
        for await (const chunk of entry) chunks.push(chunk as Uint8Array);
        found.set(path, Buffer.concat(chunks));
        if (enough(found)) break;
      } else {
        entry.resume();
      }
    }
  } catch (e) {
    throw archiveError(e, gunzipFailed);
  } finally {
    gunzip.destroy();
    entries.destroy();
  }
  return found;
}
