/**
 * One request, start to end: select -> plan -> apply (or download) -> report. Each phase returns
 * new rows; failures are typed values that `explain` turns into words. Never throws.
 */
import { type Protocol, protocols } from '../protocols';
import { ActionContext, AnyChange, defFor, ReadingAction } from './actions';
import { apply, byLevel, forEachLimited, readDeprecation, requestsFor, stateKey } from './apply';
import { badInput, describeFailure, Failure, failureOf } from './failures';
import { explain, ExplainContext, trim } from './explain';
import { completeGraph } from './graph';
import { Msg, msg } from './messages';
import { plan, Row } from './plan';
import type { FeedLocation, FeedsPort, FeedView, Ports } from './ports';
import { RunOutcome, sortRows } from './report';
import type { Request } from './request';
import { findView, ResolvedFeed, resolveFeed } from './resolve';
import { Candidate, Catalog, Filters, parseVersionSelector, selectOne, VersionMatcher, versionsWanted } from './select';

export interface EngineContext {
  ports: Ports;
  /** The pipeline's project, for the bare-feed-name rule and the 403 advice. */
  project?: { id?: string; name?: string };
  /** Organization name for the 403 advice. */
  organization?: string;
}

interface Progress {
  rows: Row[];
  feedUrl?: string;
  downloadedFiles: string[];
  failures: Failure[];
  notes: Msg[];
  warnings: Msg[];
  feed?: ResolvedFeed;
  /** Reached the feed: the table is printed. */
  started: boolean;
}

export async function run(req: Request, ctx: EngineContext): Promise<RunOutcome> {
  const p: Progress = { rows: [], downloadedFiles: [], failures: [], notes: [], warnings: [...req.warnings], started: false };
  const def = defFor({ action: req.action } as ActionContext);
  try {
    await execute(req, ctx, def, p);
  } catch (e) {
    p.failures.unshift(failureOf(e));
  }
  const ec: ExplainContext = { action: req.action, role: def.role, feed: p.feed?.display ?? req.feed.text, organization: ctx.organization, project: ctx.project?.name ?? p.feed?.feed.project?.name };
  const errors = [...p.failures.map((f) => explain(f, ec)), ...p.notes];
  const rows = sortRows(p.rows, (a, b) => req.protocol.versionRule.compare(a, b));
  const failed = errors.length > 0 || rows.some((r) => r.outcome === 'failed');
  return {
    rows,
    changedCount: rows.filter((r) => r.outcome === 'changed').length,
    feedUrl: p.feedUrl,
    downloadedFiles: p.downloadedFiles,
    result: failed ? 'Failed' : p.warnings.length ? 'SucceededWithIssues' : 'Succeeded',
    errors,
    warnings: p.warnings,
    requests: ctx.ports.feeds.requestCount(),
    show: def.kind === 'show',
    noTable: !p.started,
  };
}

