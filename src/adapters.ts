/** What both adapters (task and command line) do on the machine's side, outside the engine. */
import * as path from 'node:path';
import { badInput } from './engine/failures';
import { Msg, msg } from './engine/messages';
import type { Platform } from './engine/ports';
import type { Request, Selector } from './engine/request';
import { stateKey } from './engine/apply';
import { FindMatchFn, findPackageFiles, readPackageFileAt, splitNegation } from './files/find';

/**
 * Reads `packageFiles` into exact selectors, one per file: name and version from inside the file.
 * Any unreadable, foreign or mistyped file stops the run before anything is sent.
 */
export function readPackageFilesWith(match: FindMatchFn, root: string, platform: Platform): (request: Request) => Promise<Request> {
  return async (request) => {
    const selectors: Selector[] = [];
    const warnings: Msg[] = [...request.warnings];
    const seen = new Set<string>();
    const noMatch = (line: number, pattern: string) => {
      const problem = msg('PackageFilesNoMatch', { input: 'packageFiles', line }, pattern);
      if (request.failOnNoMatch) throw badInput(problem);
      platform.warn(problem);
      warnings.push(problem);
    };
    // `!` lines (an odd number of them) take files out of what every other line finds, as the agent's own matching does.
    const excludes = (l: { pattern: string }) => splitNegation(l.pattern).exclude;
    const exclusions = request.packageFiles.filter(excludes).map((l) => l.pattern);
    for (const { line, pattern } of request.packageFiles) {
      if (excludes({ pattern })) continue;
      const found = findPackageFiles([pattern, ...exclusions], root, match);
      if (!found.files.length) {
        noMatch(line, pattern);
        continue;
      }
      for (const file of found.files) {
        const read = await readPackageFileAt(file);
        if (read.kind === 'skipped') continue;
        if (read.kind === 'error') throw badInput(msg('PackageFileUnreadable', file, read.reason));
        if (read.protocol !== request.protocol.key) throw badInput(msg('PackageFileWrongType', file, read.protocol, { input: 'packageType' }, request.protocol.key));
        platform.info(msg('PackageFileRead', path.basename(file), read.name, read.version));
        const key = stateKey(request.protocol, read.name, read.version);
        if (seen.has(key)) continue;
        seen.add(key);
        selectors.push({ input: 'packageFiles', line, text: path.basename(file), name: read.name, glob: false, version: read.version });
      }
    }
    // Files that were all symbol packages leave nothing to select: that too matches nothing.
    const first = request.packageFiles.find((l) => !excludes(l));
    if (!selectors.length && first && !warnings.length) noMatch(first.line, first.pattern);
    return { ...request, selectors, warnings };
  };
}

/** For messages only: the organization's name as the collection URL shows it. */
export function organizationName(url: string): string {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter(Boolean);
  return segments.length ? decodeURIComponent(segments[segments.length - 1]) : u.hostname.split('.')[0];
}
