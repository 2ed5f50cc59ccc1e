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
