/**
 * `npm run bench`: bulk changes measured side by side in one run, against the emulator with a fixed
 * per-request latency standing in for the network. Reports ratios, not absolute times.
 *
 *   task     the built task promoting every version of N packages (batches of 100)
 *   naive    what a hand-written script does: one PATCH per version, one after another
 */
import { Emulator, Fixture } from '../emulator';
import { runTask } from '../helpers/run-task';

const packages = Number(process.env.BENCH_PACKAGES ?? 300);
const versionsEach = 2;
const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const fixture = (): Fixture => ({ feeds: [{ name: 'bench', project: 'Fabrikam', packages: [] }] });

async function timed(fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const emu = await Emulator.start({ fixture: fixture() });
  const reset = () => {
    emu.reset(fixture());
    emu.generate({ feed: 'bench', project: 'Fabrikam', protocol: 'nuget', packages, versionsEach, prefix: 'Bench.Pkg' });
    emu.clearFaults();
    emu.fault({ latencyMs, count: 1_000_000 });
    emu.clearLog();
  };
  const total = packages * versionsEach;
  const times = { task: [] as number[], naive: [] as number[] };
  const requests = { task: 0, naive: 0 };
  try {
    for (let round = 0; round < rounds; round++) {
      reset();
      times.task.push(await timed(async () => {
        const r = await runTask(emu, { action: 'promote', feed: 'Fabrikam/bench', packages: 'Bench.Pkg*', version: '*', view: 'Release', maxVersions: '0' }, { token: emu.tokens.owner });
        if (r.result?.status !== 'Succeeded' || r.variables.changedCount !== String(total)) throw new Error(`task run failed: ${r.result?.message}`);
      }));
      requests.task = emu.log.length;

      reset();
      const views = (await (await fetch(`${emu.urls.feeds}/Fabrikam/_apis/packaging/Feeds/bench/views?api-version=7.1`, { headers: { Authorization: `Bearer ${emu.tokens.owner}` } })).json()) as { value: { id: string; name: string }[] };
      const release = views.value.find((v) => v.name === 'Release')!.id;
      const listing = (await (await fetch(`${emu.urls.feeds}/Fabrikam/_apis/packaging/Feeds/bench/packages?protocolType=NuGet&includeAllVersions=true&api-version=7.1`, { headers: { Authorization: `Bearer ${emu.tokens.owner}` } })).json()) as { value: { name: string; versions: { version: string }[] }[] };
      const list = listing.value.map((p) => ({ name: p.name, versions: p.versions.map((v) => v.version) }));
      emu.clearLog();
      times.naive.push(await timed(async () => {
        for (const p of list) {
          for (const v of p.versions) {
            const res = await fetch(`${emu.urls.pkgs}/Fabrikam/_apis/packaging/feeds/bench/nuget/packages/${encodeURIComponent(p.name)}/versions/${v}?api-version=7.1`, {
              method: 'PATCH',
              headers: { Authorization: `Bearer ${emu.tokens.owner}`, 'Content-Type': 'application/json', 'X-TFS-FedAuthRedirect': 'Suppress' },
              body: JSON.stringify({ views: { op: 'add', path: '/views/-', value: release } }),
            });
            if (res.status >= 300) throw new Error(`naive PATCH answered ${res.status}`);
          }
        }
      }));
      requests.naive = emu.log.length;
    }
  } finally {
    await emu.stop();
  }
  const t = median(times.task);
  const n = median(times.naive);
  console.log(`promote ${total} versions of ${packages} packages, ${latencyMs} ms latency per request, median of ${rounds} rounds`);
  console.log(`  task (batches, includes process start): ${t.toFixed(0)} ms, ${requests.task} requests`);
  console.log(`  naive (one PATCH per version):          ${n.toFixed(0)} ms, ${requests.naive} requests`);
  console.log(`  ratio naive/task: ${(n / t).toFixed(1)}x time, ${(requests.naive / requests.task).toFixed(1)}x requests`);
}

void main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
