/**
 * What `apply` sends and what its rows and notes then say, against a feed kept in memory whose
 * answers a test scripts: batches and their sizes, requests in flight, what stops after a 401, the
 * back-off before reading back a lost answer, what is sent again, and the notes' exact counts.
 */
import * as assert from 'node:assert/strict';
import * as sinon from 'sinon';
import { ActionContext, actionDefs, AnyChange, VersionState } from '../../../src/engine/actions';
import { apply, ApplyDeps, batchLimit, forEachLimited, inFlight } from '../../../src/engine/apply';
import { Failure, FailureError } from '../../../src/engine/failures';
import type { Msg } from '../../../src/engine/messages';
import type { Row } from '../../../src/engine/plan';
import type { BatchChange, FeedLocation, FeedsPort, PackageDependency, PackageInfo, PackageVersionInfo, SingleChange, VersionRef } from '../../../src/engine/ports';
import { Protocol, protocols } from '../../../src/protocols';

const where = { method: 'POST', url: 'https://pkgs.example.invalid/batch' };
const failures = {
  unauthorized: (): Failure => ({ kind: 'authentication', status: 401, detail: 'token expired', ...where }),
  forbidden: (): Failure => ({ kind: 'forbidden', detail: 'needs Contributor', ...where }),
  lost: (): Failure => ({ kind: 'lostAnswer', detail: 'socket hang up', ...where }),
  conflict: (): Failure => ({ kind: 'conflict', detail: 'changed meanwhile', ...where }),
  notFound: (): Failure => ({ kind: 'notFound', detail: 'no such version', ...where }),
  refused: (): Failure => ({ kind: 'refused', status: 400, detail: 'bad request', ...where }),
  transient: (): Failure => ({ kind: 'transient', attempts: 5, detail: '503', ...where }),
};

/**
 * What the feed does with one change request: `ok` applies it; `lostAfter` applies it and loses
 * the answer; a failure refuses it unapplied; `hold` waits until the test lets it go.
 */
type Answer = 'ok' | 'lostAfter' | Failure;

interface Sent {
  refs: VersionRef[];
  change: BatchChange | SingleChange;
  single: boolean;
}

/** A feed in memory: the live listing and the recycle bin, what was sent, and scripted answers. */
class Feed implements FeedsPort {
  readonly sent: Sent[] = [];
  /** Listing passes and name queries read (live and recycle bin). */
  reads = 0;
  /** Answers for the coming change requests, in order; `ok` once they run out. */
  answers: Answer[] = [];
  /** Read-backs that still show the old state (a listing that has not caught up yet). */
  staleReads = 0;
  /** Changes in flight now, and the most at once. */
  inFlightNow = 0;
  mostInFlight = 0;
  /** While set, each change request waits for it. */
  gate: Promise<void> | undefined;
  readFails: Failure | undefined;
  /** The live listing shows deleted versions too, flagged, as a server given includeDeleted does. */
  listsDeleted = false;
  private readonly versions = new Map<string, PackageVersionInfo & { name: string; deprecateMessage?: string }>();
  /** Debug lines written. */
  readonly debug: string[] = [];

  constructor(
    private readonly protocol: Protocol,
    names: VersionRef[],
    state: (ref: VersionRef) => Partial<PackageVersionInfo> = () => ({}),
  ) {
    for (const r of names) this.versions.set(this.key(r), { name: r.name, version: r.version, isListed: true, isDeleted: false, views: [{ id: 'l', name: 'Local' }], ...state(r) });
  }

  private key(r: VersionRef): string {
    return `${this.protocol.normalizeName(r.name)}@${this.protocol.versionRule.normalize(r.version)}`;
  }

  /** Makes a version as the feed would after the change. */
  private change(r: VersionRef, c: BatchChange | SingleChange): void {
    const v = this.versions.get(this.key(r));
    if (!v) return;
    const data = ('data' in c ? c.data : 'body' in c ? c.body : undefined) as Record<string, unknown> | undefined;
    if ('operation' in c ? c.operation === 'promote' : c.kind === 'update' && data && 'views' in data) v.views = [...(v.views ?? []), { id: 'r', name: 'Release' }];
    else if (data && ('message' in data || 'deprecateMessage' in data)) v.deprecateMessage = (data.message ?? data.deprecateMessage) as string;
    else if (data && 'listed' in data) v.isListed = data.listed as boolean;
    else if ('operation' in c ? c.operation === 'delete' : c.kind === 'delete') v.isDeleted = true;
    else if ('operation' in c ? c.operation === 'restoreToFeed' : c.kind === 'restore') v.isDeleted = false;
    else if ('operation' in c ? c.operation === 'permanentDelete' : c.kind === 'purge') this.versions.delete(this.key(r));
  }

