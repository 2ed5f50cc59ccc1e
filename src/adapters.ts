/** What both adapters (task and command line) do on the machine's side, outside the engine. */
import * as path from 'node:path';
import { badInput } from './engine/failures';
import { msg } from './engine/messages';
import type { Platform } from './engine/ports';
import type { Request, Selector } from './engine/request';
import { FindMatchFn, findPackageFiles, readPackageFileAt } from './files/find';

/** The agent's own matching (task-lib's findMatch), or the command line's equivalent. */
export type { FindMatchFn };

/**
 * Reads `packageFiles` into exact selectors, one per file: name and version from inside the file.
 * Any unreadable, foreign or mistyped file stops the run before anything is sent.
 */
export function readPackageFilesWith(match: FindMatchFn, root: string, platform: Platform): (request: Request) => Promise<Request> {
  return async (request) => {
    const selectors: Selector[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < request.packageFiles.length; i++) {
      const pattern = request.packageFiles[i];
      const found = findPackageFiles([pattern], root, match);
      if (!found.files.length) {
        if (request.failOnNoMatch) throw badInput(msg('PackageFilesNoMatch', i + 1, pattern));
        platform.warn(msg('PackageFilesNoMatch', i + 1, pattern));
        continue;
      }
      for (const file of found.files) {
        const read = readPackageFileAt(file);
        if (read.kind === 'skipped') continue;
        if (read.kind === 'error') throw badInput(msg('PackageFileUnreadable', file, read.reason));
        if (read.protocol !== request.protocol.key) throw badInput(msg('PackageFileWrongType', file, read.protocol, request.protocol.key));
        platform.info(msg('PackageFileRead', path.basename(file), read.name, read.version));
        const key = `${request.protocol.normalizeName(read.name)}@${request.protocol.versionRule.normalize(read.version)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        selectors.push({ line: i + 1, text: path.basename(file), name: read.name, glob: false, version: read.version });
      }
    }
    if (!selectors.length && request.failOnNoMatch) throw badInput(msg('NoPackagesOrFiles'));
    return { ...request, selectors };
  };
}
