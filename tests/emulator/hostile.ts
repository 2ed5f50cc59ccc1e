// Crafted text for hostile-server tests: names, versions and messages that a feed can hold and a
// careless client would turn into agent commands, broken tables, broken lines or paths outside
// its folder. `hostileFixture()` seeds a feed whose views, packages, versions and deprecation
// messages carry them; every listing serves them as they are.
import type { Fixture, PackageSeed } from './types';

/** Each crafted string with a short key (tests name them by key). */
export const CRAFTED: Readonly<Record<string, string>> = {
  cr: 'before\rafter',
  lf: 'before\nafter',
  crlf: 'before\r\nafter',
  setvariable: '##vso[task.setvariable variable=changedCount]999',
  lfSetvariable: 'x\n##vso[task.setvariable variable=changedCount]999',
  complete: '##vso[task.complete result=Succeeded;]done',
  errorCommand: '##[error]fake',
  lfError: 'x\r\n##[error]fake',
  pipe: 'a|b|c',
  markdown: '**bold** [link](http://127.0.0.1/) <img src=x> `code` # heading',
  dotdot: '../../escape',
  dotdotBackslash: '..\\..\\escape',
  absolute: '/etc/passwd',
  drive: 'C:\\x',
  device: 'CON',
  deviceExt: 'NUL.txt',
  percent: '%0A%0D%AZP25',
  unicode: 'Ünïcødé ✓ \u202e\u200b',
  nul: 'nul\u0000byte',
  long: 'L'.repeat(5000),
};

/** Version strings that are valid-looking where a protocol allows odd labels (NuGet labels, npm prerelease tags). */
export const CRAFTED_VERSIONS: readonly string[] = ['1.0.0-vso.setvariable', '1.0.0-pipe.md', '1.0.0-' + 'a'.repeat(200)];

export interface HostileOptions {
  /** Project of the feed; default 'Fabrikam'. */
  project?: string;
  /** Feed name; default 'hostile'. Pass a crafted string to test feed names too. */
  feed?: string;
}

/**
 * A feed (default `Fabrikam/hostile`) whose views are crafted strings, with:
 * - NuGet `Hostile.<key>` packages for each key that is a valid NuGet id fragment, 1.0.0 and 2.0.0;
 * - NuGet packages named by the crafted strings themselves (ids a real feed would refuse, served by the listings);
 * - npm packages `hostile-<key>` whose 1.0.0 is deprecated with the crafted message;
 * - NuGet `Hostile.Versions` with CRAFTED_VERSIONS;
 * - a package named `a/b/../../c` (a `/` is impossible in a URL path, so only listings carry it).
 */
export function hostileFixture(o: HostileOptions = {}): Fixture {
  const keys = Object.keys(CRAFTED);
  const views = ['Release', CRAFTED.setvariable, CRAFTED.errorCommand, CRAFTED.pipe, CRAFTED.lf, CRAFTED.markdown];
  const packages: PackageSeed[] = [];
  for (const k of keys) {
    packages.push({ protocol: 'nuget', name: `Hostile.${k}`, versions: [{ version: '1.0.0', views: [CRAFTED.setvariable] }, { version: '2.0.0' }] });
    packages.push({ protocol: 'nuget', name: CRAFTED[k], versions: [{ version: '1.0.0' }] });
    packages.push({ protocol: 'npm', name: `hostile-${k.toLowerCase()}`, versions: [{ version: '1.0.0', deprecated: CRAFTED[k] }, { version: '1.1.0' }] });
  }
  packages.push({ protocol: 'nuget', name: 'Hostile.Versions', versions: CRAFTED_VERSIONS.map((version) => ({ version })) });
  packages.push({ protocol: 'nuget', name: 'a/b/../../c', versions: [{ version: '1.0.0' }] });
  return { feeds: [{ name: o.feed ?? 'hostile', project: o.project ?? 'Fabrikam', views, packages }] };
}
