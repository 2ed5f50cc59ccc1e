// Maven's ComparableVersion and VersionRange tests and maven-resolver's GenericVersion,
// GenericVersionRange and UnionVersionRange tests, as data (tests/data/upstream/maven), against our Maven rule.
import { mavenRule } from '../../../src/versions';
import { upstreamSuites } from './nuget-maven-upstream';

describe('versions: Maven against Maven and maven-resolver test data', () => {
  upstreamSuites(mavenRule, 'maven');
});
