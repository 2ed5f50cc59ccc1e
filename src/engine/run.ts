import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection } from '../azure/connection';
import { AuthenticationError, HttpError, LocationError, LostAnswerError, RetriesExhaustedError } from '../azure/errors';
import { FeedsClient, PackageInfo, PackageVersionInfo } from '../azure/feeds';
import { packagingAreaId, Protocol, protocols } from '../protocols';
import { ActionContext, actionDefs, ActionDef, VersionState } from './actions';
import { Change, forEachLimited, readBack, readDeprecation, sendChanges, stateKey, stateOf } from './apply';
import { Msg, msg, UserError } from './messages';
import { ResultRow, RunOutcome, sortRows } from './report';
import type { Request, Selector } from './request';
import { Catalog, distance, ResolvedFeed, resolveFeed, resolveView, versionsOf } from './resolve';
import { parseVersionSelector, selectVersions, VersionMatcher } from './select';

/** What the engine needs from its host; the pipeline task and a command line each provide one. */
export interface Platform {
  info(m: Msg): void;
  warn(m: Msg): void;
  debug(line: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface EngineContext {
  platform: Platform;
  connection: Connection;
  /** The pipeline's project, for the bare-feed-name rule and the 403 advice. */
  project?: { id?: string; name?: string };
  /** Organization name for the 403 advice. */
  organization?: string;
}

interface Candidate {
  name: string;
  version: string;
  before: VersionState;
}

const roleNames = { reader: 'Feed Reader', contributor: 'Feed Publisher (Contributor)', owner: 'Feed Owner' } as const;

/** Runs one request: resolve, plan, apply, read back. Never throws: failures are in the outcome. */
export async function run(req: Request, ctx: EngineContext): Promise<RunOutcome> {
  const out: RunOutcome = { rows: [], changedCount: 0, downloadedFiles: [], result: 'Succeeded', errors: [], warnings: [], requests: 0 };
  const def = actionDefs[req.action];
  let feed: ResolvedFeed | undefined;
  try {
    await execute(req, ctx, out, def, (f) => (feed = f), (e) => explain(e, req, ctx, def, feed));
  } catch (e) {
    out.errors.push(explain(e, req, ctx, def, feed));
  }
  // A real run never ends with a version still "planned": whatever stopped it, it was not done.
  if (!req.dryRun) for (const r of out.rows) if (r.outcome === 'planned') Object.assign(r, { outcome: 'failed', after: r.before });
  out.requests = ctx.connection.http.stats.requests;
  out.rows = sortRows(out.rows, (a, b) => req.protocol.versionRule.compare(a, b));
  out.changedCount = out.rows.filter((r) => r.outcome === 'changed').length;
  out.result = out.errors.length || out.rows.some((r) => r.outcome === 'failed') ? 'Failed' : out.warnings.length ? 'SucceededWithIssues' : 'Succeeded';
  return out;
}

async function execute(req: Request, ctx: EngineContext, out: RunOutcome, def: ActionDef, found: (f: ResolvedFeed) => void, explainError: (e: unknown) => Msg): Promise<void> {
  const { platform, connection } = ctx;
  const protocol = req.protocol;
  // Everything that can be checked without the server is checked before the first request.
  const matchers = req.selectors.map((s) => parseVersionSelector(s, protocol.versionRule));
  // The Packaging area first: it also tells a service connection's server kind.
  await connection.areaUrl(packagingAreaId);
  if (connection.onPremises && !protocol.apiVersions.onPremises) {
    throw new UserError('ProtocolNotOnServer', protocol.displayName, Object.values(protocols).filter((p) => p.apiVersions.onPremises).map((p) => p.displayName).join(', '));
  }

  const api = new FeedsClient(connection);
  const feed = await resolveFeed(api, req.feed, ctx.project);
  found(feed);
  platform.info(msg('FeedFound', feed.display, feed.feed.id));
  out.feedUrl = await clientUrl(connection, protocol, feed);

  const actx: ActionContext = { action: req.action, message: req.deprecateMessage };
  if (req.action === 'promote') actx.view = await resolveView(api, feed, req.view!);
  const sourceView = req.sourceView ? (await resolveView(api, feed, req.sourceView)).name : undefined;

  const catalog = new Catalog(api, feed.at, protocol, def.fromRecycleBin);
  if (req.selectors.some((s) => s.glob) || req.selectors.length > 10) catalog.preferFull();
  const other = new Catalog(api, feed.at, protocol, !def.fromRecycleBin);

  const chosen = new Map<string, Candidate>();
  for (let i = 0; i < req.selectors.length; i++) {
    const s = req.selectors[i];
    const picked = await select(req, ctx, def, s, matchers[i], catalog, other, sourceView);
    if (picked.problem) {
      if (req.failOnNoMatch) throw new UserError(picked.problem.key, ...picked.problem.args);
      out.warnings.push(picked.problem);
      platform.warn(picked.problem);
    }
    for (const c of picked.candidates) chosen.set(stateKey(protocol, c.name, c.version), c);
  }
  const candidates = [...chosen.values()];

  // npm keeps a version's deprecation message only on its own GET: read first where the plan
  // depends on it, else after the guards (for the report), so a refused run sends no reads for it.
  const readDeprecations = async () => {
    if (!protocol.hasDeprecation) return;
    await forEachLimited(candidates, 8, async (c) => {
      c.before.deprecated = await readDeprecation(api, feed.at, protocol, c.name, c.version);
    });
  };
  if (def.changesDeprecation) await readDeprecations();

  // The plan: each version's state now and its target.
  const rows: ResultRow[] = candidates.map((c) => {
    const reached = def.reached(c.before, actx);
    const target = reached ? c.before : def.target(c.before, actx);
    return { package: c.name, version: c.version, before: c.before, after: target, outcome: reached || !def.changes ? 'unchanged' : 'planned' };
  });
  out.rows = rows;
  const planned = rows.filter((r) => r.outcome === 'planned');
  if (def.changes && req.maxVersions > 0 && planned.length > req.maxVersions) {
    // A real run stopped here left every version as it was; a dry run shows what it would have done.
    if (!req.dryRun) for (const r of planned) Object.assign(r, { outcome: 'unchanged', after: r.before });
    throw new UserError('TooManyVersions', planned.length, req.maxVersions);
  }
  if (!def.changesDeprecation) await readDeprecations();
  if (def.downloads) {
    for (const r of rows) r.outcome = 'planned';
  }
  if (req.dryRun) {
    platform.info(msg('DryRun', rows.filter((r) => r.outcome === 'planned').length));
    return;
  }

  if (def.downloads) {
    await download(api, feed, protocol, req.downloadDirectory, rows, out, platform);
    return;
  }
  if (!def.changes || planned.length === 0) return;

  const changes: Change[] = planned.map((r) => ({ name: r.package, version: r.version }));
  const deps = { api, at: feed.at, protocol, def, ctx: actx, sleep: platform.sleep, debug: platform.debug };
  platform.info(msg('Applying', planned.length, planned.length === 1 ? 1 : Math.ceil(planned.length / 100)));
  let fatal: unknown;
  let problems: unknown[] = [];
  try {
    problems = await sendChanges(deps, changes);
  } catch (e) {
    fatal = e;
  }
  if (fatal instanceof AuthenticationError) {
    // Nothing can be read back either; nothing is claimed.
    for (const r of planned) Object.assign(r, { outcome: 'failed', after: r.before });
    throw fatal;
  }
  // What went wrong first, then each version it left behind.
  if (fatal) out.errors.push(explainError(fatal));
  for (const p of problems) out.errors.push(explainError(p));
  // Read back what every version is now; after a failure once, since waiting will not change it.
  let states: Map<string, VersionState | null>;
  try {
    states = await readBack(deps, changes, fatal || problems.length ? [0] : undefined);
  } catch (e) {
    // What arrived is unknown: nothing is claimed.
    for (const r of planned) Object.assign(r, { outcome: 'failed', after: r.before });
    throw e;
  }
  for (const r of planned) {
    const now = states.get(stateKey(protocol, r.package, r.version)) ?? null;
    // The deprecation message is read back only by the actions that change it; the rest keep it.
    r.after = now && protocol.hasDeprecation && !def.changesDeprecation ? { ...now, deprecated: r.before!.deprecated } : now;
    r.outcome = def.reached(now, actx) ? 'changed' : 'failed';
    if (r.outcome === 'failed') out.errors.push(msg('VersionFailed', r.package, r.version));
  }
}

/** Step 1 to 5 of the contract's selection for one selector line. */
async function select(
  req: Request,
  ctx: EngineContext,
  def: ActionDef,
  s: Selector,
  matcher: VersionMatcher,
  catalog: Catalog,
  other: Catalog,
  sourceView: string | undefined,
): Promise<{ candidates: Candidate[]; problem?: Msg }> {
  const protocol = req.protocol;
  const filters = { prerelease: req.prerelease, sourceView, keepLatest: req.keepLatest, olderThanDays: req.olderThanDays, now: ctx.platform.now() };
  const deadline = ctx.platform.now() + req.waitSeconds * 1000;
  for (let pause = 1000; ; pause = Math.min(pause * 2, 10_000)) {
    const packages: PackageInfo[] = s.glob ? await catalog.glob(s.name) : ([await catalog.byName(s.name)].filter(Boolean) as PackageInfo[]);
    const candidates: Candidate[] = [];
    let matched = 0;
    for (const p of packages) {
      const r = selectVersions(versionsOf(p, catalog.recycleBin), matcher, protocol.versionRule, filters);
      matched += r.matched.length;
      for (const v of r.selected) candidates.push(candidate(p, v, protocol, catalog.recycleBin));
    }
    if (matched > 0) return { candidates };
    // An exact version that exists but the filters leave out will not turn up by waiting.
    const exists = matcher.kind === 'exact' && packages.some((p) => versionsOf(p, catalog.recycleBin).some((v) => protocol.versionRule.compare(v.version, matcher.version) === 0));
    if (matcher.kind === 'exact' && !exists) {
      // Already where the action would take it: deleted for delete, live for restore.
      const elsewhere = await findExact(other, s.name, matcher.version, protocol);
      if (elsewhere && def.doneWhenElsewhere) {
        return { candidates: [candidate(elsewhere.p, elsewhere.v, protocol, other.recycleBin)] };
      }
      if (ctx.platform.now() < deadline) {
        const wait = Math.min(pause, Math.max(0, deadline - ctx.platform.now()));
        ctx.platform.info(msg('Waiting', s.name, matcher.version, Math.ceil((deadline - ctx.platform.now()) / 1000)));
        await ctx.platform.sleep(wait);
        catalog.forget(s.name);
        other.forget(s.name);
        continue;
      }
    }
    if (!s.glob && packages.length === 0 && catalog.recycleBin && (await other.byName(s.name))) {
      return { candidates: [], problem: msg('PackageNotInRecycleBin', s.line, s.text) };
    }
    if (!s.glob && packages.length === 0) {
      const closest = await closestNames(s.name, catalog, other);
      return { candidates: [], problem: msg('PackageNotFound', s.line, s.text, closest.length ? closest.join(', ') : '(none)') };
    }
    if (packages.length === 0) return { candidates: [], problem: msg('GlobNoMatch', s.line, s.text) };
    const versions = packages.flatMap((p) => versionsOf(p, catalog.recycleBin).map((v) => v.version));
    const shown = versions.slice(0, 10).join(', ') + (versions.length > 10 ? ', …' : '');
    return { candidates: [], problem: msg('NoVersionMatch', s.line, s.text, s.version, shown || '(none)') };
  }
}

/** The names closest to a mistyped one, live or in the recycle bin. */
async function closestNames(name: string, ...catalogs: Catalog[]): Promise<string[]> {
  const found = (await Promise.all(catalogs.map((c) => c.closest(name)))).flat();
  return [...new Set(found)].sort((a, b) => distance(name.toLowerCase(), a.toLowerCase()) - distance(name.toLowerCase(), b.toLowerCase())).slice(0, 3);
}

function candidate(p: PackageInfo, v: PackageVersionInfo, protocol: Protocol, inRecycleBin: boolean): Candidate {
  return { name: p.name, version: v.version, before: stateOf(v, protocol, inRecycleBin) };
}

async function findExact(catalog: Catalog, name: string, version: string, protocol: Protocol) {
  const p = await catalog.byName(name);
  if (!p) return undefined;
  const v = versionsOf(p, catalog.recycleBin).find((x) => protocol.versionRule.compare(x.version, version) === 0);
  return v ? { p, v } : undefined;
}

async function download(api: FeedsClient, feed: ResolvedFeed, protocol: Protocol, dir: string, rows: ResultRow[], out: RunOutcome, platform: Platform): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const r of rows) {
    const file = path.join(dir, protocol.downloadFileName!(r.package, r.version));
    try {
      const bytes = await api.content(feed.at, protocol, r.package, r.version);
      fs.writeFileSync(file, bytes);
      r.outcome = 'downloaded';
      out.downloadedFiles.push(file);
      platform.info(msg('Downloaded', r.package, r.version, file, bytes.length));
    } catch (e) {
      r.outcome = 'failed';
      out.errors.push(msg('DownloadFailed', r.package, r.version, describeError(e)));
    }
  }
}

