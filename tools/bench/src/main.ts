// The whole-stack benchmark: starts the stack on a store (the embedded one, then Cassandra when
// asked) and a bare grpc-js echo server, drives Rank and each component from separate load-generator
// processes (closed loop at fixed concurrency, open loop at fixed rates), each beside the same load on
// the echo server, and writes the report (JSON, Markdown, SVG) to tools/bench/results.
//   npm run bench -- [--store sqlite|cassandra|both] [--seconds N] [--concurrency 1,4,16,64] [--rates 25,50,100] [--soak 600] [--rankers 1,2] [--quick]
// It runs the services on a fresh copy (.data/bench/aisle.db) of the store `npm start` prepared
// (.data/aisle.db; run `npm start` once first), so its Ranks' slates never reach the store that
// `npm start` serves and the training pipeline replays.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SqliteStore } from '@aisle/feature-store';
import { startOtlpReceiver } from '@aisle/telemetry/testing';
// The whole-stack harness is tools/stack's (the e2e suites and `npm start` use it too); a tool importing
// a tool has no alias, so this one relative import is allowed here.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startStack, type Stack } from '../../stack/src/stack';
import { BENCH_KEYSPACE, prepareCassandra } from './cassandra';
import { loadFixtures, type Fixtures } from './fixtures';
import type { Job, Shape, Target } from './jobs';
import { parseOptions, splitConcurrency, USAGE, type BenchOptions, type StoreChoice } from './options';
import { startEchoProcess, startLoadProcess, runTogether, type LoadProcess } from './pool';
import { poolProcessUse, readProc, wallTimeMean, watchMachine, watchProcesses, type ProcessUse } from './proc';
import { renderMarkdown, type BenchReport, type Paired, type Phase, type ScaleOut, type ShadowCost, type Soak, type StoreReport, type Tracing } from './report';
import { countSlates, otherCopurchaseVersion, SHADOW_CONFIGS, writeExperiments, type ShadowConfig } from './shadow';
import { errorCount, memoryTrend, poolRounds, ratio, saturation, summarize, throughput, type RawPhase } from './stats';
import { latencyPlot, type Panel } from './svg';

const root = join(__dirname, '..', '..', '..');
const PREPARED_SQLITE_PATH = join(root, '.data', 'aisle.db');
const SQLITE_PATH = join(root, '.data', 'bench', 'aisle.db');
const log = (line: string) => console.error(line);

/** Calls before anything is measured, on a fresh ranker: its caches, channels and JIT warm. */
const WARM_UP_SECONDS = 6;

/** Production-like settings for every service: the registry polled at its default interval. */
const SERVICE_ENV = { AISLE_MODEL_POLL_INTERVAL: '30s' };

interface Ctx {
  options: BenchOptions;
  fixtures: Fixtures;
  loads: LoadProcess[];
  echo: { address: string; pid: number };
}

function storeEnv(store: StoreChoice): Record<string, string> {
  if (store === 'sqlite') return { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: SQLITE_PATH };
  return {
    AISLE_STORE: 'cassandra',
    AISLE_CASSANDRA_CONTACT_POINTS: process.env.AISLE_CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042',
    AISLE_CASSANDRA_KEYSPACE: process.env.AISLE_BENCH_KEYSPACE ?? BENCH_KEYSPACE,
    ...(process.env.AISLE_CASSANDRA_DATACENTER ? { AISLE_CASSANDRA_DATACENTER: process.env.AISLE_CASSANDRA_DATACENTER } : {}),
  };
}

function reachable(hostPort: string): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function serviceProcesses(stack: Stack): { name: string; pid: number }[] {
  return [
    { name: 'features', pid: stack.features.child.pid! },
    { name: 'copurchase', pid: stack.copurchase.child.pid! },
    { name: 'affinity', pid: stack.affinity.child.pid! },
    { name: 'ranker', pid: stack.ranker.child.pid! },
    ...stack.extraRankers.map((ranker, i) => ({ name: `ranker-${i + 2}`, pid: ranker.child.pid! })),
  ];
}

