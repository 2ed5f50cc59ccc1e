import { ActionKey, Protocol, findProtocol, supports } from '../protocols';
import { UserError } from './messages';

/** The task's inputs as strings, as a pipeline or a command line gives them. */
export type Inputs = Partial<Record<
  | 'action' | 'feed' | 'packageType' | 'packages' | 'version' | 'view' | 'sourceView' | 'prerelease'
  | 'keepLatest' | 'olderThanDays' | 'deprecateMessage' | 'downloadDirectory' | 'dryRun' | 'maxVersions'
  | 'failOnNoMatch' | 'waitSeconds', string>>;

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
  /** 1-based line of the `packages` input. */
  line: number;
  text: string;
  name: string;
  glob: boolean;
  /** The version selector: the line's own or the `version` input. */
  version: string;
}

export interface Request {
  action: ActionKey;
  feed: FeedRef;
  protocol: Protocol;
  selectors: Selector[];
  view?: string;
  sourceView?: string;
  prerelease: 'include' | 'exclude' | 'only';
  keepLatest: number;
  olderThanDays: number;
  deprecateMessage: string;
  downloadDirectory: string;
  dryRun: boolean;
  maxVersions: number;
  failOnNoMatch: boolean;
  waitSeconds: number;
}

/** Validates the inputs; every problem found here fails the run before any request. */
export function parseRequest(inputs: Inputs, defaults: { downloadDirectory: string }): Request {
  const action = oneOf('action', inputs.action ?? 'promote', actions) as ActionKey;
  const typeText = (inputs.packageType ?? 'nuget').trim() || 'nuget';
  const protocol = findProtocol(typeText);
  if (!protocol) throw new UserError('BadPackageType', typeText);
  if (!supports(protocol, action)) {
    throw new UserError('ActionNotSupported', action, protocol.displayName, supported(protocol));
  }
  const feedText = (inputs.feed ?? '').trim();
  if (!feedText) throw new UserError('InputRequired', 'feed');
  const view = clean(inputs.view);
  if (action === 'promote' && !view) throw new UserError('InputRequired', 'view');
  const deprecateMessage = inputs.deprecateMessage ?? '';
  if (action === 'deprecate' && !deprecateMessage.trim()) throw new UserError('InputRequired', 'deprecateMessage');
  const version = (inputs.version ?? '').trim();
  const selectors = parseSelectors(inputs.packages ?? '', version, protocol);
  if (selectors.length === 0) throw new UserError('InputRequired', 'packages');
  return {
    action,
    feed: parseFeed(feedText),
    protocol,
    selectors,
    view: view ? stripAt(view) : undefined,
    sourceView: clean(inputs.sourceView) ? stripAt(clean(inputs.sourceView)!) : undefined,
    prerelease: oneOf('prerelease', inputs.prerelease ?? 'include', ['include', 'exclude', 'only']) as Request['prerelease'],
    keepLatest: count('keepLatest', inputs.keepLatest, 0),
    olderThanDays: count('olderThanDays', inputs.olderThanDays, 0),
    deprecateMessage: action === 'undeprecate' ? '' : deprecateMessage,
    downloadDirectory: clean(inputs.downloadDirectory) ?? defaults.downloadDirectory,
    dryRun: flag('dryRun', inputs.dryRun, false),
    maxVersions: count('maxVersions', inputs.maxVersions, 100),
    failOnNoMatch: flag('failOnNoMatch', inputs.failOnNoMatch, true),
    waitSeconds: count('waitSeconds', inputs.waitSeconds, 0),
  };
}

export function supported(protocol: Protocol): string {
  return actions.filter((a) => supports(protocol, a)).join(', ');
}

export function parseFeed(text: string): FeedRef {
  const slash = text.indexOf('/');
  if (slash < 0) return { text, project: undefined, feed: text };
  const project = text.slice(0, slash).trim();
  const feed = text.slice(slash + 1).trim();
  if (!feed || feed.includes('/')) throw new UserError('BadFeed', text);
  return { text, project: project || null, feed };
}

/**
 * One selector a line; `;` separates too. `name`, `name@version` or a glob; the version is what
 * follows the last `@` that is not the first character (so `@scope/name@1.0` works).
 */
export function parseSelectors(text: string, version: string, protocol: Protocol): Selector[] {
  const out: Selector[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    for (const part of lineText.split(';')) {
      const item = part.trim();
      if (!item || item.startsWith('#')) continue;
      const at = item.lastIndexOf('@');
      const name = (at > 0 ? item.slice(0, at) : item).trim();
      const own = at > 0 ? item.slice(at + 1).trim() : '';
      const line = index + 1;
      if (!name) throw new UserError('BadSelector', line, item, 'no package name');
      if (at > 0 && !own) throw new UserError('BadSelector', line, item, 'nothing after the @: write a version, or leave out the @ to use the version input');
      const reason = protocol.checkName(name);
      if (reason) throw new UserError('BadSelector', line, item, reason);
      const v = own || version;
      if (!v) throw new UserError('NoVersion', line, item);
      out.push({ line, text: item, name, glob: /[*?]/.test(name), version: v });
    }
  });
  return out;
}

function clean(v: string | undefined): string | undefined {
  const t = (v ?? '').trim();
  return t ? t : undefined;
}

function stripAt(v: string): string {
  return v.startsWith('@') ? v.slice(1) : v;
}

function oneOf(input: string, value: string, allowed: readonly string[]): string {
  const v = value.trim() || allowed[0];
  const found = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
  if (!found) throw new UserError('BadChoice', input, v, allowed.join(', '));
  return found;
}

function count(input: string, value: string | undefined, fallback: number): number {
  const v = (value ?? '').trim();
  if (!v) return fallback;
  if (!/^\d+$/.test(v)) throw new UserError('BadNumber', input, v);
  return Number(v);
}

function flag(input: string, value: string | undefined, fallback: boolean): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (!v) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UserError('BadBoolean', input, value ?? '');
}