/** The feed's endpoint for the protocol's own client, from the location service's answer. */
async function clientUrl(connection: Connection, protocol: Protocol, feed: ResolvedFeed): Promise<string> {
  if (protocol.clientPath === null) return connection.collectionUrl;
  const base = await connection.areaUrl(protocol.areaId);
  const project = feed.feed.project ? `${encodeURIComponent(feed.feed.project.name)}/` : '';
  return `${base}${project}_packaging/${encodeURIComponent(feed.feed.name)}/${protocol.clientPath}`;
}

/** A failure in a few words, without a closing full stop (messages put it inside a sentence). */
function describeError(e: unknown): string {
  const text = e instanceof HttpError ? `${e.status} ${e.serverMessage}`.trim() : e instanceof Error ? e.message : String(e);
  return text.replace(/[.\s]+$/, '');
}

/** Turns a failure into a message that says what to do. */
export function explain(e: unknown, req: Request, ctx: EngineContext, def: ActionDef, feed?: ResolvedFeed): Msg {
  if (e instanceof UserError) return e.message_;
  if (e instanceof AuthenticationError) return msg('AuthFailed', hostOf(e.url), e.status, e.serverMessage);
  if (e instanceof HttpError && e.status === 403) {
    const org = ctx.organization ?? '{Organization}';
    const project = ctx.project?.name ?? feed?.feed.project?.name ?? '{Project}';
    return msg('Forbidden', roleNames[def.role], req.action, feed?.display ?? req.feed.text, e.serverMessage, `${project} Build Service (${org})`, `Project Collection Build Service (${org})`);
  }
  if (e instanceof HttpError) return msg('HttpFailed', e.method, stripQuery(e.url), e.status, e.serverMessage);
  if (e instanceof RetriesExhaustedError) {
    const asked = e.retryAfterMs !== undefined ? ` (Retry-After: ${Math.ceil(e.retryAfterMs / 1000)} s)` : '';
    return msg('RetriesExhausted', e.method, stripQuery(e.url), e.attempts, describeError(e.last) + asked);
  }
  if (e instanceof LocationError) return msg('LocationUnknown', e.collectionUrl, e.areaId);
  if (e instanceof LostAnswerError) return msg('LostAnswer', e.method, stripQuery(e.url), describeError(e.failure));
  return msg('Unexpected', e instanceof Error ? e.message : String(e));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function stripQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : url.slice(0, i);
}