async function execute(req: Request, ctx: EngineContext, def: AnyChange | ReadingAction, p: Progress): Promise<void> {
  const { feeds, platform } = ctx.ports;
  const protocol = req.protocol;
  // Everything that can be checked without the server is checked before the first request.
  const matchers = req.selectors.map((s) => parseVersionSelector(s, protocol.versionRule));
  if ((await feeds.serverKind()) === 'onPremises' && !protocol.apiVersions.onPremises) {
    const served = Object.values(protocols).filter((x) => x.apiVersions.onPremises).map((x) => x.displayName).join(', ');
    throw badInput(msg('ProtocolNotOnServer', protocol.displayName, served));
  }
  if (req.includeDependencies && req.action !== 'promote') {
    const ignored = msg('IncludeDependenciesIgnored', { input: 'includeDependencies' }, req.action);
    p.warnings.push(ignored);
    platform.warn(ignored);
  }
  const needViews = !!(req.view || req.sourceView || req.exceptView);
  // With `project/feed` the reads that need only the feed start beside the feed's own look-up: the
  // feeds API takes a project's and a feed's name wherever it takes their ids. A bare name must be
  // resolved first (which project's feed it means is decided from the list of feeds).
  // (Not for a name with `@`, which the service may take as a view of the feed: its id is asked for first.)
  const early: FeedLocation | undefined = req.feed.project && !req.feed.feed.includes('@') ? { projectId: req.feed.project, feedId: req.feed.feed } : undefined;
  const reads = early && startReads(feeds, early, protocol, def, req, matchers, needViews);
  const feed = await resolveFeed(feeds, req.feed, ctx.project);
  p.feed = feed;
  platform.info(msg('FeedFound', feed.display, feed.feed.id));

  // The reads started beside the feed's look-up, or now (a bare name): awaited where they are read,
  // with the protocol's host (for the client URL) and the feed's views.
  const { catalog, views: viewsRead } = reads ?? startReads(feeds, feed.at, protocol, def, req, matchers, needViews);
  // The other side (the recycle bin for delete, the live versions for restore) is read only for
  // exact versions missing here: many names are then found in one listing of it, not a query each.
  const other = new Catalog(feeds, feed.at, protocol, !def.fromRecycleBin);
  other.prepare(req.selectors.filter((s) => !s.glob), 10, true);
  const [feedUrl, views] = await Promise.all([feeds.clientUrl(protocol, feed.feed), viewsRead]);
  p.feedUrl = feedUrl;
  const view = (name: string | undefined) => (name ? findView(views, feed, name) : undefined);
  const actx = contextOf(req, view(req.view));
  const filters: Filters = {
    prerelease: req.prerelease,
    source: req.source,
    sourceView: view(req.sourceView),
    exceptView: view(req.exceptView),
    keepLatest: req.keepLatest,
    olderThanDays: req.olderThanDays,
    now: platform.now(),
  };
  // The feed and its views are found: from here on the run reports a table, empty or not (a run
  // that failed before it could select anything prints none).
  p.started = true;
  const deps = { feeds, platform, at: feed.at, protocol, catalog, other, doneWhenElsewhere: def.kind === 'change' && def.doneWhenElsewhere };
  const chosen = new Map<string, Candidate>();
  for (let i = 0; i < req.selectors.length; i++) {
    const picked = await selectOne(deps, req, req.selectors[i], matchers[i], filters);
    if (picked.problem) {
      if (req.failOnNoMatch) throw badInput(picked.problem);
      p.warnings.push(picked.problem);
      platform.warn(picked.problem);
    }
    for (const c of picked.candidates) chosen.set(stateKey(protocol, c.name, c.version), c);
  }
  let candidates = [...chosen.values()];

  // Promote with dependencies: what a consumer of the view resolves for them goes in too, first.
  let levels: Map<string, number> | undefined;
  if (req.includeDependencies && req.action === 'promote') {
    const graph = await completeGraph({ feeds, platform, at: feed.at, protocol }, candidates);
    candidates = [...candidates, ...graph.added];
    levels = graph.levels;
    p.warnings.push(...graph.warnings);
  }

  // npm keeps a version's deprecation message only on its own GET: read first where the plan
  // depends on it, else after the guards (for the report), so a refused run sends no reads for it.
  const withDeprecation = async (cs: Candidate[]): Promise<Candidate[]> => {
    if (!protocol.hasDeprecation) return cs;
    const out = cs.map((c) => ({ ...c, before: { ...c.before } }));
    await forEachLimited(out, 8, async (c) => {
      c.before.deprecated = await readDeprecation(feeds, feed.at, protocol, { name: c.name, version: c.version });
    });
    return out;
  };
  const changesDeprecation = def.kind === 'change' && def.changesDeprecation;
  if (changesDeprecation) candidates = await withDeprecation(candidates);

  const planned = plan(candidates, def, actx, req);
  p.rows = planned.rows;
  if (planned.refusal) throw badInput(planned.refusal);
  if (!changesDeprecation && protocol.hasDeprecation) {
    const read = await withDeprecation(candidates);
    const byKey = new Map(read.map((c) => [stateKey(protocol, c.name, c.version), c.before.deprecated]));
    p.rows = p.rows.map((r) => {
      const deprecated = byKey.get(stateKey(protocol, r.package, r.version)) ?? null;
      return { ...r, before: r.before && { ...r.before, deprecated }, after: r.after && { ...r.after, deprecated } };
    });
  }
  const work = p.rows.filter((r) => r.outcome === 'planned');
  if (req.dryRun) {
    platform.info(msg('DryRun', def.kind === 'change' ? work.length : 0));
    return;
  }
  if (def.kind === 'show') return;
  if (def.kind === 'download') {
    p.rows = await download(req, ctx, feed, p);
    return;
  }
  if (!work.length) return;
  const levelOf = levels && ((r: Row) => levels.get(stateKey(protocol, r.package, r.version)) ?? 0);
  platform.info(msg('Applying', work.length, requestsFor(byLevel(work, levelOf))));
  const done = await apply({ feeds, platform, at: feed.at, protocol, def, ctx: actx, listingPages: catalog.pages }, work, levelOf);
  // apply gives a row for each row of `work`, in its order.
  const after = new Map(work.map((r, i) => [r, done.rows[i]]));
  p.rows = p.rows.map((r) => after.get(r) ?? r);
  p.failures.push(...done.failures);
  p.notes.push(...done.notes);
}

