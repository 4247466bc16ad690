// The whole loop on a slice of the real data: a store with the first months, a pipeline run whose
// models go to production, the four services running on that store, new transactions ingested
// through the feature service, a second pipeline run that beats production and promotes, the model
// services and the ranker picking the new versions up without a restart (the next Rank says so), a
// third run made only by the slates the ranker logged meanwhile (every step reused, the slates replayed
// in its report), a fourth that finds nothing to do, and a roll-back the ranker follows.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { features, type ranker } from '@aisle/contracts';
import { openStore, type FeatureStore } from '@aisle/feature-store';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { createRankerClient } from '@aisle/ranker-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceMain } from './paths';
import { DEFAULT_RUN_OPTIONS, runPipeline, type RunOptions, type RunOutcome } from './pipeline';
import { grpcRegistry } from './registry-access';
import { registryCommand } from './registry-cli';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';
import { datasetLines, writeLines } from './testing/dataset-store';
import { DEFAULT_WINDOW_MS, readSlates } from './replay';

/** Records of the shipped file: the store starts with the first, the rest arrive later through Ingest. */
const FIRST = 100_000;
const LATER = 150_000;
const USER = '17850';

// Small, fast models. The first production is deliberately weak (tiny embeddings, a few trees) so that
// the second run, with more data and ordinary settings, must beat it on the same test window.
const SMALL: Pick<RunOptions, 'testDays' | 'validationDays' | 'epochs' | 'jobs' | 'concurrency'> = { testDays: 21, validationDays: 21, epochs: 1, jobs: 2, concurrency: 4 };
const WEAK = { copurchase: ['--dim', '4', '--min-count', '50'], affinity: ['--rounds', '2', '--windows', '1'] };
const BETTER = { copurchase: ['--dim', '32'], affinity: ['--rounds', '40'] };

