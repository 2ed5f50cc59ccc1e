/**
 * The order every rule shares around its own: valid versions by the rule's comparison, invalid
 * ones before every valid one, by their text (ordinal), so that sorting never throws.
 */
export function validFirst<P>(parse: (v: string) => P | null, compareParsed: (a: P, b: P) => number): (a: string, b: string) => number {
  return (a, b) => {
    const pa = parse(a);
    const pb = parse(b);
    if (pa !== null && pb !== null) return compareParsed(pa, pb);
    if (pa !== null) return 1;
    if (pb !== null) return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
}
