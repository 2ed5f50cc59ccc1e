/** What both adapters (task and command line) do on the machine's side, outside the engine. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Credential } from './azure/http';
import { badInput } from './engine/failures';
import { msg } from './engine/messages';
import type { Platform } from './engine/ports';
import type { Request, Selector } from './engine/request';

/** Every form in which a credential could appear in text: the token itself and the Basic header's base64. */
export function credentialSecrets(c: Credential): string[] {
  if (!c.token) return [];
  return [c.token, Buffer.from(`:${c.token}`).toString('base64')];
}

/** Finds files for the `packageFiles` lines, relative to a root: the agent's own matching, or the command line's. */
export type FindFiles = (patterns: string[], root: string) => string[];

/**
 * Reads `packageFiles` into exact selectors, one per file: name and version from inside the file.
 * Any unreadable, foreign or mistyped file stops the run before anything is sent.
 */
export function readPackageFilesWith(find: FindFiles, root: string, platform: Platform): (request: Request) => Promise<Request> {
  return async (request) => {
    const selectors: Selector[] = [];
    for (let i = 0; i < request.packageFiles.length; i++) {
      const pattern = request.packageFiles[i];
      const found = find([pattern], root).filter((f) => fs.statSync(f, { throwIfNoEntry: false })?.isFile());
      if (!found.length) {
        if (request.failOnNoMatch) throw badInput(msg('PackageFilesNoMatch', i + 1, pattern));
        platform.warn(msg('PackageFilesNoMatch', i + 1, pattern));
        continue;
      }
      for (const file of found) {
        const read = readFile(file);
        if (read.kind === 'skipped') continue;
        if (read.kind === 'error') throw badInput(msg('PackageFileUnreadable', file, read.reason));
        if (read.protocol !== request.protocol.key) throw badInput(msg('PackageFileWrongType', file, read.protocol, request.protocol.key));
        platform.info(msg('PackageFileRead', path.basename(file), read.name, read.version));
        selectors.push({ line: i + 1, text: `${path.basename(file)} (${read.name}@${read.version})`, name: read.name, glob: false, version: read.version });
      }
    }
    return { ...request, selectors };
  };
}

type FileRead = { kind: 'package'; protocol: string; name: string; version: string } | { kind: 'skipped'; reason: string } | { kind: 'error'; reason: string };

function readFile(file: string): FileRead {
  void file;
  return { kind: 'error', reason: 'package files cannot be read yet' };
}
