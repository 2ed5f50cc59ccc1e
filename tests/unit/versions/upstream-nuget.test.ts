// NuGet.Client's own NuGet.Versioning tests, as data (tests/data/upstream/nuget), against our NuGet rule.
import { nugetRule } from '../../../src/versions';
import { upstreamSuites } from './nuget-maven-upstream';

describe('versions: NuGet against NuGet.Client test data', () => {
  upstreamSuites(nugetRule, 'nuget');
});