  state(r: VersionRef): (PackageVersionInfo & { deprecateMessage?: string }) | undefined {
    return this.versions.get(this.key(r));
  }

  private async send(refs: VersionRef[], change: BatchChange | SingleChange, single: boolean): Promise<void> {
    this.sent.push({ refs: [...refs], change, single });
    this.inFlightNow++;
    this.mostInFlight = Math.max(this.mostInFlight, this.inFlightNow);
    try {
      if (this.gate) await this.gate;
      else await Promise.resolve();
      const answer = this.answers.shift() ?? 'ok';
      if (answer === 'ok' || answer === 'lostAfter') for (const r of refs) this.change(r, change);
      if (answer !== 'ok') throw new FailureError(answer === 'lostAfter' ? failures.lost() : answer);
    } finally {
      this.inFlightNow--;
    }
  }

  async changeMany(_at: FeedLocation, _p: Protocol, refs: VersionRef[], change: BatchChange): Promise<void> {
    await this.send(refs, change, false);
  }

  async changeOne(_at: FeedLocation, _p: Protocol, ref: VersionRef, change: SingleChange): Promise<void> {
    await this.send([ref], change, true);
  }

  /** The packages as a listing shows them: versions grouped by name, live or in the recycle bin. */
  private packages(recycleBin: boolean, nameQuery?: string): PackageInfo[] {
    const byName = new Map<string, PackageInfo>();
    for (const v of this.versions.values()) {
      // The live listing leaves deleted versions out (includeDeleted is false by default), unless
      // `listsDeleted`; the recycle bin lists only those.
      if (recycleBin ? !v.isDeleted : v.isDeleted && !this.listsDeleted) continue;
      if (nameQuery && !v.name.toLowerCase().includes(nameQuery.toLowerCase())) continue;
      const k = this.protocol.normalizeName(v.name);
      let p = byName.get(k);
      if (!p) byName.set(k, (p = { id: k, name: v.name, versions: [] }));
      const { name: _name, deprecateMessage: _message, ...version } = v;
      p.versions.push(JSON.parse(JSON.stringify(version)));
    }
    return [...byName.values()];
  }

  /** Packages a page of the listing holds. */
  pageSize = Infinity;

  async *packagePages(_at: FeedLocation, _p: Protocol, query: { recycleBin: boolean; nameQuery?: string }): AsyncIterable<PackageInfo[]> {
    this.reads++;
    await Promise.resolve();
    if (this.readFails) throw new FailureError(this.readFails);
    if (this.staleReads > 0) {
      this.staleReads--;
      yield this.stale ?? [];
      return;
    }
    const all = this.packages(query.recycleBin, query.nameQuery);
    for (let i = 0; i < all.length; i += this.pageSize) {
      // Each page after the first is one more request.
      if (i > 0) this.reads++;
      yield all.slice(i, i + this.pageSize);
    }
    if (all.length === 0) yield [];
  }

  /** What a stale read shows: the listing as it was before anything was sent. */
  stale: PackageInfo[] | undefined;
  freezeStaleView(): void {
    this.stale = this.packages(false);
  }

  /** Version GETs asked. */
  gets = 0;
  /** Versions whose own GET answers 404 although the listing shows them. */
  readonly missingOnGet = new Set<string>();
  async versionDependencies(): Promise<PackageDependency[] | undefined> {
    return [];
  }

  async getVersion<T>(_at: FeedLocation, _p: Protocol, ref: VersionRef): Promise<T | undefined> {
    this.gets++;
    if (this.missingOnGet.has(ref.version)) return undefined;
    return this.state(ref) as T | undefined;
  }