describe('ingest → pipeline → promotion → the next Rank uses the new versions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-loop-'));
  const storeEnv = { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dir, 'aisle.db') };
  const services: ServiceProcess[] = [];
  let store: FeatureStore;
  let rankerAddress = '';
  let featuresAddress = '';
  const logs: string[] = [];
  const pipeline = (trainerArgs: RunOptions['trainerArgs']) =>
    runPipeline(store, { ...DEFAULT_RUN_OPTIONS, ...SMALL, trainerArgs, dir: join(dir, 'pipeline'), promotedBy: 'loop test' }, (line) => logs.push(line));
  const rank = async (): Promise<ranker.RankResponse> => {
    const client = createRankerClient(rankerAddress, { timeoutMs: 10_000 });
    try {
      return await client.rank({ userId: USER, k: 10 });
    } finally {
      client.close();
    }
  };
  const versions = (response: ranker.RankResponse) => Object.fromEntries(response.models.map((model) => [model.model, model.version]));
  let first: RunOutcome;
  let second: RunOutcome;

  // The services' default gRPC and metrics ports, held for the whole test (where free): the
  // pipeline's private services must not need them, since `npm start` or another run may hold them.
  const held: Server[] = [];

  beforeAll(async () => {
    for (const port of [50051, 50052, 50053, 50054, 9461, 9462, 9463, 9464]) {
      const server = createServer();
      await new Promise<void>((resolve) => server.once('error', () => resolve()).listen(port, '127.0.0.1', () => (held.push(server), resolve())));
    }
    await writeLines(storeEnv.AISLE_SQLITE_PATH, await datasetLines(0, FIRST));
    store = openStore({ kind: 'sqlite', path: storeEnv.AISLE_SQLITE_PATH });
    first = await pipeline(WEAK);
    const poll = { AISLE_MODEL_POLL_INTERVAL: '300ms', AISLE_METRICS_PORT: '0' };
    const feature = await startServiceProcess(serviceMain('feature-service'), { ...storeEnv, AISLE_METRICS_PORT: '0', AISLE_FEATURES_PORT: '0', AISLE_FEATURES_POPULARITY_REFRESH: '500ms' });
    services.push(feature);
    featuresAddress = feature.address;
    const env = { ...poll, AISLE_FEATURES_ADDRESS: feature.address };
    const [copurchase, affinity] = await Promise.all([startServiceProcess(serviceMain('copurchase-model-service'), { ...env, AISLE_COPURCHASE_PORT: '0' }), startServiceProcess(serviceMain('affinity-model-service'), { ...env, AISLE_AFFINITY_PORT: '0' })]);
    services.push(copurchase, affinity);
    const rankerProcess = await startServiceProcess(serviceMain('ranker'), { ...env, AISLE_COPURCHASE_ADDRESS: copurchase.address, AISLE_AFFINITY_ADDRESS: affinity.address, AISLE_RANKER_PORT: '0', AISLE_RANK_BUDGET: '4000ms', AISLE_RANK_BUDGET_USER_CONTEXT: '1500ms', AISLE_RANK_BUDGET_CANDIDATES: '1500ms', AISLE_RANK_BUDGET_SCORES: '1500ms', AISLE_SLATE_LOG_INTERVAL: '100ms', AISLE_SLATE_LOG_REPEAT_WINDOW: '100ms' });
    services.push(rankerProcess);
    rankerAddress = rankerProcess.address;
  }, 900_000);

  afterAll(async () => {
    for (const server of held) server.close();
    await Promise.all(services.map((service) => service.stop()));
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the first run promotes its versions (nothing was in production) and the services serve them', async () => {
    expect(first.record.gate.promote).toBe(true);
    expect(Object.keys(first.record.promoted).sort()).toEqual(['affinity', 'blend', 'copurchase']);
    // Polled: a Rank names only the models that answered it, and the first, cold calls on a busy CI can
    // run past a stage budget (then that source says TIMEOUT and its model is not named).
    await expect.poll(async () => versions(await rank()), { timeout: 60_000, interval: 250 }).toEqual(first.record.candidate.versions);
  });

  it('after new transactions arrive through Ingest, the next run beats production, promotes, and the next Rank shows the new versions', async () => {
    const client = createClient(features.FeatureServiceClient, featuresAddress, { service: 'aisle.features.v1.FeatureService' });
    const later = await datasetLines(FIRST, LATER);
    let applied = 0;
    try {
      for (let i = 0; i < later.length; i += 2000) {
        const batch = later.slice(i, i + 2000).map((line) => ({ ...line, userId: line.userId ?? '' }));
        applied += (await unaryCall(client, client.ingest, { lines: batch }, { deadline: Date.now() + 60_000 })).applied;
      }
    } finally {
      client.close();
    }
    expect(applied).toBe(later.length);

    second = await pipeline(BETTER);
    expect(second.record.snapshot.rows).toBe(first.record.snapshot.rows + later.length);
    expect(second.record.cuts.test > first.record.cuts.test).toBe(true);
    // Production (the first run's versions) was evaluated on the second run's own test window.
    expect(second.record.production.versions).toEqual(first.record.candidate.versions);
    expect(second.record.gate.checks.map((check) => [check.name, check.pass])).toEqual([
      ['NDCG@10 (all)', true],
      ['HR@10 (all)', true],
      ['NDCG@10 (new)', true],
      ['HR@10 (new)', true],
    ]);
    expect(second.record.promoted).toMatchObject({ copurchase: expect.stringContaining(second.record.candidate.versions.copurchase) });
    const registered = (await store.getModelVersion('blend'))!;
    expect(registered).toMatchObject({ version: second.record.candidate.versions.blend, stage: 'production', promotedBy: 'loop test' });
    expect(registered.parameters).toMatchObject({ 'pipeline.snapshot': second.record.snapshot.hash, 'serves_with.copurchase': second.record.candidate.versions.copurchase });

    // Every service polls every 300 ms: the new versions must answer soon, with no restart (the poll's
    // timeout is generous because CI runs other suites on the same two cores).
    await expect.poll(async () => versions(await rank()), { timeout: 60_000, interval: 250 }).toEqual(second.record.candidate.versions);
    expect(services.every((service) => service.child.exitCode === null)).toBe(true);
  });

  it('the slates the ranker logged make the next run a new one (every step reused) whose report replays them; a rerun after it is a no-op, quickly', async () => {
    // One Rank "as of" the first run's test cut: its 7-day horizon is over in the data, so it is scorable.
    const client = createRankerClient(rankerAddress, { timeoutMs: 10_000 });
    try {
      await client.rank({ userId: USER, k: 10, context: { country: 'United Kingdom', timeUnixMs: Date.parse(`${first.record.cuts.test.slice(0, 10)}T00:00:00Z`) } });
    } finally {
      client.close();
    }
    // The ranker sends its slates every 100 ms, and a row counting repeated servings of a held page 100 ms
    // after the first (the polls above serve pages again): wait until the store has them all (two equal counts in a row).
    const count = async () => (await readSlates(store, Date.now() - DEFAULT_WINDOW_MS, Date.now() + 1)).length;
    let last = -1;
    await expect
      .poll(async () => {
        const n = await count();
        const settled = n > 0 && n === last;
        last = n;
        return settled;
      }, { timeout: 20_000, interval: 500 })
      .toBe(true);

    const third = await pipeline(BETTER);
    expect(third.noop).toBe(false);
    expect(third.record.steps.every((step) => step.cached)).toBe(true);
    expect(third.record.replay).toMatchObject({ slates: last });
    expect(third.record.replay!.scored).toBeGreaterThan(0);
    expect(third.record.replay!.groups.map((group) => [group.experiment, group.variant, group.shadow])).toEqual([['', '', false]]);
    expect(readFileSync(join(third.runDir, 'report.md'), 'utf8')).toMatch(/## Replay of logged slates[\s\S]*### Experiment \(none: production\)\n\n\| variant .*\n.*\n\| \(production\) \| no \| \d+ \| \d+ \| 1 \| \d+ \| [\d.]+ \[/);

    // "Quickly" is about work, not time (this machine is shared): the rerun runs no step, it only reuses.
    const before = logs.length;
    const fourth = await pipeline(BETTER);
    expect(fourth.noop).toBe(true);
    expect(fourth.record.runId).toBe(third.record.runId);
    const stepLines = logs.slice(before).filter((line) => line.startsWith('step '));
    expect(stepLines.length).toBe(third.record.steps.length);
    expect(stepLines.filter((line) => !line.endsWith(': done before, reused'))).toEqual([]);
    expect(logs.at(-1)).toContain('no-op');
  });

  it('writes the report next to the run record, with the plots and the command that reproduces it', () => {
    const markdown = readFileSync(join(second.runDir, 'report.md'), 'utf8');
    expect(markdown).toContain(`SHA-256 \`${second.record.snapshot.hash}\``);
    expect(markdown).toContain('npm run pipeline -- run --cut');
    expect(markdown).toMatch(/\| NDCG@10 \(all\) \| [\d.]+ \| [\d.]+ \| > production \| yes \|/);
    const html = readFileSync(join(second.runDir, 'report.html'), 'utf8');
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).toContain(second.record.candidate.versions.blend.replace(/^blend-/, ''));
    expect(JSON.parse(readFileSync(join(second.runDir, 'run.json'), 'utf8'))).toMatchObject({ runId: second.record.runId, gate: { promote: true } });
  });

  it('a roll-back of the blend through the registry CLI is what the ranker serves next', async () => {
    const access = grpcRegistry(featuresAddress);
    try {
      expect(await registryCommand(access, ['rollback', 'blend'], { by: 'oncall', limit: 20 })).toContain(`rolled back ${second.record.candidate.versions.blend}`);
    } finally {
      await access.close();
    }
    await expect.poll(async () => versions(await rank()).blend, { timeout: 60_000, interval: 250 }).toBe(first.record.candidate.versions.blend);
  });
});
