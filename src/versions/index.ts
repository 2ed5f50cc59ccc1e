import { cargoRule as cargo } from './cargo';
import { mavenRule as maven } from './maven';
import { remembering } from './memo';
import { nugetRule as nuget } from './nuget';
import { pep440Rule as pep440 } from './pep440';
import { semverRule as semver } from './semver';

export type { VersionRule } from './types';
export { VersionSelectorError } from './types';
export { npmDependencyRange } from './semver';
export const nugetRule = remembering(nuget);
export const semverRule = remembering(semver);
export const cargoRule = remembering(cargo);
export const pep440Rule = remembering(pep440);
export const mavenRule = remembering(maven);
