import type { FeedSeed, Fixture, PackageSeed } from '../emulator';
import { daysAgo } from './e2e';

export const projects = {
  fabrikam: { id: '6d1d2f5c-0a4e-4a5b-9f1a-1c2b3d4e5f60', name: 'Fabrikam' },
  contoso: { id: '7e2e3a6d-1b5f-4b6c-8a2b-2d3c4e5f6a71', name: 'Contoso' },
  empty: { id: '8f3f4b7e-2c6a-4c7d-9b3c-3e4f5a6b7c82', name: 'Empty' },
};

export const internalFeedId = '1a1a1a1a-0000-4000-8000-000000000001';

/**
 * The organization the engine tests run against: `fabrikam` with the three projects, a project
 * feed in Fabrikam (named `internal` unless `feed` names it) holding `feed.packages`, then `others`.
 */
export function fabrikamFixture(feed: Partial<FeedSeed> & { packages: PackageSeed[] }, ...others: FeedSeed[]): Fixture {
  return {
    organization: 'fabrikam',
    projects: Object.values(projects),
    feeds: [{ name: 'internal', project: 'Fabrikam', ...feed }, ...others],
  };
}

/** A small organization for the NuGet end-to-end tests. */
export function nugetFixture(): Fixture {
  return fabrikamFixture(
    {
      id: internalFeedId,
      packages: [
        {
          protocol: 'nuget',
          name: 'Contoso.Core',
          versions: [
            { version: '0.9.0', deleted: true, deletedDate: daysAgo(3), publishDate: daysAgo(400) },
            { version: '1.0.0', publishDate: daysAgo(300) },
            { version: '1.1.0', publishDate: daysAgo(200), views: ['Prerelease'] },
            { version: '1.2.0-beta.1', publishDate: daysAgo(100) },
            { version: '2.0.0', publishDate: daysAgo(10), views: ['Prerelease'] },
          ],
        },
        {
          protocol: 'nuget',
          name: 'Contoso.Web',
          versions: [
            { version: '1.0.0', publishDate: daysAgo(90) },
            { version: '2.0.0', publishDate: daysAgo(5), listed: false },
          ],
        },
        { protocol: 'nuget', name: 'Contoso.Data', versions: [{ version: '3.0.0', publishDate: daysAgo(1) }] },
        { protocol: 'npm', name: 'contoso-core', versions: [{ version: '1.0.0' }] },
      ],
    },
    { name: 'shared', packages: [{ protocol: 'nuget', name: 'Shared.Lib', versions: [{ version: '1.0.0' }] }] },
    { name: 'dupe', project: 'Fabrikam', packages: [{ protocol: 'nuget', name: 'Dupe.Fab', versions: [{ version: '1.0.0' }] }] },
    { name: 'dupe', project: 'Contoso', packages: [{ protocol: 'nuget', name: 'Dupe.Con', versions: [{ version: '1.0.0' }] }] },
  );
}
