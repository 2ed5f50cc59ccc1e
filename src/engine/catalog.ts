// Generated from task.json by scripts/messages.js: edit task.json, then run `npm run build`.
/* eslint-disable */

/** The message texts, as task.json has them. */
export const texts = {
  BadPackageType: "'%s' has the value '%s'; it must be one of: nuget, npm, pypi, maven, upack, cargo.",
  ActionNotSupported: "The action '%s' is not available for %s packages; they support: %s.",
  InputRequired: "'%s' is required for this action.",
  BadFeed: "'%s' has the value '%s', which is not a feed name, 'project/feed' or '/feedId'.",
  BadSelector: "%s ('%s'): %s.",
  NoVersion: "%s ('%s') names no version and '%s' is empty. Add '@<version>' to it, or give '%s' (an exact version, latest, * or a range).",
  BadChoice: "'%s' has the value '%s'; it must be one of: %s.",
  BadNumber: "'%s' has the value '%s'; it must be a whole number, 0 or more.",
  BadBoolean: "'%s' has the value '%s'; it must be true or false.",
  ProtocolNotOnServer: "%s packages are not available on this Azure DevOps Server; it serves: %s.",
  FeedNotFound: "Feed '%s' was not found, or this identity cannot see it. Closest feeds it can see: %s. Write a project feed as 'project/feed'.",
  FeedAmbiguous: "More than one feed is named '%s'. Give one of these as '%s': %s.",
  ViewNotFound: "View '%s' was not found in feed %s. Its views are: %s.",
  PackageNotFound: "%s ('%s'): no such package in the feed. Closest names: %s.",
  GlobNoMatch: "%s ('%s'): the pattern matches no package in the feed.",
  NoVersionMatch: "%s ('%s'): no version matches '%s' after the %s, %s, %s and %s filters. Versions there: %s.",
  BadVersionSelector: "%s ('%s'): the version selector '%s' is not valid: %s.",
  TooManyVersions: "This run would change %s versions, more than %s (%s). Nothing was changed. Narrow the selection, or raise %s (0 means no limit) if that many is intended; %s shows the plan.",
  DryRun: "Dry run: %s version(s) would change. No request that changes anything was sent.",
  Applying: "Changing %s version(s) in %s request(s).",
  VersionFailed: "%s %s did not reach its target state; read it back in the feed and run again.",
  Waiting: "%s %s is not in the feed yet; looking again (up to %s more second(s)).",
  Downloaded: "Downloaded %s %s to %s (%s bytes).",
  DownloadFailed: "Could not download %s %s: %s",
  AuthFailed: "Authentication failed at %s (status %s: %s). The token is missing, expired or not accepted. %s",
  Forbidden: "Permission denied: %s is needed to %s in feed %s (server: %s). %s",
  HttpFailed: "%s %s answered %s: %s",
  RetriesExhausted: "%s %s kept failing after %s attempts: %s. The service may be throttling or unavailable; run again later.",
  HostNotFound: "The host %s could not be found (%s %s: %s); gave up at once, since a name that does not resolve does not come back by waiting. Check the URL and %s.",
  HostRefused: "%s refused the connection (%s %s: %s): nothing is listening there. Check the URL's host and port, and %s.",
  HostUntrusted: "The certificate of %s is not trusted (%s %s: %s). Check the URL, %s, and whether a proxy inspects TLS.",
  RateLimited: "The service announces that it is delaying this run (X-RateLimit headers): requests go one at a time while it does.",
  LostAnswer: "%s %s: the answer was lost (%s) and the change could not be confirmed. Look at the version in the feed, then run the step again: versions already changed are left as they are.",
  Unexpected: "Unexpected failure: %s",
  FeedFound: "Feed %s (%s).",
  ConnectionIncomplete: "The service connection '%s' has no URL or no personal access token.",
  NoCollection: "System.TeamFoundationCollectionUri is not set: run this task in a pipeline, or give a 'connection'.",
  NoToken: "The task received no access token for the job (the SystemVssConnection endpoint has none). Run it as a pipeline task, or give a 'connection' or an 'azureDevOpsServiceConnection'.",
  ResultTooLarge: "The result (%s bytes) is larger than an output variable can carry; 'result' is empty. Read the JSON from resultFile: %s",
  SummaryTitle: "Package lifecycle: %s %s packages in %s %s",
  DryRunTag: "(dry run)",
  LocationUnknown: "The location service at %s named no host for resource area %s. Check that the collection URL (or the service connection's URL) is an Azure DevOps organization with Azure Artifacts.",
  PackageNotInRecycleBin: "%s ('%s'): the recycle bin holds no version of this package.",
  CommaSeparatedPackages: "%s ('%s'): a comma does not separate packages (version ranges contain commas). Give one package each, or separate them with ';'.",
  BothPackagesAndFiles: "Give either '%s' or '%s', not both.",
  NoPackagesOrFiles: "Nothing to select: give '%s' (the packages) or '%s' (the package files the build produced).",
  PackageFileUnreadable: "Package file %s cannot be read: %s. Nothing was sent for any file.",
  PackageFileWrongType: "Package file %s is a %s package, but %s is %s. Nothing was sent for any file.",
  PackageFilesNoMatch: "%s ('%s'): no file matches.",
  PackageFileRead: "%s: %s %s.",
  PackageFilesNotForType: "%s packages have no package file form: use '%s' instead of '%s'.",
  BothConnections: "Give either 'connection' or 'azureDevOpsServiceConnection', not both.",
  Unverified: "%s version(s) whose change the server accepted could not be read back (%s): they are reported changed, unverified.",
  NotSent: "%s version(s) were not sent because of the failure above; they are unchanged.",
  UnsafeName: "The %s '%s' (from %s) cannot be a path segment: '.', '..' and empty names are path syntax. Nothing was sent for it.",
  UnsafeFile: "%s %s: the file name '%s' would be written outside %s; it was not downloaded.",
  ForbiddenIdentity: "Permission denied: %s is needed to %s in feed %s, and the server says %s lacks it (%s). %s",
  WifExchangeFailed: "Workload identity federation through the service connection '%s' failed: %s",
  ForbiddenId: "Permission denied: %s is needed to %s in feed %s, and the server names only the id of the identity that lacks it (%s; %s). %s",
  AuthAdvicePipeline: "In YAML pipelines the job's token is used automatically; with a 'connection', renew its personal access token (it needs Packaging read, write and manage).",
  ProxyAdviceAgent: "the agent's proxy setting (its proxy URL and bypass list)",
  ProxyAdviceEnvironment: "the proxy setting (HTTPS_PROXY, HTTP_PROXY and NO_PROXY)",
  CertificateAdviceAgent: "the agent's certificate settings (its CA file)",
  CertificateAdviceEnvironment: "the certificates Node trusts (NODE_EXTRA_CA_CERTS)",
  AuthAdviceToken: "The token came from %s: check that it has not expired or been revoked, that it belongs to this organization, and that a personal access token has the scope Packaging (read, write and manage).",
  GrantIdentity: "In the feed's settings, Permissions, give '%s' that role. A pipeline runs as '%s' with project-scoped job authorization, or as '%s' with collection-scoped job authorization; by default they only have Feed and Upstream Reader.",
  GrantBuildIdentities: "In the feed's settings, Permissions, give that role to the identity the pipeline runs as: '%s' with project-scoped job authorization, or '%s' with collection-scoped job authorization; by default they only have Feed and Upstream Reader.",
  GrantTokenOwner: "The token from %s acts as the person who created it: a feed owner can give that person the role in the feed's settings, Permissions, or use the token of someone who has it (a personal access token also needs the scope Packaging: read, write and manage).",
  IncludeDependenciesIgnored: "%s applies to promote only; it was ignored for %s.",
  DependenciesUnread: "The dependencies of %s could not be read from the feed; none of them was followed. Promote what it needs yourself, or run again.",
  DependencyMissing: "Dependency %s (range '%s') of %s is not in the feed, neither published nor saved from an upstream source, so it was not promoted. Publish it to the feed, or install it once through the feed's @Local view so that the feed saves it from its upstream source, then run again.",
  DependencyUnsatisfied: "Dependency %s (range '%s') of %s: no version in the feed satisfies the range (versions there: %s), so none was promoted. Publish one that does, or install it once through the feed's @Local view so that the feed saves it from its upstream source, then run again.",
  DependencyRangeUnreadable: "Dependency %s (range '%s') of %s cannot be followed: the range is not in %s's own syntax, so nothing was promoted for it. Promote the version a consumer needs yourself (publish it, or install it once through the feed's @Local view so that the feed saves it from its upstream source), then run again.",
} as const;

