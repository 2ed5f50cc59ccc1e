import { ActionKey, Protocol, findProtocol, supports } from '../protocols';
import { isPathSyntax } from '../protocols/names';
import { badInput } from './failures';
import { Msg, msg } from './messages';

/** The task's inputs as strings, as a pipeline or a command line gives them. */
export const inputNames = [
  'action', 'feed', 'packageType', 'packages', 'packageFiles', 'version', 'view', 'sourceView', 'exceptView', 'source',
  'prerelease', 'keepLatest', 'olderThanDays', 'deprecateMessage', 'downloadDirectory', 'dryRun', 'maxVersions',
  'failOnNoMatch', 'waitSeconds', 'includeDependencies',
] as const;
export type InputName = (typeof inputNames)[number];
export type Inputs = Partial<Record<InputName, string>>;

export const actions: readonly ActionKey[] = [
  'promote', 'unlist', 'relist', 'deprecate', 'undeprecate', 'delete', 'restore', 'permanentDelete', 'download', 'show',
];

/** `project/feed`, `/feed` (organization-scoped) or a bare name. */
export interface FeedRef {
  text: string;
  /** Project name or id; null for `/feed`; undefined for a bare name. */
  project: string | null | undefined;
  feed: string;
}

export interface Selector {
  /** The input the selector came from, for messages. */
  input: 'packages' | 'packageFiles';
  /** 1-based line of that input. */
  line: number;
  /** The line as written, or the package file it was read from. */
  text: string;
  name: string;
  glob: boolean;
  /** The version selector: the line's own or the `version` input. */
  version: string;
}

export type Prerelease = 'include' | 'exclude' | 'only';
export type Source = 'any' | 'local' | 'upstream';

export interface Request {
  action: ActionKey;
  feed: FeedRef;
  protocol: Protocol;
  /** From `packages`; empty when `packageFiles` gives them (the adapter reads the files into selectors). */
  selectors: Selector[];
  /** The `packageFiles` lines (paths or globs, `!` excluding), for the adapter to read. */
  packageFiles: { line: number; pattern: string }[];
  /** Problems found while reading the inputs that are warnings, not failures (failOnNoMatch false). */
  warnings: Msg[];
  view?: string;
  sourceView?: string;
  exceptView?: string;
  source: Source;
  prerelease: Prerelease;
  keepLatest: number;
  olderThanDays: number;
  deprecateMessage: string;
  downloadDirectory: string;
  dryRun: boolean;
  maxVersions: number;
  failOnNoMatch: boolean;
  waitSeconds: number;
  /** promote: also the versions of their dependencies a consumer of the view resolves from the feed (./graph). */
  includeDependencies: boolean;
}

/** Validates the inputs; every problem found here fails the run before any request. */
export function parseRequest(inputs: Inputs, defaults: { downloadDirectory: string }): Request {
  const action = oneOf('action', inputs.action ?? 'promote', actions);
  const typeText = (inputs.packageType ?? 'nuget').trim() || 'nuget';
  const protocol = findProtocol(typeText);
  if (!protocol) throw badInput(msg('BadPackageType', { input: 'packageType' }, typeText));
  if (!supports(protocol, action)) throw badInput(msg('ActionNotSupported', action, protocol.displayName, supported(protocol)));
  const feedText = (inputs.feed ?? '').trim();
  if (!feedText) throw badInput(msg('InputRequired', { input: 'feed' }));
  const view = clean(inputs.view);
  if (action === 'promote' && !view) throw badInput(msg('InputRequired', { input: 'view' }));
  const deprecateMessage = inputs.deprecateMessage ?? '';
  if (action === 'deprecate' && !deprecateMessage.trim()) throw badInput(msg('InputRequired', { input: 'deprecateMessage' }));
  const version = (inputs.version ?? '').trim();
  const packageFiles = lines(inputs.packageFiles ?? '').map((l) => ({ line: l.line, pattern: l.text }));
  const hasPackages = lines(inputs.packages ?? '').length > 0;
  if (packageFiles.length && hasPackages) throw badInput(msg('BothPackagesAndFiles', { input: 'packages' }, { input: 'packageFiles' }));
  if (packageFiles.length && !protocol.files) throw badInput(msg('PackageFilesNotForType', protocol.displayName, { input: 'packages' }, { input: 'packageFiles' }));
  const selectors = packageFiles.length ? [] : parseSelectors(inputs.packages ?? '', version, protocol);
  if (!selectors.length && !packageFiles.length) throw badInput(msg('NoPackagesOrFiles', { input: 'packages' }, { input: 'packageFiles' }));
  return {
    action,
    feed: parseFeed(feedText),
    protocol,
    selectors,
    packageFiles,
    warnings: [],
    view: view ? stripAt(view) : undefined,
    sourceView: viewInput(inputs.sourceView),
    exceptView: viewInput(inputs.exceptView),
    source: oneOf('source', inputs.source ?? 'any', ['any', 'local', 'upstream'] as const),
    prerelease: oneOf('prerelease', inputs.prerelease ?? 'include', ['include', 'exclude', 'only'] as const),
    keepLatest: count('keepLatest', inputs.keepLatest, 0),
    olderThanDays: count('olderThanDays', inputs.olderThanDays, 0),
    deprecateMessage: action === 'undeprecate' ? '' : deprecateMessage,
    downloadDirectory: clean(inputs.downloadDirectory) ?? defaults.downloadDirectory,
    dryRun: flag('dryRun', inputs.dryRun, false),
    maxVersions: count('maxVersions', inputs.maxVersions, 100),
    failOnNoMatch: flag('failOnNoMatch', inputs.failOnNoMatch, true),
    waitSeconds: count('waitSeconds', inputs.waitSeconds, 0),
    includeDependencies: flag('includeDependencies', inputs.includeDependencies, false),
  };
}

