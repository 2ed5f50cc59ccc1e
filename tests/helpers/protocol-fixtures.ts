import type { Fixture } from '../emulator';
import { daysAgo } from './e2e';
import { fabrikamFixture } from './fixtures';

export const protocolFeedId = '2b2b2b2b-0000-4000-8000-000000000002';

/**
 * One project feed with packages of the five protocols besides NuGet. Each package has a version
 * in the recycle bin, live versions inside and outside the range the tests use, and (npm, Cargo)
 * a version whose own state (deprecated, unlisted) is already set.
 */
export function protocolFixture(): Fixture {
  return fabrikamFixture({
    id: protocolFeedId,
    packages: [
      {
        protocol: 'npm',
        name: '@contoso/widgets',
        versions: [
          { version: '0.9.0', deleted: true, deletedDate: daysAgo(2), publishDate: daysAgo(400) },
          { version: '1.0.0', publishDate: daysAgo(300) },
          { version: '1.2.0', publishDate: daysAgo(200), deprecated: 'use 1.4.0' },
          { version: '1.3.0-beta.1', publishDate: daysAgo(150) },
          { version: '1.4.0', publishDate: daysAgo(100), views: ['Prerelease'] },
          { version: '2.0.0', publishDate: daysAgo(10) },
        ],
      },
      {
        protocol: 'npm',
        name: 'left-pad',
        versions: [
          { version: '1.0.0', publishDate: daysAgo(50), content: 'left-pad 1.0.0 tarball' },
          { version: '1.1.0', publishDate: daysAgo(40) },
        ],
      },
      {
        protocol: 'pypi',
        name: 'My-Package',
        versions: [
          { version: '0.5', deleted: true, deletedDate: daysAgo(3), publishDate: daysAgo(500) },
          { version: '1.0', publishDate: daysAgo(300) },
          { version: '1.5', publishDate: daysAgo(200) },
          { version: '2.0rc1', publishDate: daysAgo(30) },
          { version: '2.0', publishDate: daysAgo(20) },
        ],
      },
      {
        protocol: 'maven',
        name: 'com.contoso:core',
        versions: [
          { version: '0.9', deleted: true, deletedDate: daysAgo(3), publishDate: daysAgo(500) },
          { version: '1.0', publishDate: daysAgo(300) },
          { version: '1.5', publishDate: daysAgo(200), views: ['Prerelease'] },
          { version: '2.0', publishDate: daysAgo(20) },
          { version: '2.1', publishDate: daysAgo(5) },
        ],
      },
      {
        protocol: 'upack',
        name: 'contoso-tools',
        versions: [
          { version: '0.1.0', deleted: true, deletedDate: daysAgo(3), publishDate: daysAgo(500) },
          { version: '1.0.0', publishDate: daysAgo(300) },
          { version: '1.1.0', publishDate: daysAgo(200) },
          { version: '2.0.0', publishDate: daysAgo(20) },
        ],
      },
      {
        protocol: 'cargo',
        name: 'my_crate',
        versions: [
          { version: '0.1.0', deleted: true, deletedDate: daysAgo(3), publishDate: daysAgo(500) },
          { version: '1.0.0', publishDate: daysAgo(300) },
          { version: '1.1.0', publishDate: daysAgo(200) },
          { version: '1.2.0', publishDate: daysAgo(100), listed: false },
          { version: '2.0.0', publishDate: daysAgo(20) },
        ],
      },
    ],
  });
}
