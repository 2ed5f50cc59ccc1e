/**
 * `npm start`: the built task, run as the agent runs it, through a release flow against the
 * built-in emulator with its demo data. Prints the task's own output and its summary.
 */
import * as fs from 'node:fs';
import { demoFixture, Emulator } from '../emulator';
import { removeTaskFolders, runTask } from '../helpers/run-task';

interface Step {
  title: string;
  inputs: Record<string, string>;
}

const feed = 'Fabrikam/internal';

const steps: Step[] = [
  { title: 'Stage 1: the build published Contoso.Core 2.0.0; promote it to @Prerelease', inputs: { action: 'promote', feed, packageType: 'nuget', packages: 'Contoso.Core', version: '2.0.0', view: 'Prerelease' } },
  { title: 'Stage 2 (after approval): promote the latest of what reached @Prerelease to @Release (latest: the highest stable version there; a beta never goes on while a stable one is there)', inputs: { action: 'promote', feed, packageType: 'nuget', packages: 'Contoso.Core', version: 'latest', sourceView: 'Prerelease', view: 'Release' } },
  { title: 'A complete graph in @Release: promote the application Fabrikam.Shop 1.0.0 with its dependencies (Newtonsoft.Json was saved from nuget.org; Contoso.Core 2.0.0 and Contoso.Web 1.0.0 are there already)', inputs: { action: 'promote', feed, packageType: 'nuget', packages: 'Fabrikam.Shop@1.0.0', view: 'Release', includeDependencies: 'true' } },
  { title: 'Unlist the superseded 1.1.0', inputs: { action: 'unlist', feed, packageType: 'nuget', packages: 'Contoso.Core@1.1.0' } },
  { title: 'Dry run: which old versions would a clean-up delete?', inputs: { action: 'delete', feed, packageType: 'nuget', packages: 'Contoso.*', version: '*', keepLatest: '2', dryRun: 'true' } },
  { title: 'Delete old versions, keeping the 2 latest of each package', inputs: { action: 'delete', feed, packageType: 'nuget', packages: 'Contoso.*', version: '*', keepLatest: '2' } },
  { title: 'Restore one version from the recycle bin', inputs: { action: 'restore', feed, packageType: 'nuget', packages: 'Contoso.Core@1.0.0' } },
  { title: 'npm: latest of @fabrikam/widgets is what npm installs, the highest stable 1.1.0 (2.0.0-beta.1 is a pre-release)', inputs: { action: 'show', feed, packageType: 'npm', packages: '@fabrikam/widgets', version: 'latest' } },
  { title: 'npm: promote @fabrikam/widgets 1.1.0 to @Release', inputs: { action: 'promote', feed, packageType: 'npm', packages: '@fabrikam/widgets@1.1.0', view: 'Release' } },
  { title: 'npm: deprecate the old fabrikam-utils 0.2.x line', inputs: { action: 'deprecate', feed, packageType: 'npm', packages: 'fabrikam-utils', version: '0.2.x', deprecateMessage: 'Upgrade to fabrikam-utils 1.x' } },
  { title: 'PyPI: promote fabrikam-data (the feed spells it Fabrikam_Data; PEP 503 makes them one) 1.0.0 to @Prerelease', inputs: { action: 'promote', feed, packageType: 'pypi', packages: 'fabrikam-data@1.0.0', view: 'Prerelease' } },
  { title: 'Show where Contoso.Core stands now', inputs: { action: 'show', feed, packageType: 'nuget', packages: 'Contoso.Core', version: '*' } },
];

function printable(stdout: string): string {
  return stdout
    .split(/\r?\n/)
    .filter((l) => !l.startsWith('##vso[') && !l.startsWith('##[debug]'))
    .join('\n')
    .trim();
}

async function main(): Promise<void> {
  const emu = await Emulator.start({ fixture: demoFixture });
  console.log(`Emulator: organization ${emu.urls.org}, feeds ${emu.urls.feeds}, packages ${emu.urls.pkgs}, blobs ${emu.urls.blob}\n`);
  let failed = 0;
  try {
    for (const [i, step] of steps.entries()) {
      console.log(`=== ${i + 1}. ${step.title}`);
      console.log(`    inputs: ${JSON.stringify(step.inputs)}`);
      emu.clearLog();
      const r = await runTask(emu, step.inputs, { token: emu.tokens.owner });
      console.log(printable(r.stdout));
      if (r.stderr.trim()) console.log(r.stderr.trim());
      for (const s of r.summaries) console.log(`\n--- summary (${s.split(/[\\/]/).pop()}) ---\n${fs.readFileSync(s, 'utf8').trim()}`);
      const changes = emu.log.filter((x) => x.method !== 'GET' && x.method !== 'OPTIONS').length;
      console.log(`\n    result: ${r.result?.status ?? 'none'}; changedCount=${r.variables.changedCount ?? '?'}; ${emu.log.length} requests, ${changes} that change\n`);
      if (r.result?.status !== 'Succeeded') failed++;
    }
  } finally {
    await emu.stop();
    removeTaskFolders();
  }
  if (failed) {
    console.error(`${failed} step(s) did not succeed`);
    process.exitCode = 1;
  }
}

void main();
