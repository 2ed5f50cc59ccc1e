import { cargoRule, mavenRule, nugetRule, pep440Rule, semverRule } from '../versions';
import { caseInsensitive, cargoName, checkMaven, checkNpm, checkPlain, enc, exact, longestRun, mavenParts, npmParts, pep503, wholeName } from './names';
import type { ActionKey, ActionRoute, ApiVersions, Protocol, ProtocolKey } from './types';

export * from './types';

const preview71 = '7.1-preview.1';
const allPreview71: ApiVersions = { version: preview71, batch: preview71, recycleBin: preview71, recycleBinBatch: preview71, content: preview71 };

/** The routes every protocol shares below `_apis/packaging/feeds/{feed}/{segment}/`. */
function packageRoutes(segment: string) {
  return {
    versionPath: (name: string, version: string) => `${segment}/packages/${enc(name)}/versions/${enc(version)}`,
    recycleBinVersionPath: (name: string, version: string) => `${segment}/RecycleBin/packages/${enc(name)}/versions/${enc(version)}`,
    batchPath: `${segment}/packagesbatch`,
    recycleBinBatchPath: `${segment}/RecycleBin/packagesBatch`,
    batchItem: (name: string, version: string) => ({ id: name, version }),
  };
}

/** Actions that every protocol has: promote, delete, and the recycle bin's restore and permanent delete. */
function lifecycle(deleteOperation = 'delete'): Partial<Record<string, ActionRoute>> {
  return {
    promote: { batchOperation: 'promote', single: true },
    delete: { batchOperation: deleteOperation, single: true },
    restore: { batchOperation: 'restoreToFeed', single: true },
    permanentDelete: { batchOperation: 'permanentDelete', single: true },
  };
}

const nuget: Protocol = {
  key: 'nuget',
  displayName: 'NuGet',
  protocolType: 'NuGet',
  areaId: 'b3be7473-68ea-4a81-bfc7-9530baaa19ad',
  ...packageRoutes('nuget'),
  apiVersions: {
    services: { version: '7.1', batch: preview71, recycleBin: preview71, recycleBinBatch: preview71, content: preview71 },
    onPremises: { version: '7.1', batch: preview71, recycleBin: preview71, recycleBinBatch: preview71, content: preview71 },
  },
  versionRule: nugetRule,
  normalizeName: caseInsensitive,
  nameQuery: wholeName,
  checkName: checkPlain,
  contentPath: (name, version) => `nuget/packages/${enc(name)}/versions/${enc(version)}/content`,
  downloadFileName: (name, version) => `${name}.${version}.nupkg`,
  files: true,
  hasListing: true,
  hasDeprecation: false,
  actions: {
    ...lifecycle(),
    unlist: { batchOperation: 'list', single: true },
    relist: { batchOperation: 'list', single: true },
  },
  clientPath: 'nuget/v3/index.json',
};

/** npm: scoped names keep their `@scope/` in the path, unescaped, as the routes are written. */
function npmPath(name: string): string {
  const p = npmParts(name);
  return p.scope !== undefined ? `@${enc(p.scope)}/${enc(p.name)}` : enc(p.name);
}

const npm: Protocol = {
  key: 'npm',
  displayName: 'npm',
  protocolType: 'Npm',
  areaId: '4c83cfc1-f33a-477e-a789-29d38ffca52e',
  versionPath: (name, version) => `npm/${npmPath(name)}/versions/${enc(version)}`,
  recycleBinVersionPath: (name, version) => `npm/RecycleBin/packages/${npmPath(name)}/versions/${enc(version)}`,
  batchPath: 'npm/packagesbatch',
  recycleBinBatchPath: 'npm/RecycleBin/PackagesBatch',
  batchItem: (name, version) => ({ id: name, version }),
  apiVersions: {
    services: { version: '7.1', batch: '7.1', recycleBin: '7.1', recycleBinBatch: '7.1', content: '7.1' },
    onPremises: { version: '7.1', batch: '7.1', recycleBin: '7.1', recycleBinBatch: '7.1', content: '7.1' },
  },
  versionRule: semverRule,
  normalizeName: exact,
  nameQuery: wholeName,
  checkName: checkNpm,
  contentPath: (name, version) => `npm/packages/${npmPath(name)}/versions/${enc(version)}/content`,
  downloadFileName: (name, version) => {
    const p = npmParts(name);
    return p.scope !== undefined ? `${p.scope}-${p.name}-${version}.tgz` : `${p.name}-${version}.tgz`;
  },
  files: true,
  hasListing: false,
  hasDeprecation: true,
  actions: {
    ...lifecycle('unpublish'),
    deprecate: { batchOperation: 'deprecate', single: true },
    undeprecate: { batchOperation: 'deprecate', single: true },
  },
  clientPath: 'npm/registry/',
};