  serverKind = async () => 'services' as const;
  listFeeds = async () => [];
  getFeed = async () => undefined;
  listViews = async () => [];
  content = async () => {
    throw new Error('not used');
  };
  clientUrl = async () => '';
  requestCount = () => this.sent.length;
  close = () => undefined;
}

const nuget = protocols.nuget;
const release = { id: 'r', name: 'Release' };
const promoteCtx: ActionContext = { action: 'promote', view: release };
const before: VersionState = { views: ['Local'], listed: true, deleted: false, deprecated: null };

function refsOf(n: number, name = 'Contoso.Core'): VersionRef[] {
  return Array.from({ length: n }, (_, i) => ({ name, version: `1.0.${i}` }));
}

function rowsOf(refs: VersionRef[], state: VersionState = before): Row[] {
  return refs.map((r) => ({ package: r.name, version: r.version, before: state, after: null, outcome: 'planned', published: null, source: 'local' }));
}

function deps(feed: Feed, ctx: ActionContext = promoteCtx, protocol: Protocol = nuget): ApplyDeps & { sleep: sinon.SinonSpy } {
  const sleep = sinon.spy(async (_ms: number) => undefined);
  return {
    feeds: feed,
    platform: { sleep, debug: (line) => feed.debug.push(line) },
    at: { feedId: 'feed', projectId: null },
    protocol,
    def: actionDefs[ctx.action] as AnyChange,
    ctx,
    sleep,
  };
}

const keys = (notes: Msg[]) => notes.map((n) => `${n.key}(${n.args.join(', ')})`);
const outcomes = (rows: Row[]) => {
  const count: Record<string, number> = {};
  for (const r of rows) count[r.outcome] = (count[r.outcome] ?? 0) + 1;
  return count;
};

