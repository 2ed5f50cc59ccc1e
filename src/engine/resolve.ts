/** The feed and views a request names, found the way the contract says. */
import { badInput } from './failures';
import { msg } from './messages';
import type { Feed, FeedLocation, FeedsPort, FeedView } from './ports';
import type { FeedRef } from './request';
import { distance } from './select';

export interface ResolvedFeed {
  feed: Feed;
  at: FeedLocation;
  /** `project/feed` or `feed`, for messages. */
  display: string;
}

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** `project/feed` for project feeds, the bare name for organization feeds. */
export function feedDisplay(f: Feed): string {
  return f.project ? `${f.project.name}/${f.name}` : f.name;
}

function located(f: Feed): ResolvedFeed {
  return { feed: f, at: { feedId: f.id, projectId: f.project?.id ?? null }, display: feedDisplay(f) };
}

/**
 * The feed of the `feed` input. `project/feed` and `/feed` are asked for directly; a bare name
 * means the pipeline's project's feed of that name, else the organization's, else the only one of
 * that name in any project; several left is an error listing the choices.
 */
export async function resolveFeed(feeds: FeedsPort, ref: FeedRef, pipelineProject?: { id?: string; name?: string }): Promise<ResolvedFeed> {
  if (ref.project) {
    const found = await feeds.getFeed(ref.project, ref.feed);
    // Asked with a project, an organization feed is not found.
    if (found?.project) return located(found);
    throw notFound(ref, await feeds.listFeeds(null).catch(() => [] as Feed[]));
  }
  const all = await feeds.listFeeds(null);
  if (ref.project === null) {
    // `/feedId`: the organization's feed by name or id, else the feed with that id in any project.
    const found = all.find((f) => !f.project && (same(f.id, ref.feed) || same(f.name, ref.feed))) ?? all.find((f) => same(f.id, ref.feed));
    if (found) return located(found);
    throw notFound(ref, all);
  }
  const named = all.filter((f) => same(f.name, ref.feed) || same(f.id, ref.feed));
  const own = pipelineProject ? named.filter((f) => f.project && (same(f.project.id, pipelineProject.id) || same(f.project.name, pipelineProject.name))) : [];
  const organization = named.filter((f) => !f.project);
  const pick = own.length === 1 ? own : organization.length === 1 ? organization : named;
  if (pick.length === 1) return located(pick[0]);
  if (pick.length === 0) throw notFound(ref, all);
  throw badInput(msg('FeedAmbiguous', ref.text, { input: 'feed' }, pick.map(feedDisplay).sort().join(', ')));
}

/** Feed not found, with the closest names the identity can see. */
function notFound(ref: FeedRef, all: Feed[]) {
  const target = ref.text.toLowerCase();
  const closest = [...new Set(all.map(feedDisplay))]
    .map((name) => ({ name, d: Math.min(distance(target, name.toLowerCase()), distance(ref.feed.toLowerCase(), name.split('/').pop()!.toLowerCase())) }))
    .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name))
    .slice(0, 3)
    .map((x) => x.name);
  return badInput(msg('FeedNotFound', ref.text, closest.length ? closest.join(', ') : '(none)'));
}

/** A view by name (with or without `@`) or id, from the feed's views. */
export function findView(views: FeedView[], feed: ResolvedFeed, view: string): FeedView {
  const found = views.find((v) => same(v.name, view) || same(v.id, view));
  if (!found) throw badInput(msg('ViewNotFound', view, feed.display, views.length ? [...new Set(views.map((v) => v.name))].sort().join(', ') : '(none)'));
  return found;
}
