import type { VersionRule } from './types';

/**
 * Remembers a pure parser's answers for one synchronous stretch of work: sorting or matching
 * thousands of versions parses each text once instead of once per comparison. The answers are
 * forgotten at the next microtask, so memory stays bounded by one sort, and nothing outlives the
 * work that made it (a later run, or a later test in the same process, parses afresh).
 */
export function memo<T>(parse: (text: string) => T): (text: string) => T {
  let seen: Map<string, T> | undefined;
  return (text) => {
    if (!seen) {
      seen = new Map();
      queueMicrotask(() => (seen = undefined));
    }
    if (seen.has(text)) return seen.get(text) as T;
    const v = parse(text);
    seen.set(text, v);
    return v;
  };
}

/**
 * A version rule whose per-text answers (normal form, pre-release or not) are remembered: a run
 * keys, indexes and compares the same versions many times over.
 */
export function remembering(rule: VersionRule): VersionRule {
  return { ...rule, normalize: memo((v) => rule.normalize(v)), isPrerelease: memo((v) => rule.isPrerelease(v)) };
}
