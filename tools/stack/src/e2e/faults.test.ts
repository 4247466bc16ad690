// Faults under load, on a Cassandra node of this suite's own: the database restarted while transactions
// stream in, the database slowed (frozen and thawed in a cycle), each service killed with SIGKILL
// and started again, and one hung (SIGSTOP) and resumed. Rank keeps answering within its budget with the right per-source statuses, no
// acknowledged transaction is lost or counted twice, and every service reconnects by itself.
// Figures (calls during the fault, errors, max latency, time to recover) are printed at the end.
import { describeCassandra } from '@aisle/config/testing';
import { features } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROBE_USER } from '../prepare';
import { startStack, type ServiceKey, type Stack } from '../stack';
import { figures, startIngestLoad, startRankLoad, type FaultFigures, type RankLoad, type RankSample } from './load-recorder';
import { startPrivateCassandra, type PrivateCassandra } from './private-cassandra';
import { SMALL_TRAINING, STACK_SLICE, TEST_RANKER_ENV } from './settings';

const RANK_BUDGET_MS = Number(TEST_RANKER_ENV.AISLE_RANK_BUDGET.replace('ms', ''));
// Above the ranker's budget: a call that fails on this deadline is a budget the ranker did not keep.
const CLIENT_DEADLINE_MS = RANK_BUDGET_MS + 2000;
const USERS = [PROBE_USER, '12347', '13047', '14911', '15311', '17841', '90000001'];
// The sources a dead service takes down. Popularity lists and catalogue facts the ranker fetched
// moments before answer from its own caches (OK or FALLBACK); the user context cannot.
const SOURCE_OF: Record<Exclude<ServiceKey, 'ranker'>, string[]> = { features: ['features'], copurchase: ['copurchase'], affinity: ['affinity'] };
const report: FaultFigures[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeCassandra('faults under load', () => {
  let cassandra: PrivateCassandra;
  let stack: Stack;

  beforeAll(async () => {
    cassandra = await startPrivateCassandra();
    stack = await startStack({
      storeEnv: { AISLE_STORE: 'cassandra', AISLE_CASSANDRA_CONTACT_POINTS: cassandra.contactPoint, AISLE_CASSANDRA_DATACENTER: 'datacenter1', AISLE_CASSANDRA_KEYSPACE: 'aisle_faults' },
      limit: STACK_SLICE,
      trainArgs: SMALL_TRAINING,
      rankerEnv: TEST_RANKER_ENV,
    });
  }, 900_000);

  afterAll(async () => {
    if (report.length > 0) {
      console.log('\n| fault | Rank calls during | errors | degraded | max latency ms | recover s |\n| --- | ---: | ---: | ---: | ---: | ---: |');
      for (const row of report) console.log(`| ${row.fault} | ${row.calls} | ${row.errors} | ${row.degraded} | ${row.maxLatencyMs} | ${row.recoverSeconds} |`);
    }
    await stack?.stop();
    await cassandra?.stop();
  }, 120_000);

  const countLines = async (userId: string) => {
    const client = createClient(features.FeatureServiceClient, stack.features.address, { service: 'aisle.features.v1.FeatureService' });
    try {
      const context = await unaryCall(client, client.getUserContext, { userId, recentLimit: 0 }, { deadline: Date.now() + 10_000 });
      return context.profile?.totalQuantity ?? 0;
    } finally {
      client.close();
    }
  };
  const rankLoad = () => startRankLoad(stack.ranker.address, { userIds: USERS, deadlineMs: CLIENT_DEADLINE_MS, concurrency: 3 });
  const fullAfter = (load: RankLoad, time: number) => () => load.samples.some((sample) => sample.at >= time && sample.full);

  it('keeps ranking and loses no acknowledged transaction while Cassandra restarts under ingest', async () => {
    const ranks = rankLoad();
    const ingest = startIngestLoad(stack.features.address, { userId: 'F900001', runId: 'restart', batchSize: 20 });
    await sleep(3000);
    const from = Date.now();
    await cassandra.restart();
    const back = Date.now();
    await expect.poll(fullAfter(ranks, back), { timeout: 90_000, interval: 200, message: 'a full Rank after the restart' }).toBe(true);
    await expect.poll(() => ingest.acks.some((at) => at > back), { timeout: 90_000, interval: 200, message: 'an acknowledged ingest after the restart' }).toBe(true);
    await ingest.stop();
    const samples = await ranks.stop();
    report.push(figures('Cassandra restarted (ingest + Rank load)', samples, { from, back, to: Date.now() }));

    expect(samples.filter((sample) => sample.error), 'Rank errors').toEqual([]);
    // While the store was down the feature-backed sources said so; nothing else failed.
    const during = samples.filter((sample) => sample.at >= from && sample.at < back);
    expect(during.some((sample) => !sample.full), 'the outage was visible').toBe(true);
    for (const sample of during) for (const source of ['copurchase', 'affinity']) expect(['OK', 'SKIPPED', 'FAILED', 'TIMEOUT']).toContain(sample.states[source]);
    // Every acknowledged line is stored exactly once, and no line was reported applied twice (a retried
    // batch whose first attempt landed reports those lines as duplicates).
    expect(ingest.failedAttempts, 'the restart interrupted ingest').toBeGreaterThan(0);
    expect(await countLines('F900001')).toBe(ingest.acknowledged.size);
    expect(ingest.applied).toBeLessThanOrEqual(ingest.acknowledged.size);
    expect(ingest.applied + ingest.duplicates).toBeGreaterThanOrEqual(ingest.acknowledged.size);
  }, 300_000);

  it('answers within budget while Cassandra is slowed (frozen 250 ms of every 500 ms)', async () => {
    const ranks = rankLoad();
    await sleep(1000);
    const from = Date.now();
    const pid = cassandra.pid();
    try {
      for (let cycle = 0; cycle < 16; cycle++) {
        process.kill(pid, 'SIGSTOP');
        await sleep(250);
        process.kill(pid, 'SIGCONT');
        await sleep(250);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const back = Date.now();
    await expect.poll(fullAfter(ranks, back), { timeout: 60_000, interval: 200, message: 'a full Rank after the slowdown' }).toBe(true);
    const samples = await ranks.stop();
    report.push(figures('Cassandra slowed 8 s', samples, { from, back, to: Date.now() }));
    expect(samples.filter((sample) => sample.error), 'Rank errors').toEqual([]);
    expect(samples.filter((sample) => sample.at >= from && sample.at < back).length).toBeGreaterThan(0);
  }, 120_000);

  for (const name of ['affinity', 'copurchase', 'features'] as const) {
    it(`keeps ranking when the ${name} service is killed (SIGKILL) and reconnects when it is back`, async () => {
      const ranks = rankLoad();
      const ingest = name === 'features' ? startIngestLoad(stack.features.address, { userId: 'F900002', runId: 'kill', batchSize: 20 }) : undefined;
      await sleep(2000);
      const from = Date.now();
      stack[name].child.kill('SIGKILL');
      await sleep(3000);
      const down = ranks.samples.filter((sample) => sample.at > from + 500 && !sample.error);
      await stack.restart(name);
      const back = Date.now();
      await expect.poll(fullAfter(ranks, back), { timeout: 90_000, interval: 200, message: `a full Rank after the ${name} service came back` }).toBe(true);
      await ingest?.stop();
      const samples = await ranks.stop();
      report.push(figures(`${name} service killed 3 s`, samples, { from, back, to: Date.now() }));

      expect(samples.filter((sample) => sample.error), 'Rank errors').toEqual([]);
      expect(down.length).toBeGreaterThan(0);
      for (const sample of down) {
        for (const source of SOURCE_OF[name]) expect(['FAILED', 'TIMEOUT', 'FALLBACK', 'SKIPPED'], `${source} while ${name} was down`).toContain(sample.states[source]);
      }
      if (ingest) {
        expect(await countLines('F900002')).toBe(ingest.acknowledged.size);
        expect(ingest.applied).toBeLessThanOrEqual(ingest.acknowledged.size);
      }
    }, 180_000);
  }

  it('answers within budget while the affinity service hangs (SIGSTOP) and recovers when it resumes', async () => {
    const ranks = rankLoad();
    await sleep(2000);
    const from = Date.now();
    stack.affinity.child.kill('SIGSTOP');
    try {
      await sleep(4000);
    } finally {
      stack.affinity.child.kill('SIGCONT');
    }
    const back = Date.now();
    await expect.poll(fullAfter(ranks, back), { timeout: 90_000, interval: 200, message: 'a full Rank after the affinity service resumed' }).toBe(true);
    const samples = await ranks.stop();
    report.push(figures('affinity service hung 4 s', samples, { from, back, to: Date.now() }));
    expect(samples.filter((sample) => sample.error), 'Rank errors').toEqual([]);
    // Calls that started well inside the hang waited for the stage budget, then said TIMEOUT.
    const hung = samples.filter((sample) => sample.at > from + 500 && sample.at < back - 2000);
    expect(hung.length).toBeGreaterThan(0);
    for (const sample of hung) expect(['TIMEOUT', 'SKIPPED'], 'affinity while hung').toContain(sample.states.affinity);
  }, 180_000);

  it('serves again after the ranker itself is killed and restarted; callers see UNAVAILABLE only meanwhile', async () => {
    const ranks = rankLoad();
    await sleep(2000);
    const from = Date.now();
    stack.ranker.child.kill('SIGKILL');
    await sleep(2000);
    await stack.restart('ranker');
    const back = Date.now();
    await expect.poll(fullAfter(ranks, back), { timeout: 90_000, interval: 200, message: 'a full Rank after the ranker came back' }).toBe(true);
    const samples: RankSample[] = await ranks.stop();
    report.push(figures('ranker killed 2 s', samples, { from, back, to: Date.now() }));
    // Callers get errors (UNAVAILABLE once the client's retries are spent) only from the kill until
    // the restarted ranker's first answer; after that, none.
    const firstAnswer = samples.find((sample) => sample.at >= back && !sample.error)!.at;
    for (const sample of samples.filter((entry) => entry.error)) {
      expect(sample.at, 'errors only around the outage').toBeGreaterThanOrEqual(from - CLIENT_DEADLINE_MS);
      expect(sample.at).toBeLessThan(firstAnswer);
    }
    expect(samples.filter((sample) => sample.at >= firstAnswer && sample.error)).toEqual([]);
  }, 180_000);
});