/** The local Cassandra node's JVM (tools/cassandra's pid file), when the stack runs on it. */
function cassandraProcess(stack: Stack): { name: string; pid: number }[] {
  if (stack.env.AISLE_STORE !== 'cassandra') return [];
  try {
    const pid = Number(readFileSync(join(process.env.AISLE_CASSANDRA_HOME ?? join(root, 'tools/cassandra/.cache/node'), 'cassandra.pid'), 'utf8').trim());
    return readProc(pid) ? [{ name: 'cassandra', pid }] : [];
  } catch {
    return [];
  }
}

function allProcesses(ctx: Ctx, stack: Stack) {
  return [...serviceProcesses(stack), ...cassandraProcess(stack), { name: 'echo', pid: ctx.echo.pid }, ...ctx.loads.map((load) => ({ name: load.name, pid: load.child.pid! }))];
}

const shapeLabel = (shape: Shape) => (shape.kind === 'closed' ? `closed ${shape.concurrency}` : `open ${Math.round(shape.rate)}/s`);

interface Sample {
  raw: RawPhase;
  processes: ProcessUse[];
  machineCpu?: number;
}

/** Runs one phase: the load split over the load processes (one target each), /proc sampled around it. */
async function sample(ctx: Ctx, shape: Shape, seconds: number, targets: Target[], processes: { name: string; pid: number }[]): Promise<Sample> {
  const n = ctx.loads.length;
  const shares = shape.kind === 'closed' ? splitConcurrency(shape.concurrency, n).map((concurrency) => ({ kind: 'closed' as const, concurrency })) : Array.from({ length: n }, () => ({ kind: 'open' as const, rate: shape.rate / n }));
  const assignments = shares.map((share, i) => ({ load: ctx.loads[i]!, job: { target: targets[i % targets.length]!, shape: share, seconds, deadlineMs: ctx.options.deadlineMs } satisfies Job }));
  const watch = watchProcesses(processes);
  const machine = watchMachine();
  const raw = await runTogether(assignments);
  return { raw, processes: watch.end(), machineCpu: machine.end() };
}

function phaseOf(name: string, shape: Shape, { raw, processes, machineCpu }: Sample, roundP99s?: number[], logged = true): Phase {
  const rounds = roundP99s && roundP99s.length > 1 ? ` ×${roundP99s.length}` : '';
  const phase: Phase = {
    target: name,
    load: `${shapeLabel(shape)}${rounds}`,
    concurrency: shape.kind === 'closed' ? shape.concurrency : undefined,
    offered: shape.kind === 'open' ? shape.rate : undefined,
    seconds: raw.seconds,
    sent: raw.sent,
    ok: raw.ok,
    degraded: raw.degraded,
    reused: raw.reused,
    throughput: throughput(raw),
    fullThroughput: raw.seconds > 0 ? (raw.ok - raw.degraded) / raw.seconds : 0,
    latency: summarize(raw.latencies),
    errors: raw.errors,
    processes,
    machineCpu,
    roundP99s,
  };
  const l = phase.latency;
  if (logged) log(`  ${phase.load.padEnd(12)} ${name.padEnd(22)} ${phase.throughput.toFixed(0).padStart(6)}/s  p50 ${l.p50.toFixed(2)}  p99 ${l.p99.toFixed(2)}  max ${l.max.toFixed(1)} ms  errors ${JSON.stringify(phase.errors)}  degraded ${phase.degraded}`);
  return phase;
}

async function measure(ctx: Ctx, name: string, shape: Shape, seconds: number, targets: Target[], processes: { name: string; pid: number }[]): Promise<Phase> {
  return phaseOf(name, shape, await sample(ctx, shape, seconds, targets, processes));
}