const pypi: Protocol = {
  key: 'pypi',
  displayName: 'PyPI',
  protocolType: 'PyPi',
  areaId: '92f0314b-06c5-46e0-abe7-15fd9d13276a',
  ...packageRoutes('pypi'),
  apiVersions: { services: allPreview71 },
  versionRule: pep440Rule,
  normalizeName: pep503,
  nameQuery: longestRun(/[-_.]+/),
  checkName: checkPlain,
  files: true,
  hasListing: false,
  hasDeprecation: false,
  actions: lifecycle(),
  clientPath: 'pypi/simple/',
};

const maven: Protocol = {
  key: 'maven',
  displayName: 'Maven',
  protocolType: 'Maven',
  areaId: '6f7f8c07-ff36-473c-bcf3-bd6cc9b6c066',
  versionPath: (name, version) => {
    const { group, artifact } = mavenParts(name);
    return `maven/groups/${enc(group)}/artifacts/${enc(artifact)}/versions/${enc(version)}`;
  },
  recycleBinVersionPath: (name, version) => {
    const { group, artifact } = mavenParts(name);
    return `maven/RecycleBin/groups/${enc(group)}/artifacts/${enc(artifact)}/versions/${enc(version)}`;
  },
  batchPath: 'maven/packagesbatch',
  recycleBinBatchPath: 'maven/RecycleBin/packagesBatch',
  batchItem: (name, version) => {
    const { group, artifact } = mavenParts(name);
    return { group, artifact, version };
  },
  apiVersions: { services: allPreview71, onPremises: allPreview71 },
  versionRule: mavenRule,
  normalizeName: exact,
  nameQuery: wholeName,
  checkName: checkMaven,
  files: true,
  hasListing: false,
  hasDeprecation: false,
  actions: lifecycle(),
  clientPath: 'maven/v1',
};

const upack: Protocol = {
  key: 'upack',
  displayName: 'Universal',
  protocolType: 'UPack',
  areaId: 'd397749b-f115-4027-b6dd-77a65dd10d21',
  ...packageRoutes('upack'),
  apiVersions: { services: allPreview71 },
  versionRule: semverRule,
  normalizeName: caseInsensitive,
  nameQuery: wholeName,
  checkName: checkPlain,
  files: false,
  hasListing: false,
  hasDeprecation: false,
  actions: lifecycle(),
  clientPath: null,
};

const cargoVersion = '7.2-preview.1';
const cargo: Protocol = {
  key: 'cargo',
  displayName: 'Cargo',
  protocolType: 'Cargo',
  areaId: '71f96160-8701-4914-aed9-c44b89f20ccd',
  ...packageRoutes('cargo'),
  apiVersions: { services: { version: cargoVersion, batch: cargoVersion, recycleBin: cargoVersion, recycleBinBatch: cargoVersion } },
  versionRule: cargoRule,
  normalizeName: cargoName,
  nameQuery: longestRun(/[-_]+/),
  checkName: checkPlain,
  files: true,
  hasListing: true,
  hasDeprecation: false,
  actions: {
    ...lifecycle(),
    unlist: { batchOperation: 'yank', single: false },
    relist: { batchOperation: 'yank', single: false },
  },
  clientPath: 'Cargo/index/',
};

export const protocols: Readonly<Record<ProtocolKey, Protocol>> = { nuget, npm, pypi, maven, upack, cargo };

/** Whether the contract's table allows an action on a protocol: changes by its routes, download by its content route. */
export function supports(protocol: Protocol, action: ActionKey): boolean {
  if (action === 'show') return true;
  if (action === 'download') return !!protocol.contentPath && !!protocol.downloadFileName;
  return !!protocol.actions[action];
}

export function findProtocol(key: string): Protocol | undefined {
  return (protocols as Record<string, Protocol>)[key.trim().toLowerCase()];
}

export { feedsApiVersion, packagingAreaId } from './areas';
