/**
 * The command line, `package-lifecycle`: one subcommand per action (commander parses the flags,
 * writes each action's help and suggests the closest flag or action), the flags and environment
 * into the same inputs the task reads, the same engine through the wiring, and the outcome as a
 * table or JSON with an exit code (0 succeeded, 1 failed, 2 usage error).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { type Credential, sleepFor } from './azure/http';
import type { ActionKey } from './protocols';
import { Door, format, grantBuildIdentity, Msg, msg } from './engine/messages';
import type { Platform } from './engine/ports';
import { actions, InputName, Inputs } from './engine/request';
import { inline } from './engine/text';
import { present } from './outputs';
import { runInputs } from './wiring';

declare const PACKAGE_VERSION: string | undefined;

const bin = 'package-lifecycle';

/** An action's name on the command line: `permanentDelete` is `permanent-delete`. */
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Where a bare feed name is looked for: the same words as the task's help, the README and the overview. */
const bareFeedName =
  "A bare feed name means the pipeline's own project's feed of that name, else the\n" +
  'organization-scoped feed of that name, else the only feed of that name in any project (the\n' +
  "pipeline's project: --project, else SYSTEM_TEAMPROJECT).";

interface FlagSpec {
  /** The task input the flag gives. */
  input: InputName;
  /** A switch: the input's value when the flag is given (`--allow-no-match` is `failOnNoMatch: false`). */
  value?: string;
  /** The value's name in the help, for a flag that takes one. */
  arg?: string;
  help: string;
  /** The actions whose help lists it; the others take it too, and the engine decides (it warns where it ignores one). */
  only?: readonly ActionKey[];
  /** Repeatable: each one a line of the input. */
  lines?: boolean;
}

const changing = actions.filter((a) => a !== 'show' && a !== 'download');

/** Flags that carry a task input, and the input: the one table that parses them and that messages word inputs from. */
const inputFlags: Record<string, FlagSpec> = {
  feed: { input: 'feed', arg: 'feed', help: "project/feed, or a bare feed name (see below) (required)" },
  type: { input: 'packageType', arg: 'type', help: 'nuget (default), npm, pypi, maven, upack, cargo' },
  version: { input: 'version', arg: 'selector', help: 'version for selectors without one: exact, latest (the highest stable), *, a wildcard or a range' },
  view: { input: 'view', arg: 'view', help: 'the view to promote to (Release, @Prerelease) (required)', only: ['promote'] },
  'include-dependencies': { input: 'includeDependencies', value: 'true', help: 'also promote the dependencies a consumer of the view would restore from this feed', only: ['promote'] },
  'source-view': { input: 'sourceView', arg: 'view', help: 'only versions in this view now' },
  'except-view': { input: 'exceptView', arg: 'view', help: 'leave out versions in this view now' },
  source: { input: 'source', arg: 'source', help: 'any (default), local (published to this feed), upstream (saved from an upstream)' },
  prerelease: { input: 'prerelease', arg: 'mode', help: 'include (default), exclude, only' },
  'keep-latest': { input: 'keepLatest', arg: 'n', help: 'leave the n highest versions of each package out' },
  'older-than-days': { input: 'olderThanDays', arg: 'n', help: 'only versions published more than n days ago' },
  message: { input: 'deprecateMessage', arg: 'text', help: 'the deprecation message (required)', only: ['deprecate'] },
  out: { input: 'downloadDirectory', arg: 'dir', help: 'where files go (default: the current directory)', only: ['download'] },
  'dry-run': { input: 'dryRun', value: 'true', help: 'print the plan; change nothing', only: changing },
  'max-versions': { input: 'maxVersions', arg: 'n', help: 'the most versions one run may change (default 100, 0: no limit)', only: changing },
  'allow-no-match': { input: 'failOnNoMatch', value: 'false', help: 'a selector matching nothing is a warning, not a failure' },
  'wait-seconds': { input: 'waitSeconds', arg: 'n', help: 'exact versions: how long to wait for one still being ingested' },
  'package-files': { input: 'packageFiles', arg: 'glob', help: 'read name and version from package files (repeatable; not for upack)', lines: true },
};

/** Flags that are not inputs: where the run goes, as whom, and what it prints. */
const runFlags: [flags: string, help: string][] = [
  ['--packages-file <path>', 'one selector a line (- reads standard input)'],
  ['--org <url>', 'organization or collection URL (else AZURE_DEVOPS_ORG_URL, SYSTEM_COLLECTIONURI)'],
  ['--project <name>', 'the project a bare feed name is looked for in first (else SYSTEM_TEAMPROJECT)'],
  ['--token-stdin', 'read the token from standard input'],
  ['--json', 'print the result JSON only'],
  ['-q, --quiet', 'print only warnings and errors on standard error'],
];

