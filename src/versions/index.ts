export type { VersionRule } from './types';
export { VersionSelectorError } from './types';
export { nugetRule } from './nuget';
export { semverRule } from './semver';
export { cargoRule } from './cargo';
export { pep440Rule } from './pep440';
export { mavenRule } from './maven';