/**
 * The reads every run of this request makes, started at once and awaited where they are read: the
 * listing pass or the exact names' queries, and the views. A failure is seen where it is awaited.
 */
function startReads(feeds: FeedsPort, at: FeedLocation, protocol: Protocol, def: AnyChange | ReadingAction, req: Request, matchers: VersionMatcher[], needViews: boolean): { catalog: Catalog; views: Promise<FeedView[]> } {
  const catalog = new Catalog(feeds, at, protocol, def.fromRecycleBin, versionsWanted(protocol, req.selectors, matchers, req, def.fromRecycleBin));
  catalog.prepare(req.selectors);
  // Not where a selector may wait for a version: the names after it would be read before the wait.
  if (req.waitSeconds === 0) catalog.prefetch(req.selectors);
  const views = needViews ? feeds.listViews(at) : Promise.resolve([] as FeedView[]);
  views.catch(() => undefined);
  return { catalog, views };
}

function contextOf(req: Request, view: FeedView | undefined): ActionContext {
  switch (req.action) {
    case 'promote':
      // parseRequest requires a view for promote.
      if (!view) throw badInput(msg('InputRequired', 'view'));
      return { action: 'promote', view };
    case 'deprecate':
      return { action: 'deprecate', message: req.deprecateMessage };
    default:
      return { action: req.action };
  }
}

/** Writes each selected version's file into the download directory, streamed. */
async function download(req: Request, ctx: EngineContext, feed: ResolvedFeed, p: Progress): Promise<Row[]> {
  const { feeds, files, platform } = ctx.ports;
  const protocol = req.protocol;
  const out: Row[] = [];
  for (const r of p.rows) {
    const ref = { name: r.package, version: r.version };
    const name = protocol.downloadFileName!(r.package, r.version);
    try {
      if (!isPlainFileName(name)) throw badInput(msg('UnsafeFile', r.package, r.version, name, req.downloadDirectory));
      const written = await files.write(req.downloadDirectory, name, await feeds.content(feed.at, protocol, ref));
      p.downloadedFiles.push(written.path);
      platform.info(msg('Downloaded', r.package, r.version, written.path, written.bytes));
      out.push({ ...r, outcome: 'downloaded' });
    } catch (e) {
      const f = failureOf(e);
      p.notes.push(f.kind === 'badInput' ? f.message : msg('DownloadFailed', r.package, r.version, trim(describeFailure(f))));
      out.push({ ...r, outcome: 'failed' });
    }
  }
  return out;
}

// `s`: whatever follows the dot, line separators included, leaves the device name reserved.
const reserved = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/is;

/** A name that is one file inside a folder on every system: no separators, no `..`, no drive, no device. */
export function isPlainFileName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name !== '.' &&
    name !== '..' &&
    !/[\\/:*?"<>|\u0000-\u001f]/.test(name) &&
    !reserved.test(name) &&
    !/[. ]$/.test(name)
  );
}