const actionHelp: Record<ActionKey, { what: string; example: string }> = {
  promote: { what: 'Add versions to a view of the feed (gated: --source-view Prerelease).', example: `${bin} promote --org https://dev.azure.com/fabrikam --feed Fabrikam/internal Contoso.Core@1.2.0 --view Release` },
  unlist: { what: 'Unlist versions (NuGet), yank them (Cargo).', example: `${bin} unlist --feed Fabrikam/internal Contoso.Core --version "[1.0,1.5)" --dry-run` },
  relist: { what: 'List unlisted versions again (NuGet), unyank them (Cargo).', example: `${bin} relist --feed Fabrikam/internal Contoso.Core@1.4.2` },
  deprecate: { what: 'Deprecate npm versions with a message.', example: `${bin} deprecate --type npm --feed Fabrikam/internal @fabrikam/widgets --version "<2.0.0" --message "Use 2.x"` },
  undeprecate: { what: 'Remove the deprecation of npm versions.', example: `${bin} undeprecate --type npm --feed Fabrikam/internal @fabrikam/widgets@1.9.0` },
  delete: { what: "Move versions to the feed's recycle bin.", example: `${bin} delete --feed Fabrikam/internal "Contoso.*" --version "*" --except-view Release --keep-latest 5 --dry-run` },
  restore: { what: 'Bring versions back from the recycle bin.', example: `${bin} restore --feed Fabrikam/internal Contoso.Core@1.2.0` },
  permanentDelete: { what: 'Delete versions in the recycle bin for good.', example: `${bin} permanent-delete --feed Fabrikam/internal Contoso.Core --version "*" --dry-run` },
  download: { what: 'Download package files (NuGet, npm) into --out.', example: `${bin} download --feed Fabrikam/internal Contoso.Core --version latest --out ./packages` },
  show: { what: 'List versions: views, listed, deprecated, published, source.', example: `${bin} show --feed Fabrikam/internal Contoso.Core --version "*"` },
};

const general = `
Selectors: Contoso.Core, Contoso.Core@1.2.0, @scope/name@^2, Contoso.* (one package each).
${bareFeedName}
The token comes from AZURE_DEVOPS_EXT_PAT (a personal access token, which needs Packaging: read,
write and manage), else SYSTEM_ACCESSTOKEN (a pipeline's token), else standard input with
--token-stdin; never from the command line.
Exit code: 0 succeeded, 1 failed, 2 usage error.`;

class UsageError extends Error {
  /** The action whose help the message points to. */
  constructor(message: string, readonly action?: string) {
    super(message);
  }
}

interface Parsed {
  inputs: Inputs;
  org?: string;
  project?: string;
  tokenStdin: boolean;
  json: boolean;
  quiet: boolean;
  packagesFile?: string;
}

/** The command's words for an input: its flag, or what stands for it. */
export const cliDoor = (tokenSource = 'AZURE_DEVOPS_EXT_PAT', kind: Credential['kind'] = 'pat'): Door => ({
  input(name, value) {
    if (name === 'packages') return 'selectors';
    if (name === 'action') return 'the action';
    const flags = Object.entries(inputFlags).filter(([, f]) => f.input === name);
    const [flag, spec] = flags.find(([, f]) => f.value !== undefined && f.value === value) ?? flags[0] ?? [name, { input: name, help: '' }];
    return value === undefined || spec.value !== undefined ? `--${flag}` : `--${flag} ${value}`;
  },
  line: (name, line) => (name === 'packages' ? `selector ${line}` : `--package-files, pattern ${line}`),
  advice(a) {
    // A personal access token acts as the person who made it: a 403 is theirs to solve, not a build identity's.
    if (a.advice === 'permission') return kind === 'pat' ? msg('GrantTokenOwner', tokenSource) : grantBuildIdentity(a);
    if (a.advice === 'proxy') return msg('ProxyAdviceEnvironment');
    if (a.advice === 'certificates') return msg('CertificateAdviceEnvironment');
    return msg('AuthAdviceToken', tokenSource);
  },
});