/** How many arguments each message takes (its `%s` placeholders). */
export interface Arity {
  BadPackageType: 2;
  ActionNotSupported: 3;
  InputRequired: 1;
  BadFeed: 2;
  BadSelector: 3;
  NoVersion: 4;
  BadChoice: 3;
  BadNumber: 2;
  BadBoolean: 2;
  ProtocolNotOnServer: 2;
  FeedNotFound: 2;
  FeedAmbiguous: 3;
  ViewNotFound: 3;
  PackageNotFound: 3;
  GlobNoMatch: 2;
  NoVersionMatch: 8;
  BadVersionSelector: 4;
  TooManyVersions: 5;
  DryRun: 1;
  Applying: 2;
  VersionFailed: 2;
  Waiting: 3;
  Downloaded: 4;
  DownloadFailed: 3;
  AuthFailed: 4;
  Forbidden: 5;
  HttpFailed: 4;
  RetriesExhausted: 4;
  HostNotFound: 5;
  HostRefused: 5;
  HostUntrusted: 5;
  RateLimited: 0;
  LostAnswer: 3;
  Unexpected: 1;
  FeedFound: 2;
  ConnectionIncomplete: 1;
  NoCollection: 0;
  NoToken: 0;
  ResultTooLarge: 2;
  SummaryTitle: 4;
  DryRunTag: 0;
  LocationUnknown: 2;
  PackageNotInRecycleBin: 2;
  CommaSeparatedPackages: 2;
  BothPackagesAndFiles: 2;
  NoPackagesOrFiles: 2;
  PackageFileUnreadable: 2;
  PackageFileWrongType: 4;
  PackageFilesNoMatch: 2;
  PackageFileRead: 3;
  PackageFilesNotForType: 3;
  BothConnections: 0;
  Unverified: 2;
  NotSent: 1;
  UnsafeName: 3;
  UnsafeFile: 4;
  ForbiddenIdentity: 6;
  WifExchangeFailed: 2;
  ForbiddenId: 6;
  AuthAdvicePipeline: 0;
  ProxyAdviceAgent: 0;
  ProxyAdviceEnvironment: 0;
  CertificateAdviceAgent: 0;
  CertificateAdviceEnvironment: 0;
  AuthAdviceToken: 1;
  GrantIdentity: 3;
  GrantBuildIdentities: 2;
  GrantTokenOwner: 1;
  IncludeDependenciesIgnored: 2;
  DependenciesUnread: 1;
  DependencyMissing: 3;
  DependencyUnsatisfied: 4;
  DependencyRangeUnreadable: 4;
}