/** One round of a phase run in rounds: logged like any phase, its samples kept for pooling. */
async function measureRound(ctx: Ctx, name: string, shape: Shape, seconds: number, targets: Target[], processes: { name: string; pid: number }[]): Promise<Sample> {
  const measured = await sample(ctx, shape, seconds, targets, processes);
  phaseOf(name, shape, measured);
  return measured;
}

/**
 * Rounds of the same load as one phase: counts and time summed, every latency pooled (exact
 * percentiles, each round's p99 kept beside them), CPU averaged over the rounds' wall time. A pool of
 * one round is that round, already logged.
 */
function pooledPhase(name: string, shape: Shape, rounds: readonly Sample[]): Phase {
  const pooled: Sample = {
    raw: poolRounds(rounds.map((r) => r.raw)),
    processes: poolProcessUse(rounds.map((r) => ({ seconds: r.raw.seconds, processes: r.processes }))),
    machineCpu: wallTimeMean(rounds.map((r) => ({ seconds: r.raw.seconds, value: r.machineCpu }))),
  };
  return phaseOf(name, shape, pooled, rounds.map((r) => summarize(r.raw.latencies).p99), rounds.length > 1);
}

/** The echo server under the same load, then the subject. */
async function paired(ctx: Ctx, stack: Stack, name: string, shape: Shape, seconds: number, targets: Target[]): Promise<Paired> {
  const processes = allProcesses(ctx, stack);
  const echo = await measure(ctx, 'echo', shape, seconds, [{ kind: 'echo', address: ctx.echo.address }], processes);
  const subject = await measure(ctx, name, shape, seconds, targets, processes);
  return { subject, echo };
}

/**
 * `rounds` alternating rounds of echo then the subject under the same load, each side's latencies pooled
 * into one phase: one pause of the shared machine moves a round's p99 (all listed), not the figure.
 */
async function pairedRounds(ctx: Ctx, stack: Stack, name: string, shape: Shape, seconds: number, targets: Target[], rounds: number): Promise<Paired> {
  if (rounds <= 1) return paired(ctx, stack, name, shape, seconds, targets);
  const processes = allProcesses(ctx, stack);
  const echo: Sample[] = [];
  const subject: Sample[] = [];
  for (let i = 0; i < rounds; i++) {
    echo.push(await measureRound(ctx, 'echo', shape, seconds, [{ kind: 'echo', address: ctx.echo.address }], processes));
    subject.push(await measureRound(ctx, name, shape, seconds, targets, processes));
  }
  return { echo: pooledPhase('echo', shape, echo), subject: pooledPhase(name, shape, subject) };
}

const rankTargets = (ctx: Ctx, addresses: string[], fresh = false): Target[] => addresses.map((address) => ({ kind: 'rank', address, users: ctx.fixtures.users, fresh }));

/** The closed-loop level with the most full answers/s, with echo's at the same level and its best. */
function saturationOf(closed: Paired[]): StoreReport['saturation'] {
  const best = saturation(closed.map((pair) => ({ throughput: pair.subject.fullThroughput, pair })));
  if (!best) return undefined;
  return {
    throughput: best.throughput,
    okThroughput: best.pair.subject.throughput,
    concurrency: best.pair.subject.concurrency!,
    echoThroughput: best.pair.echo?.throughput,
    echoMaxThroughput: Math.max(...closed.map((pair) => pair.echo?.throughput ?? 0)),
  };
}

