/**
 * Big listings: a page of 1,000 packages is megabytes of text, and V8 collects lazily, so a feed of
 * 100,000 versions would hold several pages' garbage at once. After each full page the listing asks
 * for a collection, which keeps the peak near one page whatever the feed's size. Where V8 does not
 * give the collector, nothing happens.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let collect: (() => void) | null | undefined;

export function relieve(): void {
  if (collect === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