export function supported(protocol: Protocol): string {
  return actions.filter((a) => supports(protocol, a)).join(', ');
}

export function parseFeed(text: string): FeedRef {
  const slash = text.indexOf('/');
  if (slash < 0) return { text, project: undefined, feed: checkSegment(text, text) };
  const project = text.slice(0, slash).trim();
  const feed = text.slice(slash + 1).trim();
  if (!feed || feed.includes('/')) throw badInput(msg('BadFeed', { input: 'feed' }, text));
  return { text, project: project ? checkSegment(project, text) : null, feed: checkSegment(feed, text) };
}

/** A feed or project name is one path segment: `.`, `..` (or their encodings) and backslashes would be path syntax. */
function checkSegment(segment: string, text: string): string {
  if (isPathSyntax(segment) || segment.includes('\\') || /[\u0000-\u001f]/.test(segment)) throw badInput(msg('BadFeed', { input: 'feed' }, text));
  return segment;
}

interface Line { line: number; text: string }

/** One item a line, `;` separating too; blank lines and `#` comments skipped. */
function lines(text: string): Line[] {
  const out: Line[] = [];
  text.split(/\r\n|\r|\n/).forEach((lineText, index) => {
    for (const part of lineText.split(';')) {
      const item = part.trim();
      if (item && !item.startsWith('#')) out.push({ line: index + 1, text: item });
    }
  });
  return out;
}

/**
 * One selector a line; `;` separates too. `name`, `name@version` or a glob; the version is what
 * follows the last `@` that is not the first character (so `@scope/name@1.0` works).
 */
export function parseSelectors(text: string, version: string, protocol: Protocol): Selector[] {
  return lines(text).map(({ line, text: item }) => {
    const at = item.lastIndexOf('@');
    const name = (at > 0 ? item.slice(0, at) : item).trim();
    const own = at > 0 ? item.slice(at + 1).trim() : '';
    if (!name) throw badInput(msg('BadSelector', { input: 'packages', line }, item, 'no package name'));
    if (at > 0 && !own) throw badInput(msg('BadSelector', { input: 'packages', line }, item, 'nothing after the @: write a version, or leave out the @ to use the version selector'));
    // Users of older promote tasks separate packages with commas; a name never holds one.
    if (name.includes(',')) throw badInput(msg('CommaSeparatedPackages', { input: 'packages', line }, item));
    const reason = protocol.checkName(name);
    if (reason) throw badInput(msg('BadSelector', { input: 'packages', line }, item, reason));
    const v = own || version;
    if (!v) throw badInput(msg('NoVersion', { input: 'packages', line }, item, { input: 'version' }, { input: 'version' }));
    return { input: 'packages', line, text: item, name, glob: /[*?]/.test(name), version: v };
  });
}

function clean(v: string | undefined): string | undefined {
  const t = (v ?? '').trim();
  return t ? t : undefined;
}

function viewInput(v: string | undefined): string | undefined {
  const t = clean(v);
  return t ? stripAt(t) : undefined;
}

function stripAt(v: string): string {
  return v.startsWith('@') ? v.slice(1) : v;
}

function oneOf<T extends string>(input: InputName, value: string, allowed: readonly T[]): T {
  const v = value.trim() || allowed[0];
  const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!found) throw badInput(msg('BadChoice', { input }, v, allowed.join(', ')));
  return found;
}

function count(input: InputName, value: string | undefined, fallback: number): number {
  const v = (value ?? '').trim();
  if (!v) return fallback;
  if (!/^\d{1,9}$/.test(v)) throw badInput(msg('BadNumber', { input }, v));
  return Number(v);
}

function flag(input: InputName, value: string | undefined, fallback: boolean): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (!v) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badInput(msg('BadBoolean', { input }, value ?? ''));
}