async function benchStore(ctx: Ctx, store: StoreChoice, first: boolean, report: BenchReport): Promise<void> {
  const { options, fixtures } = ctx;
  const env = storeEnv(store);
  if (store === 'cassandra') await prepareCassandra(storeEnv('sqlite'), env, log);
  log(`\n== store ${store}: starting the stack`);
  // The ranker watches an experiments file (empty until the shadow-cost phase switches it).
  const scratch = mkdtempSync(join(tmpdir(), 'aisle-bench-'));
  const experimentsFile = join(scratch, 'experiments.json');
  writeExperiments(experimentsFile, undefined);
  const stack = await startStack({
    storeEnv: env,
    serviceEnv: { ...SERVICE_ENV, OTEL_TRACES_EXPORTER: 'none' },
    rankerEnv: { AISLE_EXPERIMENTS_FILE: experimentsFile, AISLE_EXPERIMENTS_POLL: '200ms' },
  });
  const result: StoreReport = { store, closed: [], open: [], components: [] };
  report.stores.push(result);
  try {
    const rank = rankTargets(ctx, [stack.ranker.address]);
    // Warm caches, connections and JIT on both sides; not reported.
    await measure(ctx, 'Rank (warm-up)', { kind: 'closed', concurrency: 8 }, WARM_UP_SECONDS, rank, []);
    await measure(ctx, 'echo (warm-up)', { kind: 'closed', concurrency: 4 }, 1, [{ kind: 'echo', address: ctx.echo.address }], []);
    if (options.shadowOnly) {
      if (store === 'sqlite') report.shadow = await shadowCost(ctx, stack, experimentsFile, options.shadowRate ?? 80);
      return;
    }

    log(`-- closed loop, ${options.seconds} s per phase (answers reused while the user is unchanged, as in production)`);
    for (const concurrency of options.concurrency) result.closed.push(await paired(ctx, stack, 'Rank', { kind: 'closed', concurrency }, options.seconds, rank));
    result.saturation = saturationOf(result.closed);

    // The same load with every answer computed (fresh): the fan-out's own throughput and latency.
    log(`-- closed loop, every answer computed (fresh), ${options.seconds} s per phase`);
    const fresh = rankTargets(ctx, [stack.ranker.address], true);
    const computed: NonNullable<StoreReport['computed']> = { closed: [] };
    result.computed = computed;
    for (const concurrency of options.concurrency) computed.closed.push(await paired(ctx, stack, 'Rank (fresh)', { kind: 'closed', concurrency }, options.seconds, fresh));
    computed.saturation = saturationOf(computed.closed);
    if (computed.saturation) computed.halfSaturation = await pairedRounds(ctx, stack, 'Rank (fresh)', { kind: 'open', rate: computed.saturation.throughput / 2 }, options.seconds, fresh, options.halfRounds);

    log(`-- open loop, ${options.seconds} s per phase`);
    for (const rate of options.rates) result.open.push(await paired(ctx, stack, 'Rank', { kind: 'open', rate }, options.seconds, rank));
    if (result.saturation) {
      const sat = result.saturation.throughput;
      result.halfSaturation = await pairedRounds(ctx, stack, 'Rank', { kind: 'open', rate: sat / 2 }, options.seconds, rank, options.halfRounds);
      const overload = await paired(ctx, stack, 'Rank', { kind: 'open', rate: sat * 2 }, options.seconds, rank);
      const aliveAfter = Object.fromEntries(
        [...serviceProcesses(stack).map((p) => [p.name, readProc(p.pid) !== undefined] as const), ['echo', readProc(ctx.echo.pid) !== undefined] as const],
      );
      // How long until Rank answers again in full (a backlog of abandoned calls may still be running).
      const ended = performance.now();
      let rankAfter: Phase | undefined;
      let recoveredAfterSeconds: number | undefined;
      while (performance.now() - ended < 60_000) {
        rankAfter = await measure(ctx, 'Rank after 2×', { kind: 'closed', concurrency: 1 }, 1, rank, []);
        if (rankAfter.ok > 0 && errorCount(rankAfter.errors) === 0 && rankAfter.degraded === 0) {
          recoveredAfterSeconds = (performance.now() - ended) / 1000;
          break;
        }
      }
      result.overload = { ...overload, aliveAfter, rankAfter, recoveredAfterSeconds };
    }

    log(`-- components, closed loop at ${options.componentConcurrency}, ${options.componentSeconds} s each`);
    const c = { kind: 'closed' as const, concurrency: options.componentConcurrency };
    const s = options.componentSeconds;
    const features = stack.features.address;
    result.components.push(await paired(ctx, stack, 'GetUserContext', c, s, [{ kind: 'getUserContext', address: features, users: fixtures.users }]));
    result.components.push(await paired(ctx, stack, 'BatchGetProducts ×500', c, s, [{ kind: 'batchGetProducts', address: features, productIds: fixtures.productIds }]));
    result.components.push(await paired(ctx, stack, 'Candidates (20 seeds → 200)', c, s, [{ kind: 'candidates', address: stack.copurchase.address, featuresAddress: features, users: fixtures.users }]));
    result.components.push(await paired(ctx, stack, 'Affinity Score ×500', c, s, [{ kind: 'affinityScore', address: stack.affinity.address, featuresAddress: features, users: fixtures.users, productIds: fixtures.productIds }]));
    const one = { kind: 'closed' as const, concurrency: 1 };
    result.components.push(await paired(ctx, stack, 'blend + top-K of 500 (in-process)', one, s, [{ kind: 'blend', productIds: fixtures.productIds }]));
    result.components.push(await paired(ctx, stack, `${store === 'cassandra' ? 'Cassandra' : 'SQLite'} read: user context (in-process)`, c, s, [{ kind: 'storeRead', storeEnv: env, users: fixtures.users }]));

    if (store === 'sqlite' && options.shadowRounds > 0) report.shadow = await shadowCost(ctx, stack, experimentsFile, options.shadowRate ?? Math.max(1, (result.computed?.saturation?.throughput ?? 80) / 2));
    if (first && options.tracingRounds > 0) report.tracing = await tracing(ctx, stack, env);
    if (first && options.rankers.some((n) => n > 1)) report.scaleOut = await scaleOut(ctx, stack);
    if (first && options.soakSeconds > 0) report.soak = await soak(ctx, stack, result.saturation?.throughput ?? 50);
  } finally {
    await stack.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A fresh copy of the prepared store for this run: every run starts from the same data. */
async function copyPreparedStore(): Promise<void> {
  const started = performance.now();
  const prepared = new SqliteStore(PREPARED_SQLITE_PATH);
  try {
    await prepared.copyTo(SQLITE_PATH);
  } finally {
    await prepared.close();
  }
  log(`copied ${PREPARED_SQLITE_PATH} to ${SQLITE_PATH} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rank's latency with no shadow, a blend-only shadow and a co-purchase-model shadow, alternating rounds. */
async function shadowCost(ctx: Ctx, stack: Stack, experimentsFile: string, rate: number): Promise<ShadowCost> {
  const { options } = ctx;
  const version = await otherCopurchaseVersion(SQLITE_PATH);
  const configs = SHADOW_CONFIGS.filter((config) => config !== 'model' || version !== undefined);
  log(`-- shadow cost: open loop at ${rate.toFixed(0)}/s, shadows ${configs.join(' / ')} at 100%, ${options.shadowRounds} round(s) of ${options.seconds} s`);
  // Shadows run on computed answers only: every call here computes (fresh).
  const rank = rankTargets(ctx, [stack.ranker.address], true);
  const shape = { kind: 'open' as const, rate };
  const started = Date.now();
  // The ranker re-reads the file every 200 ms; a pinned version loads in the model service on first use.
  const use = async (config: ShadowConfig | undefined) => {
    writeExperiments(experimentsFile, config, version);
    await sleep(1000);
  };
  if (version) {
    await use('model');
    await measure(ctx, 'Rank (warm-up, model shadow)', shape, WARM_UP_SECONDS, rank, []);
  }
  const phases: Partial<Record<ShadowConfig, Sample[]>> = {};
  const processes = allProcesses(ctx, stack);
  for (let round = 0; round < options.shadowRounds; round++) {
    for (const config of configs) {
      await use(config);
      (phases[config] ??= []).push(await measureRound(ctx, `Rank, shadow ${config}`, shape, options.seconds, rank, processes));
    }
  }
  await use(undefined);
  await sleep(2500); // the last slates leave the ranker's queue
  const logged = await countSlates(SQLITE_PATH, started, Date.now());
  const pooled: ShadowCost['phases'] = Object.fromEntries(configs.map((config) => [config, pooledPhase(`Rank, shadow ${config}`, shape, phases[config]!)]));
  return {
    rate,
    rounds: options.shadowRounds,
    copurchaseVersion: version,
    phases: pooled,
    p99ByRound: Object.fromEntries(configs.map((config) => [config, pooled[config]!.roundP99s!])),
    slates: Object.fromEntries(configs.map((config) => [config, logged[`bench-shadow-${config}`] ?? { served: 0, shadow: 0 }])),
  };
}

async function tracing(ctx: Ctx, off: Stack, env: Record<string, string>): Promise<Tracing> {
  const { options } = ctx;
  log(`-- tracing on vs off: a second stack exporting every span, closed loop at ${options.tracingConcurrency}, ${options.tracingRounds} round(s)`);
  const receiver = await startOtlpReceiver();
  const on = await startStack({ storeEnv: env, serviceEnv: { ...SERVICE_ENV, ...receiver.env, OTEL_TRACES_SAMPLER: 'parentbased_always_on' } });
  const phases: Record<'off' | 'on', Sample[]> = { off: [], on: [] };
  let spans = 0;
  const shape = { kind: 'closed' as const, concurrency: options.tracingConcurrency };
  try {
    // Computed answers (fresh): the spans of the whole fan-out, not of a reused answer's two calls.
    await measure(ctx, 'Rank traced (warm-up)', shape, WARM_UP_SECONDS, rankTargets(ctx, [on.ranker.address], true), []);
    receiver.spans.length = 0;
    for (let round = 0; round < options.tracingRounds; round++) {
      const processes = [...serviceProcesses(off).map((p) => ({ ...p, name: `off ${p.name}` })), ...serviceProcesses(on).map((p) => ({ ...p, name: `on ${p.name}` }))];
      phases.off.push(await measureRound(ctx, 'Rank, tracing off', shape, options.seconds, rankTargets(ctx, [off.ranker.address], true), processes));
      phases.on.push(await measureRound(ctx, 'Rank, tracing on', shape, options.seconds, rankTargets(ctx, [on.ranker.address], true), processes));
      spans += receiver.spans.length;
      receiver.spans.length = 0;
    }
  } finally {
    await on.stop();
    await receiver.close();
  }
  return { concurrency: options.tracingConcurrency, rounds: options.tracingRounds, off: pooledPhase('Rank, tracing off', shape, phases.off), on: pooledPhase('Rank, tracing on', shape, phases.on), spans };
}

async function scaleOut(ctx: Ctx, stack: Stack): Promise<ScaleOut> {
  const { options } = ctx;
  const most = Math.max(...options.rankers);
  while (stack.extraRankers.length < most - 1) await stack.addRanker();
  const levels = [...new Set(options.concurrency.filter((c) => c >= 2))].sort((a, b) => a - b).slice(-2);
  log(`-- scale-out: ${options.rankers.join(' vs ')} ranker processes, closed loop at ${levels.join(', ')}, two load processes`);
  const rankers = [stack.ranker, ...stack.extraRankers].map((ranker) => ranker.address);
  const result: ScaleOut = { levels: [] };
  const processes = allProcesses(ctx, stack);
  for (const ranker of stack.extraRankers) await measure(ctx, 'Rank (warm-up, new ranker)', { kind: 'closed', concurrency: 8 }, WARM_UP_SECONDS, rankTargets(ctx, [ranker.address]), []);
  for (const n of options.rankers) {
    const phases: Phase[] = [];
    // Each load process drives one ranker; with one ranker both drive the same one.
    const targets = rankTargets(ctx, ctx.loads.map((_, i) => rankers[i % n]!));
    for (const concurrency of levels) phases.push(await measure(ctx, `Rank, ${n} ranker${n > 1 ? 's' : ''}`, { kind: 'closed', concurrency }, options.seconds, targets, processes));
    result.levels.push({ rankers: n, phases, saturation: Math.max(...phases.map((p) => p.fullThroughput)), okSaturation: Math.max(...phases.map((p) => p.throughput)) });
  }
  const one = result.levels.find((level) => level.rankers === 1);
  const top = result.levels[result.levels.length - 1];
  if (one && top && top !== one) {
    result.ratio = ratio(top.saturation, one.saturation);
    result.okRatio = ratio(top.okSaturation, one.okSaturation);
  }
  if (one) {
    const at = one.phases.reduce((a, b) => (b.fullThroughput > a.fullThroughput ? b : a));
    const busiest = at.processes.filter((p) => p.cpu !== undefined).sort((a, b) => b.cpu! - a.cpu!)[0];
    if (busiest) result.bottleneck = { process: busiest.name, cpu: busiest.cpu!, machineCpu: at.machineCpu };
  }
  return result;
}

async function soak(ctx: Ctx, stack: Stack, saturationRate: number): Promise<Soak> {
  const { options } = ctx;
  const rate = Math.max(1, saturationRate / 2);
  log(`-- soak: open loop at ${rate.toFixed(0)}/s (half saturation) for ${options.soakSeconds} s, RSS sampled every 10 s`);
  // The processes under the soak's load (an extra ranker from the scale-out phase sits idle).
  const services = [...serviceProcesses(stack).filter((p) => !p.name.startsWith('ranker-')), ...cassandraProcess(stack)];
  const samples: Soak['samples'] = [];
  const started = performance.now();
  const sample = () => {
    const rssMb: Record<string, number> = {};
    for (const p of services) {
      const use = readProc(p.pid);
      if (use) rssMb[p.name] = use.rssBytes / 1_048_576;
    }
    samples.push({ atSeconds: (performance.now() - started) / 1000, rssMb });
  };
  sample();
  const timer = setInterval(sample, 10_000);
  let phase: Phase;
  try {
    phase = await measure(ctx, 'Rank (soak)', { kind: 'open', rate }, options.soakSeconds, rankTargets(ctx, [stack.ranker.address]), allProcesses(ctx, stack));
  } finally {
    clearInterval(timer);
  }
  sample();
  const perProcess = memoryTrend(samples, services.map((p) => p.name));
  return { seconds: options.soakSeconds, phase, samples, perProcess };
}

function plot(report: BenchReport): string {
  const colors = { rank50: '#1f77b4', rank99: '#d62728', echo50: '#7fb3d5', echo99: '#f1948a' };
  const seriesOf = (pairs: Paired[]) => [
    { name: 'Rank p50', color: colors.rank50, values: pairs.map((p) => p.subject.latency.p50) },
    { name: 'Rank p99', color: colors.rank99, values: pairs.map((p) => p.subject.latency.p99) },
    { name: 'echo p50', color: colors.echo50, dashed: true, values: pairs.map((p) => p.echo?.latency.p50) },
    { name: 'echo p99', color: colors.echo99, dashed: true, values: pairs.map((p) => p.echo?.latency.p99) },
  ];
  const panels: Panel[] = [];
  for (const store of report.stores) {
    panels.push({ title: `${store.store}: closed loop`, xTitle: 'concurrency', labels: store.closed.map((p) => String(p.subject.concurrency)), series: seriesOf(store.closed) });
    const open = [...store.open, ...(store.halfSaturation ? [store.halfSaturation] : []), ...(store.overload ? [store.overload] : [])].sort((a, b) => a.subject.offered! - b.subject.offered!);
    if (open.length > 0) panels.push({ title: `${store.store}: open loop`, xTitle: 'offered calls/s', labels: open.map((p) => String(Math.round(p.subject.offered!))), series: seriesOf(open) });
  }
  return latencyPlot(panels, `${report.command} — ${report.startedAt}; open-loop latency from the scheduled send time`);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: ${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options.render) {
    // Re-renders a written report (e.g. after the Markdown layout changed) without measuring again.
    const report = JSON.parse(readFileSync(options.render, 'utf8')) as BenchReport;
    // Derived figures are recomputed from the samples kept in the report.
    if (report.soak) report.soak.perProcess = memoryTrend(report.soak.samples, report.soak.perProcess.map((p) => p.name));
    for (const phase of [...report.stores.flatMap((store) => [...store.closed, ...store.open, ...store.components].flatMap((pair) => [pair.subject, pair.echo]))]) {
      if (phase && phase.fullThroughput === undefined) phase.fullThroughput = phase.seconds > 0 ? (phase.ok - phase.degraded) / phase.seconds : 0;
    }
    writeFileSync(options.render, `${JSON.stringify(report, null, 2)}\n`);
    const base = options.render.replace(/\.json$/, '');
    const plotFile = `${basename(base)}.svg`;
    writeFileSync(`${base}.md`, renderMarkdown(report, plotFile));
    writeFileSync(`${base}.svg`, plot(report));
    log(`wrote ${base}.md and ${base}.svg`);
    return;
  }
  if (!existsSync(PREPARED_SQLITE_PATH)) throw new Error(`${PREPARED_SQLITE_PATH} is missing: run \`npm start\` once (it prepares the embedded store), then the bench`);
  await copyPreparedStore();
  const notes: string[] = [];
  if (options.stores.includes('cassandra')) {
    const contact = storeEnv('cassandra').AISLE_CASSANDRA_CONTACT_POINTS!.split(',')[0]!;
    if (!(await reachable(contact))) throw new Error(`Cassandra does not answer on ${contact}: start it (npm run cassandra -- start) or run with --store sqlite`);
  }
  const startedAt = new Date();
  const report: BenchReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { cpus: cpus().length, node: process.version, loadAverage: loadavg() },
    settings: { ...options },
    stores: [],
    notes,
  };
  const fixtures = await loadFixtures();
  const loads = [startLoadProcess('load-1'), startLoadProcess('load-2')];
  const echo = await startEchoProcess();
  const ctx: Ctx = { options, fixtures, loads, echo };
  try {
    for (const [i, store] of options.stores.entries()) await benchStore(ctx, store, i === 0, report);
  } finally {
    await Promise.all(loads.map((load) => load.close()));
    await echo.stop();
  }
  report.finishedAt = new Date().toISOString();
  notes.push(
    `Rank calls carry a ${options.deadlineMs} ms deadline; DEADLINE_EXCEEDED counts a late answer, RESOURCE_EXHAUSTED a shed call. Percentiles are nearest-rank over every call of the phase.`,
    'Open loop: each load process sends on its own fixed schedule (half the rate each); a call sent late because the load process was busy is still timed from its scheduled time.',
  );

  const dir = options.outDir ?? join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const svg = plot(report);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  for (const [name, plotFile] of [[stamp, `${stamp}.svg`], ['latest', 'latest.svg']] as const) {
    writeFileSync(join(dir, `${name}.json`), json);
    writeFileSync(join(dir, `${name}.md`), renderMarkdown(report, plotFile));
    writeFileSync(join(dir, `${name}.svg`), svg);
  }
  console.log(renderMarkdown(report, `${stamp}.svg`));
  log(`\nwrote ${join(dir, `${stamp}.{json,md,svg}`)} and latest.{json,md,svg} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
