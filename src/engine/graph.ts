/**
 * Promote with dependencies: the versions a consumer of the view would resolve from this feed for
 * the selected ones, transitively. Each version's dependencies are read once from its own GET,
 * several in flight; each dependency is resolved the way the protocol's package manager resolves
 * it (../protocols/dependencies) among the package's versions in the feed, each package read once.
 * Every version then gets a level from what it needs (0: nothing in the graph), so that
 * dependencies go into the view first, leaves first.
 */
import type { Protocol } from '../protocols';
import { dependencyRules, followsGroup, resolveDependency } from '../protocols/dependencies';
import { forEachLimited, stateKey } from './apply';
import { Msg, msg } from './messages';
import type { FeedLocation, FeedsPort, PackageDependency, Platform } from './ports';
import { Candidate, candidate, Catalog, versionsOf } from './select';

export interface GraphDeps {
  feeds: FeedsPort;
  platform: Pick<Platform, 'warn'>;
  at: FeedLocation;
  protocol: Protocol;
}

export interface Graph {
  /** The versions the selected ones need that were not selected, each with `requiredBy`. */
  added: Candidate[];
  /** Every version's level, by stateKey: a version goes into the view after every version of a lower level. */
  levels: Map<string, number>;
  /** What the feed cannot give, one warning a dependency and range. */
  warnings: Msg[];
}

interface Node {
  c: Candidate;
  /** Keys of the versions it needs, in the graph. */
  needs: string[];
}

/** Reads and resolves the dependencies of `selected`, and of what they resolve to, until nothing new appears. */
export async function completeGraph(d: GraphDeps, selected: Candidate[]): Promise<Graph> {
  const { protocol } = d;
  const rule = dependencyRules[protocol.key];
  const key = (c: { name: string; version: string }) => stateKey(protocol, c.name, c.version);
  const nodes = new Map<string, Node>();
  for (const c of selected) nodes.set(key(c), { c, needs: [] });
  // The dependencies' packages, each read once by name (live versions, never trimmed).
  const packages = new Catalog(d.feeds, d.at, protocol, false);
  const warnings: Msg[] = [];
  const warned = new Set<string>();
  const warn = (m: Msg, dedupe: string) => {
    if (warned.has(dedupe)) return;
    warned.add(dedupe);
    warnings.push(m);
    d.platform.warn(m);
  };
  const added: Candidate[] = [];
  let wave = [...nodes.values()];
  while (wave.length) {
    // Each version's dependencies once, several in flight.
    const read = new Map<Node, PackageDependency[]>();
    await forEachLimited(wave, 8, async (n) => {
      const ref = `${n.c.name}@${n.c.version}`;
      // A version the listing gave no ids for, or that is gone (404), has no dependencies to read;
      // any other failure fails the run, as a failed listing would.
      const deps = n.c.ids && (await d.feeds.versionDependencies(d.at, n.c.ids.packageId, n.c.ids.versionId));
      if (deps) read.set(n, deps.filter((x) => followsGroup(rule, x.group)));
      else warn(msg('DependenciesUnread', ref), `unread\u0000${ref}`);
    });
    // The packages this wave needs, read together.
    const names = [...new Map([...read.values()].flat().map((x) => [protocol.normalizeName(x.packageName), x.packageName])).values()];
    await forEachLimited(names, 8, async (name) => {
      await packages.byName(name);
    });
    const next: Node[] = [];
    for (const n of wave) {
      const ref = `${n.c.name}@${n.c.version}`;
      for (const dep of read.get(n) ?? []) {
        const problem = (m: Msg) => warn(m, `${protocol.normalizeName(dep.packageName)}\u0000${dep.versionRange}`);
        const range = rule.read(dep.versionRange);
        if (!range) {
          problem(msg('DependencyRangeUnreadable', dep.packageName, dep.versionRange, ref, protocol.displayName));
          continue;
        }
        const p = await packages.byName(dep.packageName);
        if (!p) {
          problem(msg('DependencyMissing', dep.packageName, dep.versionRange, ref));
          continue;
        }
        const live = versionsOf(p, false);
        const version = resolveDependency(range, live.map((v) => v.version), protocol.versionRule);
        const v = version === undefined ? undefined : live.find((x) => x.version === version);
        if (!v) {
          const there = live.map((x) => x.version).sort((a, b) => protocol.versionRule.compare(a, b));
          problem(msg('DependencyUnsatisfied', dep.packageName, dep.versionRange, ref, there.slice(-10).join(', ') || '(none)'));
          continue;
        }
        const k = stateKey(protocol, p.name, v.version);
        // A version that needs itself has no order to keep.
        if (k === key(n.c)) continue;
        if (!nodes.has(k)) {
          const c: Candidate = { ...candidate(p, v, protocol, false), requiredBy: ref };
          const node = { c, needs: [] };
          nodes.set(k, node);
          added.push(c);
          next.push(node);
        }
        if (!n.needs.includes(k)) n.needs.push(k);
      }
    }
    wave = next;
  }
  return { added, levels: levelsOf(nodes), warnings };
}

/**
 * Each version's level: 0 where it needs nothing in the graph, else one more than the highest
 * level of what it needs (so in a diamond the shared dependency comes before both). A cycle ends
 * where it comes back to a version whose level is being worked out.
 */
function levelsOf(nodes: Map<string, Node>): Map<string, number> {
  const levels = new Map<string, number>();
  const open = new Set<string>();
  const levelOf = (k: string): number => {
    const known = levels.get(k);
    if (known !== undefined) return known;
    if (open.has(k)) return -1;
    open.add(k);
    let level = 0;
    for (const need of nodes.get(k)!.needs) level = Math.max(level, levelOf(need) + 1);
    open.delete(k);
    levels.set(k, level);
    return level;
  };
  for (const k of nodes.keys()) levelOf(k);
  return levels;
}
