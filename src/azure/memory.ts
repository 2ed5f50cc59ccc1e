/**
 * Big listings: a page of 1,000 packages is megabytes of text, and V8 collects lazily, so a feed of
 * 100,000 versions would hold several pages' garbage at once. After each full page the listing asks
 * for a collection, which keeps the peak near one page whatever the feed's size. A collection costs
 * milliseconds, so other callers ask for one only once the run has read enough to make it worth it.
 * Where V8 does not give the collector, nothing happens.
 */
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';

let collect: (() => void) | null | undefined;
/** Bytes of answers read in this run. */
let read = 0;

/** Notes an answer's size: what a later collection would give back. */
export function owe(bytes: number): void {
  read += bytes;
}

/**
 * What a run reads before a collection while it waits is worth it (the adapters collect once the
 * report's text is made ahead): below this, what it built is too little to bring a major collection
 * due before it ends.
 */
export const worthCollectingWhileWaiting = 256 * 1024;

/** Collects now if the run read at least `minimumBytes` (what it built from them is garbage by then). */
export function relieve(minimumBytes = 0): void {
  if (read < minimumBytes) return;
  if (collect === undefined) {
    try {
      // Loaded here, the first time a run reads enough to want a collection.
      (require('node:v8') as typeof V8).setFlagsFromString('--expose-gc');
      collect = (require('node:vm') as typeof Vm).runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
