/**
 * The command line, `package-lifecycle`: flags and environment into the same inputs the task
 * reads, the same engine through the wiring, and the outcome as a table or JSON with an exit code
 * (0 succeeded, 1 failed, 2 usage error).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { type Credential, sleepFor } from './azure/http';
import { relieve, worthCollectingWhileWaiting } from './azure/memory';
import { format } from './engine/messages';
import type { Platform } from './engine/ports';
import { actions, Inputs } from './engine/request';
import { inline } from './engine/text';
import { present, textAhead } from './outputs';
import { runInputs } from './wiring';

declare const PACKAGE_VERSION: string | undefined;

/** Each action by its kebab-case name and by its name in lower case (`permanent-delete`, `permanentdelete`). */
const actionNames: Record<string, string> = Object.fromEntries(actions.flatMap((a) => [[a.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), a], [a.toLowerCase(), a]]));

/** Flags that carry a task input, and the input. */
const inputFlags = {
  feed: 'feed', type: 'packageType', version: 'version', view: 'view', 'source-view': 'sourceView', 'except-view': 'exceptView',
  source: 'source', prerelease: 'prerelease', 'keep-latest': 'keepLatest', 'older-than-days': 'olderThanDays', message: 'deprecateMessage',
  out: 'downloadDirectory', 'max-versions': 'maxVersions', 'wait-seconds': 'waitSeconds',
} as const;

const usage = `Usage:
  package-lifecycle <action> --feed <feed> [--type nuget] [selectors...] [options]
  package-lifecycle --help | <action> --help | --version

Actions: promote, unlist, relist, deprecate, undeprecate, delete, restore, permanent-delete, download, show

Selectors: Contoso.Core, Contoso.Core@1.2.0, @scope/name@^2, Contoso.* (one package each);
  --packages-file <path|->   one selector a line (- reads standard input)
  --package-files <glob>     read name and version from package files (repeatable)

Options:
  --feed <feed>              project/feed, or an organization feed's name (required)
  --type <type>              nuget (default), npm, pypi, maven, upack, cargo
  --version <selector>       version for selectors without one: exact, latest, *, a range
  --view <view>              promote: the target view (Release, @Prerelease)
  --source-view <view>       only versions in this view now
  --except-view <view>       leave out versions in this view now
  --source <any|local|upstream>
  --prerelease <include|exclude|only>
  --keep-latest <n>          leave the n highest versions of each package out
  --older-than-days <n>      only versions published more than n days ago
  --message <text>           deprecate: the message
  --out <dir>                download: where files go (default: the current directory)
  --dry-run                  print the plan; change nothing
  --include-dependencies     promote: also the dependencies a consumer resolves from the feed
  --max-versions <n>         the most versions one run may change (default 100, 0: no limit)
  --allow-no-match           a selector matching nothing is a warning, not a failure
  --wait-seconds <n>         exact versions: how long to wait for one still being ingested
  --org <url>                organization or collection URL (else AZURE_DEVOPS_ORG_URL, SYSTEM_COLLECTIONURI)
  --project <name>           the project a bare feed name is looked for in first (else SYSTEM_TEAMPROJECT)
  --token-stdin              read the token from standard input
  --json                     print the result JSON only
  -q, --quiet                print only warnings and errors on standard error

The token comes from AZURE_DEVOPS_EXT_PAT (a personal access token), else SYSTEM_ACCESSTOKEN
(a pipeline's token), else standard input with --token-stdin; never from the command line.
Exit code: 0 succeeded, 1 failed, 2 usage error.
`;

class UsageError extends Error {}

interface Parsed {
  inputs: Inputs;
  org?: string;
  project?: string;
  tokenStdin: boolean;
  json: boolean;
  quiet: boolean;
  packagesFile?: string;
}