/** The command line: a fresh commander program for each parse (it keeps what it parsed). */
function program(io: { out: (s: string) => void }, done: (action: ActionKey, selectors: string[], values: Record<string, unknown>) => void): Command {
  const root = new Command(bin)
    .usage('<action> --feed <feed> [--type nuget] [selectors...] [options]')
    .description('Manage package versions in Azure Artifacts feeds: the engine of the PackageLifecycle@1 task.')
    .helpCommand(false)
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.out, writeErr: () => undefined, outputError: () => undefined })
    .addHelpText('after', `${general}\nEach action has its own help: ${bin} <action> --help. ${bin} --version prints the version.`)
    .commandsGroup('Actions:');
  for (const action of actions) {
    const name = kebab(action);
    const c = root
      .command(name)
      .description(actionHelp[action].what)
      .usage(`--feed <feed> [selectors...] [options]`)
      .argument('[selectors...]', 'packages: name, name@version or a glob')
      .helpCommand(false)
      .exitOverride()
      .showSuggestionAfterError(true)
      .configureOutput({ writeOut: io.out, writeErr: () => undefined, outputError: () => undefined })
      .addHelpText('after', `\nExample:\n  ${actionHelp[action].example}\n${general}`)
      .action((selectors: string[], values: Record<string, unknown>) => done(action, selectors, values));
    for (const alias of new Set([action, action.toLowerCase()])) if (alias !== name) c.alias(alias);
    for (const [flag, spec] of Object.entries(inputFlags)) {
      const o = new Option(spec.arg ? `--${flag} <${spec.arg}>` : `--${flag}`, spec.help);
      if (spec.lines) o.argParser((v: string, previous: string[] | undefined) => [...(previous ?? []), v]);
      if (spec.only && !spec.only.includes(action)) o.hideHelp();
      c.addOption(o);
    }
    for (const [flags, help] of runFlags) c.option(flags, help);
  }
  return root;
}

/** Commander's words for a usage error, on one line: `unknown option '--veiw' (did you mean --view?)`. */
function oneLine(text: string): string {
  return text
    .replace(/^error:\s*/i, '')
    .replace(/^unknown command/, 'unknown action')
    .replace(/^option '(--[\w-]+) <([^>]+)>' argument missing/, '$1 needs a value (<$2>)')
    .replace(/\s*\n\s*\(Did you mean (.*)\)\s*/i, ' (did you mean $1)')
    .replace(/\s+/g, ' ')
    .trim();
}

export function parse(argv: string[], env: NodeJS.ProcessEnv, io: { out: (s: string) => void } = { out: () => undefined }): Parsed | 'help' | 'version' {
  if (argv.length === 1 && argv[0] === '--version') return 'version';
  // `help` and `help <action>`, as many commands take them, are the same as `--help`.
  if (argv[0] === 'help' && argv.length <= 2) argv = [...argv.slice(1), '--help'];
  if (!argv.length) throw new UsageError(`no action given: ${bin} <action> --feed <feed> [selectors...] [options]`);
  let result: Parsed | undefined;
  const root = program(io, (action, selectors, values) => {
    const inputs: Inputs = { action };
    for (const [flag, spec] of Object.entries(inputFlags)) {
      const v = values[new Option(`--${flag}`).attributeName()];
      if (typeof v === 'string') inputs[spec.input] = v;
      else if (v === true && spec.value !== undefined) inputs[spec.input] = spec.value;
      else if (Array.isArray(v)) inputs[spec.input] = v.join('\n');
    }
    if (!inputs.feed) throw new UsageError('--feed is required', kebab(action));
    inputs.packages = selectors.join('\n');
    const text = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    result = {
      inputs,
      org: text('org') ?? env.AZURE_DEVOPS_ORG_URL ?? env.SYSTEM_COLLECTIONURI,
      project: text('project') ?? env.SYSTEM_TEAMPROJECT,
      tokenStdin: !!values.tokenStdin,
      json: !!values.json,
      quiet: !!values.quiet,
      packagesFile: text('packagesFile'),
    };
  });
  try {
    root.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.help') return 'help';
    const action = actions.map(kebab).find((a) => argv.includes(a)) ?? actions.find((a) => argv.includes(a) || argv.includes(a.toLowerCase()));
    if (/'--(token|pat)'/.test(e.message)) throw new UsageError('a token is never given on the command line (shell history and process lists keep it): set AZURE_DEVOPS_EXT_PAT, or use --token-stdin', action && kebab(action));
    throw new UsageError(oneLine(e.message), action && kebab(action));
  }
  if (!result) throw new UsageError(`no action given: ${bin} <action> --feed <feed> [selectors...] [options]`);
  return result;
}

function readStdin(): string {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch {
    return '';
  }
}

/** The selectors file of --packages-file; one that cannot be read is a usage error. */
function readSelectors(file: string, action: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`--packages-file '${file}' cannot be read (${code === 'ENOENT' ? 'no such file' : code ?? String(e)})`, action);
  }
}

