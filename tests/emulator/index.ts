// The Azure Artifacts emulator: a local HTTP server that plays Azure DevOps (organization,
// feeds, packages and blob hosts) for tests, the demo and the benchmarks. See README.md.
export * from './types';
export { Emulator } from './emulator';
export { demoFixture } from './demo-data';
export { ROUTES as routes } from './routes';
export type { Route, SpecKey, Method } from './routes';
export { RESOURCE_AREAS } from './handlers';
export { CRAFTED, CRAFTED_VERSIONS, hostileFixture } from './hostile';
export type { HostileOptions } from './hostile';
export type { AttackerRecord } from './emulator';
export { AZURE_DEVOPS_SCOPE } from './wif';