export function parse(argv: string[], env: NodeJS.ProcessEnv): Parsed | 'help' | 'version' {
  if (argv.length === 1 && argv[0] === '--version') return 'version';
  if (!argv.length || argv.includes('--help') || argv.includes('-h')) return 'help';
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(Object.keys(inputFlags).map((k) => [k, { type: 'string' as const }])),
        'packages-file': { type: 'string' },
        'package-files': { type: 'string', multiple: true },
        org: { type: 'string' },
        project: { type: 'string' },
        'dry-run': { type: 'boolean' },
        'include-dependencies': { type: 'boolean' },
        'allow-no-match': { type: 'boolean' },
        'token-stdin': { type: 'boolean' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
  } catch (e) {
    const text = e instanceof Error ? e.message : String(e);
    if (/--token\b/.test(text)) throw new UsageError('a token is never given on the command line (shell history and process lists keep it): set AZURE_DEVOPS_EXT_PAT, or use --token-stdin');
    throw new UsageError(text);
  }
  const [actionText, ...selectors] = parsed.positionals;
  const action = actionNames[(actionText ?? '').toLowerCase()];
  if (!action) throw new UsageError(actionText ? `unknown action '${actionText}'` : 'no action given');
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const inputs: Inputs = { action };
  for (const [flag, input] of Object.entries(inputFlags)) {
    const v = values[flag];
    if (typeof v === 'string') inputs[input] = v;
  }
  if (!inputs.feed) throw new UsageError('--feed is required');
  if (values['dry-run']) inputs.dryRun = 'true';
  if (values['include-dependencies']) inputs.includeDependencies = 'true';
  if (values['allow-no-match']) inputs.failOnNoMatch = 'false';
  inputs.packages = selectors.join('\n');
  const files = values['package-files'];
  if (Array.isArray(files)) inputs.packageFiles = files.join('\n');
  return {
    inputs,
    org: (values.org as string | undefined) ?? env.AZURE_DEVOPS_ORG_URL ?? env.SYSTEM_COLLECTIONURI,
    project: (values.project as string | undefined) ?? env.SYSTEM_TEAMPROJECT,
    tokenStdin: !!values['token-stdin'],
    json: !!values.json,
    quiet: !!values.quiet,
    packagesFile: values['packages-file'] as string | undefined,
  };
}

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let p: Parsed;
  try {
    const r = parse(argv, env);
    if (r === 'help') {
      io.out(usage);
      return 0;
    }
    if (r === 'version') {
      io.out(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
      return 0;
    }
    p = r;
    if (p.packagesFile) {
      const text = p.packagesFile === '-' ? readStdin() : fs.readFileSync(p.packagesFile, 'utf8');
      p.inputs.packages = [p.inputs.packages, text].filter(Boolean).join('\n');
    }
    if (!p.org) throw new UsageError('no organization: give --org <url>, or set AZURE_DEVOPS_ORG_URL');
    try {
      new URL(p.org);
    } catch {
      throw new UsageError(`--org '${p.org}' is not a URL`);
    }
  } catch (e) {
    if (!(e instanceof UsageError) && !(e instanceof Error && 'code' in e)) throw e;
    io.err(`package-lifecycle: ${inline(e.message)}\n\n${usage}`);
    return 2;
  }
  let credential: Credential;
  if (env.AZURE_DEVOPS_EXT_PAT) credential = { kind: 'pat', token: env.AZURE_DEVOPS_EXT_PAT.trim() };
  else if (env.SYSTEM_ACCESSTOKEN) credential = { kind: 'bearer', token: env.SYSTEM_ACCESSTOKEN.trim() };
  else if (p.tokenStdin) credential = { kind: 'pat', token: readStdin().trim() };
  else {
    io.err(`package-lifecycle: no token: set AZURE_DEVOPS_EXT_PAT (a personal access token), or SYSTEM_ACCESSTOKEN, or pipe it with --token-stdin\n`);
    return 2;
  }
  if (!credential.token) {
    io.err('package-lifecycle: the token is empty\n');
    return 2;
  }
  // Every message passes the one place that makes text safe (format), which also removes the token.
  const platform: Platform = {
    info: (m) => {
      if (!p.quiet) io.err(`${format(m)}\n`);
    },
    warn: (m) => io.err(`warning: ${format(m)}\n`),
    debug: (line) => {
      if (env.PACKAGE_LIFECYCLE_DEBUG) io.err(`debug: ${inline(line)}\n`);
    },
    sleep: sleepFor,
    now: () => Date.now(),
  };
  const cwd = process.cwd();
  const ahead = textAhead({ settle: () => relieve(worthCollectingWhileWaiting) });
  const ran = await runInputs(p.inputs, {
    collectionUrl: p.org,
    credential,
    server: 'detect',
    // The proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which the HTTP client reads when no other is set.
    timeoutMs: 60_000,
    platform,
    project: p.project ? { name: p.project } : undefined,
    workingDirectory: cwd,
    expect: ahead.expect,
  });
  const texts = ahead.stop();
  if (texts) platform.debug(texts.summary);
  const out = present(ran.outcome, '', path.join(cwd, 'result.json'), format, texts);
  if (p.json) io.out(`${out.json}\n`);
  else if (out.table !== undefined) io.out(`${out.table}\n\n${out.counts}\n`);
  for (const e of out.errors) io.err(`error: ${e}\n`);
  // A request refused before anything was sent (an input the engine could not take) is a usage error.
  if (ran.stage === 'inputs' || (ran.stage === 'run' && ran.outcome.noTable && ran.outcome.requests === 0)) return 2;
  return out.status === 'Failed' ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`package-lifecycle: unexpected failure: ${inline(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    },
  );
}
