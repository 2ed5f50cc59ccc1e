// The demo fixture: what `npm run emulator`, the demo and tests without a fixture of their own see.
// Documented in README.md; change both together.
import type { Fixture } from './types';

const day = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * day).toISOString();
/** The upstream source (nuget.org) that versions saved from it name. */
const nugetOrg = 'a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d';

export const demoFixture: Fixture = {
  organization: 'fabrikam',
  projects: [
    { id: '5b7d5f6e-8a41-4c2b-9f0e-3d6a1c2b4e01', name: 'Fabrikam' },
    { id: '9c3e2a1b-6d5f-4e7a-8b9c-0d1e2f3a4b02', name: 'Contoso' },
  ],
  tokens: [
    { token: 'owner-token', role: 'owner', name: 'Fabrikam Feed Owner' },
    { token: 'contributor-token', role: 'contributor', name: 'Fabrikam Build Service (fabrikam)' },
    { token: 'reader-token', role: 'reader', name: 'Project Collection Build Service (fabrikam)' },
  ],
  // An Azure DevOps service connection with workload identity federation (Entra ID, no secret).
  serviceConnections: [
    { id: 'b8a5f0c2-3e4d-4a6b-9c7d-1e2f3a4b5c6d', name: 'fabrikam-wif', project: 'Fabrikam', tenantId: '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f',
      clientId: '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d', role: 'contributor', identityName: 'fabrikam-wif (service principal)' },
  ],
  feeds: [
    {
      name: 'shared',
      packages: [
        { protocol: 'nuget', name: 'Shared.Logging', versions: [
          { version: '1.0.0', views: ['Release'], publishDate: ago(120) },
          { version: '1.0.1', views: ['Release'], publishDate: ago(90) },
          { version: '2.0.0-preview.1', views: ['Prerelease'], publishDate: ago(10) },
        ] },
        { protocol: 'npm', name: 'shared-config', versions: [
          { version: '1.0.0', publishDate: ago(60) },
          { version: '1.1.0', publishDate: ago(30) },
        ] },
      ],
    },
    {
      name: 'internal',
      project: 'Fabrikam',
      packages: [
        { protocol: 'nuget', name: 'Contoso.Core', versions: [
          { version: '0.9.0', publishDate: ago(200), deleted: true, deletedDate: ago(5) },
          { version: '1.0.0', views: ['Prerelease', 'Release'], publishDate: ago(150) },
          { version: '1.1.0', views: ['Prerelease'], publishDate: ago(90) },
          { version: '1.2.0-beta.1', views: ['Prerelease'], publishDate: ago(20) },
          { version: '2.0.0', publishDate: ago(2), dependencies: [{ packageName: 'Newtonsoft.Json', versionRange: '[13.0.1, )', group: 'net8.0' }] },
        ] },
        // An application and its graph: what it needs is in the feed, published or saved from nuget.org.
        { protocol: 'nuget', name: 'Fabrikam.Shop', versions: [
          { version: '1.0.0', publishDate: ago(1), dependencies: [
            { packageName: 'Contoso.Core', versionRange: '[2.0.0, )', group: 'net8.0' },
            { packageName: 'Newtonsoft.Json', versionRange: '[13.0.1, )', group: 'net8.0' },
            { packageName: 'Contoso.Web', versionRange: '[1.0.0, )', group: 'net48' },
          ] },
        ] },
        { protocol: 'nuget', name: 'Newtonsoft.Json', versions: [
          { version: '13.0.1', publishDate: ago(700), upstreamSourceId: nugetOrg },
          { version: '13.0.3', publishDate: ago(400), upstreamSourceId: nugetOrg },
        ] },
        { protocol: 'nuget', name: 'Contoso.Web', versions: [
          { version: '1.0.0', views: ['Release'], publishDate: ago(100) },
          { version: '1.0.1', listed: false, publishDate: ago(80) },
          { version: '1.1.0-rc.1', publishDate: ago(7) },
        ] },
        { protocol: 'nuget', name: 'Contoso.Legacy', versions: [
          { version: '0.1.0', publishDate: ago(400), deleted: true, deletedDate: ago(3) },
        ] },
        { protocol: 'npm', name: '@fabrikam/widgets', versions: [
          { version: '1.0.0', views: ['Release'], publishDate: ago(100) },
          { version: '1.1.0', publishDate: ago(40) },
          { version: '2.0.0-beta.1', views: ['Prerelease'], publishDate: ago(5) },
        ] },
        { protocol: 'npm', name: 'fabrikam-utils', versions: [
          { version: '0.0.1', publishDate: ago(300), deleted: true, deletedDate: ago(4) },
          { version: '0.1.0', deprecated: 'Use fabrikam-utils 0.2 or later', publishDate: ago(200) },
          { version: '0.2.0', publishDate: ago(50) },
        ] },
        { protocol: 'pypi', name: 'Fabrikam_Data', versions: [
          { version: '0.9', publishDate: ago(210), deleted: true, deletedDate: ago(6) },
          { version: '1.0.0', views: ['Release'], publishDate: ago(110) },
          { version: '1.1.0rc1', views: ['Prerelease'], publishDate: ago(15) },
          { version: '1.1.0', publishDate: ago(3) },
        ] },
        { protocol: 'maven', name: 'com.fabrikam:fabrikam-core', versions: [
          { version: '1.0.0', views: ['Release'], publishDate: ago(130) },
          { version: '1.1.0', publishDate: ago(60) },
          { version: '2.0.0-rc1', views: ['Prerelease'], publishDate: ago(8) },
          { version: '0.9.0', publishDate: ago(250), deleted: true, deletedDate: ago(9) },
        ] },
        { protocol: 'upack', name: 'fabrikam-tools', versions: [
          { version: '1.0.0', views: ['Release'], publishDate: ago(140) },
          { version: '1.1.0', publishDate: ago(45) },
          { version: '2.0.0-beta', views: ['Prerelease'], publishDate: ago(4) },
        ] },
        { protocol: 'cargo', name: 'fabrikam_parser', versions: [
          { version: '0.0.9', publishDate: ago(220), deleted: true, deletedDate: ago(2) },
          { version: '0.1.0', views: ['Release'], publishDate: ago(160) },
          { version: '0.2.0', publishDate: ago(70) },
          { version: '1.0.0-alpha.1', views: ['Prerelease'], publishDate: ago(6) },
        ] },
      ],
    },
    {
      name: 'dupe',
      project: 'Fabrikam',
      packages: [{ protocol: 'nuget', name: 'Dupe.Package', versions: [{ version: '1.0.0', publishDate: ago(30) }] }],
    },
    {
      name: 'dupe',
      project: 'Contoso',
      packages: [{ protocol: 'nuget', name: 'Dupe.Package', versions: [{ version: '2.0.0', publishDate: ago(20) }] }],
    },
    {
      name: 'releases',
      project: 'Contoso',
      packages: [
        { protocol: 'nuget', name: 'Contoso.Core', versions: [{ version: '1.0.0', views: ['Release'], publishDate: ago(150) }] },
        { protocol: 'npm', name: '@contoso/ui', versions: [{ version: '3.0.0', publishDate: ago(12) }, { version: '3.1.0-next.0', publishDate: ago(1) }] },
      ],
    },
  ],
};

/** The fixture used when Emulator.start() is given none. */
export const defaultFixture: Fixture = demoFixture;