/** A usage error: one line in the command line's words, and where to read more. */
function usageLine(message: string, action: string | undefined): string {
  const help = action ? `${bin} ${action} --help` : `${bin} --help`;
  return `${bin}: ${inline(message).replace(/[.\s]+$/, '')}. See '${help}'.\n`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: { out: (s: string) => void; err: (s: string) => void }): Promise<number> {
  let p: Parsed;
  try {
    const r = parse(argv, env, io);
    if (r === 'help') return 0;
    if (r === 'version') {
      io.out(`${typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev'}\n`);
      return 0;
    }
    p = r;
    if (p.packagesFile) {
      const text = p.packagesFile === '-' ? readStdin() : readSelectors(p.packagesFile, kebab(p.inputs.action ?? ''));
      p.inputs.packages = [p.inputs.packages, text].filter(Boolean).join('\n');
    }
    if (!p.org) throw new UsageError('no organization: give --org <url>, or set AZURE_DEVOPS_ORG_URL', kebab(p.inputs.action ?? ''));
    try {
      new URL(p.org);
    } catch {
      throw new UsageError(`--org '${p.org}' is not a URL`, kebab(p.inputs.action ?? ''));
    }
  } catch (e) {
    if (e instanceof UsageError) io.err(usageLine(e.message, e.action));
    else throw e;
    return 2;
  }
  const action = kebab(p.inputs.action ?? '');
  let credential: Credential;
  let tokenSource: string;
  if (env.AZURE_DEVOPS_EXT_PAT) [credential, tokenSource] = [{ kind: 'pat', token: env.AZURE_DEVOPS_EXT_PAT.trim() }, 'AZURE_DEVOPS_EXT_PAT'];
  else if (env.SYSTEM_ACCESSTOKEN) [credential, tokenSource] = [{ kind: 'bearer', token: env.SYSTEM_ACCESSTOKEN.trim() }, 'SYSTEM_ACCESSTOKEN'];
  else if (p.tokenStdin) [credential, tokenSource] = [{ kind: 'pat', token: readStdin().trim() }, '--token-stdin'];
  else {
    io.err(usageLine('no token: set AZURE_DEVOPS_EXT_PAT (a personal access token), or SYSTEM_ACCESSTOKEN, or pipe it with --token-stdin', action));
    return 2;
  }
  if (!credential.token) {
    io.err(usageLine(`the token in ${tokenSource} is empty`, action));
    return 2;
  }
  const door = cliDoor(tokenSource, credential.kind);
  const say = (m: Msg) => format(m, door);
  // Every message passes the one place that makes text safe (format), which also removes the token.
  const platform: Platform = {
    info: (m) => {
      if (!p.quiet) io.err(`${say(m)}\n`);
    },
    warn: (m) => io.err(`warning: ${say(m)}\n`),
    debug: (line) => {
      if (env.PACKAGE_LIFECYCLE_DEBUG) io.err(`debug: ${inline(line)}\n`);
    },
    sleep: sleepFor,
    now: () => Date.now(),
  };
  const cwd = process.cwd();
  const ran = await runInputs(p.inputs, {
    collectionUrl: p.org,
    credential,
    server: 'detect',
    // The proxy: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, which the HTTP client reads when no other is set.
    timeoutMs: 60_000,
    platform,
    project: p.project ? { name: p.project } : undefined,
    workingDirectory: cwd,
  });
  // Inputs the engine refused before anything was sent are a usage error, in the same one line.
  if (ran.stage === 'inputs') {
    io.err(usageLine(say(ran.outcome.errors[0]), action));
    return 2;
  }
  const out = present(ran.outcome, '', path.join(cwd, 'result.json'), say);
  // A request refused before anything was sent (an input the engine could not take, such as a bad
  // version selector) is a usage error: the same one line, nothing on standard output.
  if (ran.stage === 'run' && ran.outcome.noTable && ran.outcome.requests === 0 && out.errors.length) {
    io.err(usageLine(out.errors[0], action));
    for (const e of out.errors.slice(1)) io.err(`error: ${e}\n`);
    return 2;
  }
  if (p.json) io.out(`${out.json}\n`);
  else if (out.table !== undefined) io.out(`${out.table}\n\n${out.counts}\n`);
  for (const e of out.errors) io.err(`error: ${e}\n`);
  return out.status === 'Failed' ? 1 : 0;
}

if (require.main === module) {
  // `package-lifecycle show … | head`: a reader that stops early is not a failure.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  main(process.argv.slice(2), process.env, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${bin}: unexpected failure: ${inline(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    },
  );
}
