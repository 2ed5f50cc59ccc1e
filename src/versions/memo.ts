import type { VersionRule } from './types';

/**
 * Remembers a pure parser's answers: sorting and matching thousands of versions parses each text
 * once instead of once per comparison. Bounded, so a huge feed cannot grow it without end.
 */
export function memo<T>(parse: (text: string) => T, limit = 50_000): (text: string) => T {
  const seen = new Map<string, T>();
  return (text) => {
    let v = seen.get(text);
    if (v === undefined && !seen.has(text)) {
      if (seen.size >= limit) seen.clear();
      v = parse(text);
      seen.set(text, v);
    }
    return v as T;
  };
}

/**
 * A version rule whose per-text answers (normal form, pre-release or not) are remembered: a run
 * keys, indexes and compares the same versions many times over.
 */
export function remembering(rule: VersionRule): VersionRule {
  return { ...rule, normalize: memo((v) => rule.normalize(v)), isPrerelease: memo((v) => rule.isPrerelease(v)) };
}
