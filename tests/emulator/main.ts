// `npm run emulator [-- --onprem] [-- --port N]`: the emulator on its own, with the demo data,
// until Ctrl-C. Prints the URLs and the environment that points the task at it.
import { Emulator } from './emulator';
import { demoFixture } from './demo-data';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onprem = args.includes('--onprem');
  const portArg = args.indexOf('--port');
  const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;
  const t0 = process.hrtime.bigint();
  const em = await Emulator.start({ mode: onprem ? 'onprem' : 'services', fixture: demoFixture, port });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const project = demoFixture.projects?.find((p) => p.name === 'Fabrikam');
  const lines = [
    `Azure Artifacts emulator (${em.mode}) started in ${ms.toFixed(1)} ms`,
    '',
    ...Object.entries(em.urls).map(([k, v]) => `  ${k.padEnd(10)} ${v}${k === 'attacker' ? '   (another origin that records what reaches it: the token must never follow a redirect here)' : ''}`),
    '',
    `  tokens     owner=${em.tokens.owner} contributor=${em.tokens.contributor} reader=${em.tokens.reader}`,
    `  control    ${new URL(em.urls.org).origin}${em.mode === 'onprem' ? '/tfs/DefaultCollection' : ''}/_emulator/{faults,log,snapshot,reset,seed,publish,generate,versions}`,
    '',
    'Environment for the task (bash):',
    `export SYSTEM_TEAMFOUNDATIONCOLLECTIONURI='${em.urls.collection}/'`,
    `export SYSTEM_TEAMPROJECT='${project?.name ?? 'Fabrikam'}'`,
    `export SYSTEM_TEAMPROJECTID='${project?.id ?? ''}'`,
    `export SYSTEM_SERVERTYPE='${em.mode === 'onprem' ? 'OnPremises' : 'Hosted'}'`,
    `export ENDPOINT_AUTH_SYSTEMVSSCONNECTION='${JSON.stringify({ parameters: { AccessToken: em.tokens.owner }, scheme: 'OAuth' })}'`,
    `export ENDPOINT_URL_SYSTEMVSSCONNECTION='${em.urls.collection}/'`,
    '',
    'The command line against it (bash; after npm run build):',
    `export AZURE_DEVOPS_EXT_PAT='${em.tokens.owner}'    # a token it accepts (owner; contributor and reader above)`,
    `node dist/cli.js show --org '${em.urls.collection}/' --feed ${project?.name ?? 'Fabrikam'}/internal 'Contoso.*' --version '*'`,
    '',
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => {
    em.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`emulator: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