describe('apply: what is sent, and what the rows then say', () => {
  it('sends 250 versions as batches of 100, 100 and 50, and reports all of them changed', async () => {
    const refs = refsOf(250);
    const feed = new Feed(nuget, refs);
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.equal(batchLimit, 100);
    assert.deepEqual(feed.sent.map((s) => s.refs.length), [100, 100, 50]);
    assert.deepEqual(feed.sent.flatMap((s) => s.refs), refs, 'each version once, in the planned order');
    assert.ok(feed.sent.every((s) => !s.single && (s.change as BatchChange).operation === 'promote' && JSON.stringify((s.change as BatchChange).data) === '{"viewId":"r"}'));
    assert.deepEqual(outcomes(out.rows), { changed: 250 });
    assert.deepEqual(out.rows.map((r) => r.after?.views), refs.map(() => ['Local', 'Release']));
    assert.deepEqual(out.failures, []);
    assert.deepEqual(out.notes, []);
    assert.deepEqual(d.sleep.args, [], 'a read-back that finds everything at once does not wait');
  });

  it('keeps four batches in flight at once on a slow server, and never more', async () => {
    const refs = refsOf(1000);
    const feed = new Feed(nuget, refs);
    let open!: () => void;
    feed.gate = new Promise((r) => (open = r));
    const run = apply(deps(feed), rowsOf(refs));
    // Let every worker start its first request; none can finish while the gate is shut.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    assert.equal(inFlight, 4);
    assert.equal(feed.sent.length, 4, 'four requests are on their way before any answer');
    open();
    feed.gate = undefined;
    const out = await run;
    assert.equal(feed.mostInFlight, 4);
    assert.equal(feed.sent.length, 10);
    assert.deepEqual(outcomes(out.rows), { changed: 1000 });
  });

  it('sends one version through its own endpoint, and one version of a protocol without one through the batch', async () => {
    const one = refsOf(1);
    const feed = new Feed(nuget, one);
    const out = await apply(deps(feed), rowsOf(one));
    assert.deepEqual(feed.sent.map((s) => s.single), [true]);
    assert.deepEqual(feed.sent[0].change, { kind: 'update', body: { views: { op: 'add', path: '/views/-', value: 'r' } } });
    assert.deepEqual(outcomes(out.rows), { changed: 1 });

    const two = refsOf(2);
    const feed2 = new Feed(nuget, two);
    await apply(deps(feed2), rowsOf(two));
    assert.deepEqual(feed2.sent.map((s) => s.single), [false], 'two versions go in one batch');

    const cargo = protocols.cargo;
    const crate = [{ name: 'contoso', version: '1.0.0' }];
    const feed3 = new Feed(cargo, crate);
    const out3 = await apply(deps(feed3, { action: 'unlist' }, cargo), rowsOf(crate));
    assert.deepEqual(feed3.sent.map((s) => s.single), [false], 'a yank has no endpoint of its own');
    assert.equal(feed3.state(crate[0])?.isListed, false);
    assert.deepEqual(outcomes(out3.rows), { changed: 1 });
  });

  it('sends no later batch after a 401, and counts exactly what was accepted and what was not sent', async () => {
    const refs = refsOf(600);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.unauthorized()];
    const out = await apply(deps(feed), rowsOf(refs));
    // Four were in flight when the 401 came: the three others finish, the last two are never sent.
    assert.equal(feed.sent.length, 4);
    assert.deepEqual(out.failures.map((f) => f.kind), ['authentication']);
    assert.deepEqual(keys(out.notes), ['Unverified(300, the identity was refused)', 'NotSent(300)']);
    assert.deepEqual(outcomes(out.rows), { changed: 300, failed: 300 });
    assert.equal(feed.reads, 0, 'nothing is read back with an identity the server refused');
    const unsent = out.rows.filter((r) => r.outcome === 'failed');
    assert.ok(unsent.every((r) => r.after === r.before), 'a version not sent is as it was');
  });

  it('stops sending after a 403 too, and reads back what arrived', async () => {
    const refs = refsOf(600);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.forbidden()];
    const out = await apply(deps(feed), rowsOf(refs));
    assert.equal(feed.sent.length, 4);
    assert.deepEqual(out.failures.map((f) => f.kind), ['forbidden']);
    assert.ok(feed.reads > 0);
    assert.deepEqual(outcomes(out.rows), { changed: 300, failed: 300 });
    assert.deepEqual(keys(out.notes), ['NotSent(300)'], 'the failure explains the rest: no line per version');
  });

  it('keeps sending the other batches after a batch the server refused, and names that failure first after a 401', async () => {
    const refs = refsOf(300);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.refused()];
    const out = await apply(deps(feed), rowsOf(refs));
    assert.equal(feed.sent.length, 3, 'a 400 on one batch does not stop the others');
    assert.deepEqual(out.failures.map((f) => f.kind), ['refused']);
    assert.deepEqual(outcomes(out.rows), { failed: 100, changed: 200 });
    assert.deepEqual(out.notes, [], 'the failure explains its versions');

    const feed2 = new Feed(nuget, refs);
    feed2.answers = [failures.refused(), failures.unauthorized()];
    const out2 = await apply(deps(feed2), rowsOf(refs));
    assert.deepEqual(out2.failures.map((f) => f.kind), ['authentication', 'refused'], 'what stopped the run comes first');
  });

  it('reads back a lost answer after a pause that doubles each round, and gives up after three resends', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.lost(), failures.lost(), failures.lost(), failures.lost(), failures.lost()];
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.equal(feed.sent.length, 4, 'the first request and three resends');
    assert.deepEqual(d.sleep.args.map((a) => a[0]), [1000, 2000, 4000]);
    assert.deepEqual(out.failures.map((f) => f.kind), ['lostAnswer']);
    assert.deepEqual(outcomes(out.rows), { failed: 2 });
    assert.ok(out.rows.every((r) => r.after?.views.join() === 'Local'), 'the rows show the feed as it is');
  });

  it('does not send again what a lost answer had changed', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs);
    feed.answers = ['lostAfter'];
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.equal(feed.sent.length, 1);
    assert.deepEqual(d.sleep.args.map((a) => a[0]), [1000]);
    assert.deepEqual(outcomes(out.rows), { changed: 3 });
    assert.deepEqual(out.failures, []);
    assert.deepEqual(out.notes, []);
  });

  it('after a conflict sends again only the versions the read-back shows are not there yet', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs, (r) => (r.version === '1.0.1' ? { views: [{ id: 'l', name: 'Local' }, { id: 'r', name: 'Release' }] } : {}));
    feed.answers = [failures.conflict()];
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.deepEqual(feed.sent.map((s) => s.refs.map((r) => r.version)), [['1.0.0', '1.0.1', '1.0.2'], ['1.0.0', '1.0.2']]);
    assert.deepEqual(d.sleep.args, [], 'a refusal is read back at once');
    assert.deepEqual(out.rows.map((r) => r.outcome), ['changed', 'unchanged', 'changed']);
    assert.deepEqual(out.failures, []);
  });

  it('a refusal the read-back does not explain stands, and nothing is sent again', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.conflict()];
    const out = await apply(deps(feed), rowsOf(refs));
    assert.equal(feed.sent.length, 1);
    assert.deepEqual(out.failures.map((f) => f.kind), ['conflict']);
    assert.deepEqual(outcomes(out.rows), { failed: 3 });
  });

  it('does not send again a version the read-back finds nowhere', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs.slice(0, 1));
    feed.answers = [failures.notFound()];
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.deepEqual(feed.sent.map((s) => s.refs.map((r) => r.version)), [['1.0.0', '1.0.1'], ['1.0.0']]);
    assert.deepEqual(out.rows.map((r) => r.outcome), ['changed', 'failed']);
    assert.equal(out.rows[1].after, null, 'found nowhere');
    assert.deepEqual(out.failures, []);
    assert.deepEqual(keys(out.notes), ['VersionFailed(Contoso.Core, 1.0.1)']);
    assert.deepEqual(d.sleep.args, [], 'only what was accepted is waited for');
  });

  it('waits for a listing that has not caught up, with growing pauses, before it says a change arrived', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs);
    feed.freezeStaleView();
    feed.staleReads = 2;
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.deepEqual(d.sleep.args.map((a) => a[0]), [500, 1000]);
    assert.deepEqual(outcomes(out.rows), { changed: 3 });

    const feed2 = new Feed(nuget, refs);
    feed2.freezeStaleView();
    feed2.staleReads = 10;
    const d2 = deps(feed2);
    const out2 = await apply(d2, rowsOf(refs));
    assert.deepEqual(d2.sleep.args.map((a) => a[0]), [500, 1000, 2000], 'then it stops waiting');
    assert.deepEqual(outcomes(out2.rows), { failed: 3 });
    assert.deepEqual(keys(out2.notes), refs.map((r) => `VersionFailed(${r.name}, ${r.version})`));
  });

  it('after a failure reads back once, without waiting', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.transient()];
    const d = deps(feed);
    const out = await apply(d, rowsOf(refs));
    assert.equal(feed.sent.length, 1, 'a transient failure the client already retried is not sent again');
    assert.deepEqual(d.sleep.args, []);
    assert.deepEqual(out.failures.map((f) => f.kind), ['transient']);
    assert.deepEqual(keys(out.notes), ['NotSent(3)']);
    assert.deepEqual(out.rows.map((r) => r.after), refs.map(() => before));
  });

  it('when the read-back fails, reports accepted versions changed but unverified, and the read-back failure', async () => {
    const refs = refsOf(150);
    const feed = new Feed(nuget, refs);
    feed.readFails = failures.transient();
    const out = await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(out.failures.map((f) => f.kind), ['transient']);
    assert.deepEqual(keys(out.notes), ['Unverified(150, the read-back failed)']);
    assert.deepEqual(outcomes(out.rows), { changed: 150 });
  });

  it('a lost answer whose read-back fails is reported as unknown, not as changed', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.lost()];
    feed.readFails = failures.unauthorized();
    const out = await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(out.failures.map((f) => f.kind), ['authentication']);
    assert.deepEqual(outcomes(out.rows), { failed: 2 });
    assert.ok(out.rows.every((r) => r.after === null), 'neither before nor after is known');
    assert.deepEqual(out.notes, []);
  });

  it('restores from the recycle bin and reads the versions back live', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs, () => ({ isDeleted: true }));
    const d = deps(feed, { action: 'restore' });
    const out = await apply(d, rowsOf(refs, { ...before, deleted: true }));
    assert.deepEqual(feed.sent.map((s) => (s.change as BatchChange).recycleBin), [true]);
    assert.deepEqual(outcomes(out.rows), { changed: 2 });
    assert.ok(out.rows.every((r) => r.after?.deleted === false));
  });

  it('deletes, and reads back the deleted versions from the recycle bin', async () => {
    const refs = refsOf(12).map((r, i) => ({ ...r, name: `Contoso.P${i}` }));
    const feed = new Feed(nuget, refs);
    const out = await apply(deps(feed, { action: 'delete' }), rowsOf(refs));
    assert.deepEqual(feed.sent.map((s) => (s.change as BatchChange).recycleBin), [false]);
    assert.deepEqual(outcomes(out.rows), { changed: 12 });
    assert.ok(out.rows.every((r) => r.after?.deleted === true));
  });

  it('a 404 for versions the read-back finds nowhere stands as the failure', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, []);
    feed.answers = [failures.notFound()];
    const out = await apply(deps(feed), rowsOf(refs));
    assert.equal(feed.sent.length, 1);
    assert.deepEqual(out.failures.map((f) => f.kind), ['notFound']);
    assert.deepEqual(out.rows.map((r) => [r.outcome, r.after]), [['failed', null], ['failed', null]]);
  });

  it('says in the debug log why it reads back, and what it sends again', async () => {
    const refs = refsOf(3);
    const feed = new Feed(nuget, refs, (r) => (r.version === '1.0.1' ? { views: [{ id: 'l', name: 'Local' }, { id: 'r', name: 'Release' }] } : {}));
    feed.answers = [failures.conflict()];
    await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(feed.debug, ['conflict for 3 version(s); reading back before sending again', '2 of 3 version(s) not there yet, 2 to send again']);
  });

  it('when the read-back after all batches is refused a 401, says the identity was refused', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.readFails = failures.unauthorized();
    const out = await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(out.failures.map((f) => f.kind), ['authentication']);
    assert.deepEqual(keys(out.notes), ['Unverified(2, the identity was refused)']);
  });

  it('after a 403 a failed read-back adds no second failure', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.answers = [failures.forbidden()];
    feed.readFails = failures.transient();
    const out = await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(out.failures.map((f) => f.kind), ['forbidden']);
    assert.deepEqual(keys(out.notes), ['NotSent(2)']);
  });

  it('a defect met while reading back is not reported as a failed read-back', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.packagePages = async function* () {
      yield [];
      throw new TypeError('boom');
    };
    await assert.rejects(apply(deps(feed), rowsOf(refs)), /boom/);
  });

  it('reads the whole listing instead of one query per name when that takes fewer requests', async () => {
    const refs = [{ name: 'Contoso.A', version: '1.0.0' }, { name: 'Contoso.B', version: '1.0.0' }, { name: 'Contoso.C', version: '1.0.0' }];
    const perName = new Feed(nuget, refs);
    await apply(deps(perName), rowsOf(refs));
    assert.equal(perName.reads, 3, 'three names, one query each');
    const listing = new Feed(nuget, refs);
    await apply({ ...deps(listing), listingPages: 2 }, rowsOf(refs));
    assert.equal(listing.reads, 1, 'a listing of two pages costs less than three queries');
  });

  it('deprecates npm versions and reads the message back from each version', async () => {
    const npm = protocols.npm;
    const refs = [{ name: 'fabrikam-utils', version: '1.0.0' }, { name: 'fabrikam-utils', version: '1.1.0' }];
    const feed = new Feed(npm, refs);
    const out = await apply(deps(feed, { action: 'deprecate', message: 'use 2.x' }, npm), rowsOf(refs, { ...before, listed: null }));
    assert.deepEqual(feed.sent.map((s) => (s.change as BatchChange).data), [{ message: 'use 2.x' }]);
    assert.equal(feed.gets, 2);
    assert.deepEqual(out.rows.map((r) => [r.outcome, r.after?.deprecated]), [['changed', 'use 2.x'], ['changed', 'use 2.x']]);
  });

  it('an npm promote keeps the deprecation message the plan read, and reads no version on its own', async () => {
    const npm = protocols.npm;
    const refs = [{ name: 'fabrikam-utils', version: '1.0.0' }, { name: 'fabrikam-utils', version: '1.1.0' }];
    const feed = new Feed(npm, refs);
    const out = await apply(deps(feed, promoteCtx, npm), rowsOf(refs, { ...before, listed: null, deprecated: 'old' }));
    assert.equal(feed.gets, 0);
    assert.deepEqual(out.rows.map((r) => r.after), refs.map(() => ({ views: ['Local', 'Release'], listed: null, deleted: false, deprecated: 'old' })));
    const undeprecated = await apply(deps(new Feed(npm, refs), { action: 'undeprecate' }, npm), rowsOf(refs, { ...before, listed: null, deprecated: 'old' }));
    assert.deepEqual(undeprecated.rows.map((r) => [r.outcome, r.after?.deprecated]), [['changed', null], ['changed', null]]);
  });

  it('a defect met while sending is not reported as a failed batch', async () => {
    const refs = refsOf(2);
    const feed = new Feed(nuget, refs);
    feed.changeMany = async () => {
      throw new TypeError('kaboom');
    };
    await assert.rejects(apply(deps(feed), rowsOf(refs)), /kaboom/);
  });

  it('reads the recycle bin back through its listing too, when that takes fewer requests', async () => {
    const refs = [{ name: 'Contoso.A', version: '1.0.0' }, { name: 'Contoso.B', version: '1.0.0' }, { name: 'Contoso.C', version: '1.0.0' }];
    const feed = new Feed(nuget, refs);
    const out = await apply({ ...deps(feed, { action: 'delete' }), listingPages: 2 }, rowsOf(refs));
    assert.deepEqual(outcomes(out.rows), { changed: 3 });
    assert.equal(feed.reads, 2, 'one pass over the listing, one over the recycle bin');
  });

  it('reads the recycle bin back name by name when its listing has more pages than there are names', async () => {
    const refs = [{ name: 'Contoso.A', version: '1.0.0' }, { name: 'Contoso.B', version: '1.0.0' }];
    const binned = ['C', 'D', 'E', 'F'].map((n) => ({ name: `Contoso.${n}`, version: '1.0.0' }));
    const feed = new Feed(nuget, [...refs, ...binned], (r) => ({ isDeleted: binned.some((b) => b.name === r.name) }));
    feed.pageSize = 1;
    const out = await apply(deps(feed, { action: 'delete' }), rowsOf(refs));
    assert.deepEqual(outcomes(out.rows), { changed: 2 });
    assert.equal(feed.reads, 4, 'two names looked up live, then the same two in the recycle bin, not its six pages');
  });

  it('shows a version deleted meanwhile as deleted, not as found nowhere', async () => {
    const refs = refsOf(1);
    const feed = new Feed(nuget, refs, () => ({ isDeleted: true }));
    feed.listsDeleted = true;
    feed.answers = [failures.notFound()];
    const out = await apply(deps(feed), rowsOf(refs));
    assert.deepEqual(out.failures.map((f) => f.kind), ['notFound']);
    assert.deepEqual(out.rows.map((r) => [r.outcome, r.after?.deleted]), [['failed', true]]);
  });

  it('an npm deprecation of a version found nowhere, or whose own GET answers 404, fails that row only', async () => {
    const npm = protocols.npm;
    const refs = [{ name: 'fabrikam-utils', version: '1.0.0' }, { name: 'fabrikam-utils', version: '1.1.0' }, { name: 'fabrikam-utils', version: '1.2.0' }];
    const feed = new Feed(npm, refs.slice(0, 2));
    feed.missingOnGet.add('1.1.0');
    const out = await apply(deps(feed, { action: 'deprecate', message: 'use 2.x' }, npm), rowsOf(refs, { ...before, listed: null }));
    assert.deepEqual(out.rows.map((r) => [r.outcome, r.after?.deprecated ?? null]), [['changed', 'use 2.x'], ['failed', null], ['failed', null]]);
    assert.equal(out.rows[2].after, null);
  });
});

describe('forEachLimited', () => {
  it('runs at most the limit at once, and starts nothing new after a failure', async () => {
    let now = 0;
    let most = 0;
    const started: number[] = [];
    await assert.rejects(
      forEachLimited([1, 2, 3, 4, 5, 6], 2, async (n) => {
        started.push(n);
        now++;
        most = Math.max(most, now);
        await Promise.resolve();
        now--;
        if (n === 2) throw new Error('two');
      }),
      /two/,
    );
    assert.equal(most, 2);
    assert.deepEqual(started, [1, 2, 3]);
  });
});
