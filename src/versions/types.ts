/**
 * One protocol's version rules. The engine handles the selectors that mean the same on every
 * protocol (`latest`, `*`); everything else about versions goes through this interface.
 */
export interface VersionRule {
  /** Short name for messages, e.g. "NuGet", "SemVer 2", "PEP 440", "Maven". */
  readonly name: string;
  /** True when `v` is a valid version of this protocol. */
  isValid(v: string): boolean;
  /** The form two equal versions share (NuGet `1.0` and `1.0.0.0`; case of labels; no build metadata). */
  normalize(v: string): string;
  /** Total order: negative, zero or positive. Invalid versions sort before every valid one, by string. */
  compare(a: string, b: string): number;
  /** True for pre-release versions as the protocol defines them. */
  isPrerelease(v: string): boolean;
  /**
   * A range or wildcard in the protocol's own syntax, as a predicate; null when `selector` is not one.
   * Ranges admit pre-release versions wherever they fall inside the bounds (the task's `prerelease`
   * input is the one switch for those), so `^1.2` admits `1.3.0-beta.1`.
   * Throws `VersionSelectorError` when it looks like a range but is malformed.
   */
  parseRange(selector: string): ((v: string) => boolean) | null;
}

export class VersionSelectorError extends Error {
  constructor(readonly selector: string, readonly reason: string) {
    super(`${selector}: ${reason}`);
    this.name = 'VersionSelectorError';
  }
}
