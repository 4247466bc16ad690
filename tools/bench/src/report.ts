// The bench's report: the data written as JSON, and its Markdown rendering (pure, tested).
import type { ProcessUse } from './proc';
import { errorCount, medianPairedRatio, ratio, realErrors, type LatencySummary } from './stats';

/** One measured phase against one target. */
export interface Phase {
  target: string;
  /** "closed 16", "open 100/s"... */
  load: string;
  /** Closed loop: callers; open loop: undefined. */
  concurrency?: number;
  /** Open loop: offered calls/s. */
  offered?: number;
  seconds: number;
  sent: number;
  ok: number;
  degraded: number;
  /** OK Rank answers reused from the ranker's answer cache (absent in reports from before it). */
  reused?: number;
  /** OK answers per second. */
  throughput: number;
  /** OK answers in which every source answered (not degraded), per second. */
  fullThroughput: number;
  latency: LatencySummary;
  errors: Record<string, number>;
  processes: ProcessUse[];
  /** The machine's CPU use over the phase, fraction of all cores (other work included). */
  machineCpu?: number;
  /** When the phase pools alternating rounds (the half-saturation phases): each round's own p99, ms. */
  roundP99s?: number[];
}

/** A phase beside the same load against the bare echo server, measured right before it. */
export interface Paired {
  subject: Phase;
  echo?: Phase;
}

export interface Ratios {
  throughput?: number;
  p50?: number;
  p99?: number;
}

export function ratios(pair: Paired): Ratios {
  if (!pair.echo) return {};
  return {
    throughput: ratio(pair.subject.throughput, pair.echo.throughput),
    p50: ratio(pair.subject.latency.p50, pair.echo.latency.p50),
    p99: ratio(pair.subject.latency.p99, pair.echo.latency.p99),
  };
}

export interface StoreReport {
  store: string;
  closed: Paired[];
  /** Highest Rank throughput over the closed-loop levels, and the echo's at the same level. */
  /**
   * Rank's saturation: the most full answers (every source on time) per second over the closed-loop
   * levels; `okThroughput` counts degraded answers too at that level. Echo's at the same level and its best.
   */
  saturation?: { throughput: number; okThroughput: number; concurrency: number; echoThroughput?: number; echoMaxThroughput?: number };
  open: Paired[];
  halfSaturation?: Paired;
  overload?: Paired & { aliveAfter: Record<string, boolean>; rankAfter?: Phase; recoveredAfterSeconds?: number };
  components: Paired[];
  /** The same closed loop with every answer computed (RankOptions.fresh), and its half saturation. */
  computed?: { closed: Paired[]; saturation?: StoreReport['saturation']; halfSaturation?: Paired };
}

export interface ScaleOut {
  /** Per ranker count: the most full answers/s over the levels, and the most OK answers/s. */
  levels: { rankers: number; phases: Phase[]; saturation: number; okSaturation: number }[];
  /** Full-answer saturation with the most rankers ÷ with one; okRatio the same counting degraded answers. */
  ratio?: number;
  okRatio?: number;
  /** The busiest process (CPU cores) at one ranker's saturation, and the machine's CPU use there. */
  bottleneck?: { process: string; cpu: number; machineCpu?: number };
}

export interface Soak {
  seconds: number;
  phase: Phase;
  samples: { atSeconds: number; rssMb: Record<string, number> }[];
  perProcess: { name: string; firstMb: number; lastMb: number; slopeMbPerMin: number; robustSlopeMbPerMin: number }[];
}

export interface Tracing {
  concurrency: number;
  rounds: number;
  off: Phase;
  on: Phase;
  spans: number;
}

/** Rank under the same open-loop load with no shadow, a blend-only shadow and a model shadow, all at 100%. */
export interface ShadowCost {
  rate: number;
  rounds: number;
  /** The registered co-purchase version the model shadow scored with (none registered: no model phase). */
  copurchaseVersion?: string;
  phases: Partial<Record<'none' | 'blend' | 'model', Phase>>;
  /** Each round's p99 per configuration (the rounds alternate configurations back to back). */
  p99ByRound: Partial<Record<'none' | 'blend' | 'model', number[]>>;
  /** Slates the store logged during each configuration: served, and shadows that ran. */
  slates: Partial<Record<'none' | 'blend' | 'model', { served: number; shadow: number }>>;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; node: string; loadAverage: number[] };
  settings: Record<string, unknown>;
  stores: StoreReport[];
  tracing?: Tracing;
  shadow?: ShadowCost;
  scaleOut?: ScaleOut;
  soak?: Soak;
  notes: string[];
}

const f = (value: number | undefined, digits = 1) => (value === undefined || !Number.isFinite(value) ? '–' : value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const x = (value: number | undefined, digits = 3) => (value === undefined ? '–' : `×${f(value, digits)}`);

export function formatErrors(errors: Record<string, number>): string {
  const entries = Object.entries(errors).filter(([, count]) => count > 0);
  return entries.length === 0 ? '0' : entries.map(([name, count]) => `${count} ${name}`).join(', ');
}

function table(header: string[], align: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

const PAIR_HEADER = ['load', 'target', 'calls/s', 'vs echo', 'full/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p50 vs echo', 'p99 vs echo', 'errors', 'degraded', 'reused'];
const PAIR_ALIGN = ['---', '---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---', '---:', '---:'];

/** Share of OK answers the ranker reused ('' where nothing could be: echo, components). */
const reusedShare = (phase: Phase) => (phase.reused === undefined || !phase.target.startsWith('Rank') ? '' : `${f((100 * phase.reused) / Math.max(1, phase.ok), 0)}%`);

function phaseCells(phase: Phase, r: Ratios | undefined): string[] {
  const l = phase.latency;
  const digits = l.p99 < 10 ? 2 : 1;
  return [
    phase.load,
    phase.target,
    f(phase.throughput, 0),
    r ? x(r.throughput) : '',
    phase.target === 'echo' ? '' : f(phase.fullThroughput, 0),
    f(l.p50, digits),
    f(l.p90, digits),
    f(l.p99, digits),
    f(l.max, digits),
    r ? x(r.p50, 1) : '',
    r ? x(r.p99, 1) : '',
    formatErrors(phase.errors),
    String(phase.degraded),
    reusedShare(phase),
  ];
}

export function pairTable(pairs: readonly Paired[]): string[] {
  const rows: string[][] = [];
  for (const pair of pairs) {
    if (pair.echo) rows.push(phaseCells(pair.echo, undefined));
    rows.push(phaseCells(pair.subject, ratios(pair)));
  }
  return table(PAIR_HEADER, PAIR_ALIGN, rows);
}

/** CPU (cores: CPU s ÷ wall s) and RSS (MB) of every process, one row per phase. */
export function processTable(phases: readonly Phase[]): string[] {
  const names = [...new Set(phases.flatMap((phase) => phase.processes.map((p) => p.name)))];
  const cell = (use: ProcessUse | undefined) => (!use ? '' : !use.alive ? 'gone' : `${f(use.cpu, 2)} / ${f(use.rssMb, 0)}`);
  return table(
    ['load', 'target', 'machine CPU', ...names],
    ['---', '---', '---:', ...names.map(() => '---:')],
    phases.map((phase) => [phase.load, phase.target, phase.machineCpu === undefined ? '–' : `${f(phase.machineCpu * 100, 0)}%`, ...names.map((name) => cell(phase.processes.find((p) => p.name === name)))]),
  );
}

const phasesOf = (pairs: readonly Paired[]) => pairs.flatMap((pair) => (pair.echo ? [pair.echo, pair.subject] : [pair.subject]));

export function summaryLines(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const store of report.stores) {
    const saturationLine = (label: string, s: StoreReport['saturation'], closed: readonly Paired[]) => {
      if (!s) return;
      const at = closed.find((pair) => pair.subject.concurrency === s.concurrency)?.subject;
      const reused = at && at.reused !== undefined ? `; ${reusedShare(at)} of its answers reused` : '';
      lines.push(
        `- **${store.store}**: ${label} saturates at **${f(s.throughput, 0)} full answers/s** (every source on time; closed loop, concurrency ${s.concurrency}, where ${f(s.okThroughput, 0)} answers/s counting degraded ones${reused}); echo at the same concurrency ${f(s.echoThroughput, 0)} calls/s → **${x(ratio(s.throughput, s.echoThroughput))}** of echo (goal ≥ ×0.25); of echo's best (${f(s.echoMaxThroughput, 0)} calls/s) ${x(ratio(s.throughput, s.echoMaxThroughput))}.`,
      );
    };
    const halfLine = (label: string, half: Paired | undefined) => {
      if (!half) return;
      const rounds = half.subject.roundP99s;
      const pooled = rounds && rounds.length > 1 ? `, latencies pooled over ${rounds.length} rounds alternating with echo (each round's p99: ${rounds.map((p99) => f(p99, 1)).join(' / ')} ms; echo's: ${(half.echo?.roundP99s ?? []).map((p99) => f(p99, 1)).join(' / ')} ms)` : '';
      lines.push(`- **${store.store}**: at half of ${label}'s saturation (open loop, ${f(half.subject.offered, 0)} calls/s offered) p99 **${f(half.subject.latency.p99, 1)} ms** (goal ≤ 50 ms; echo ${f(half.echo?.latency.p99, 2)} ms)${pooled}, errors ${formatErrors(half.subject.errors)}, degraded ${half.subject.degraded}.`);
    };
    saturationLine('Rank', store.saturation, store.closed);
    saturationLine('Rank with every answer computed (fresh)', store.computed?.saturation, store.computed?.closed ?? []);
    halfLine('Rank', store.halfSaturation);
    halfLine('Rank (fresh)', store.computed?.halfSaturation);
    const over = store.overload;
    if (over) {
      const real = realErrors(over.subject.errors);
      const dead = Object.entries(over.aliveAfter).filter(([, alive]) => !alive).map(([name]) => name);
      // Whether the offered load was beyond what a bare grpc-js server takes here at all: then no server could avoid errors.
      const echoLine = over.echo ? `; the bare echo server at the same offered load: ${errorCount(over.echo.errors) ? `**${formatErrors(over.echo.errors)}**` : '0 errors'}` : '';
      lines.push(
        `- **${store.store}**: at 2× saturation (open loop, ${f(over.subject.offered, 0)} calls/s offered for ${f(over.subject.seconds, 0)} s) ${f(over.subject.throughput, 0)} answered OK/s; shed or late: ${formatErrors(Object.fromEntries(Object.entries(over.subject.errors).filter(([name]) => !(name in real))))}; other errors: **${errorCount(real)}**${errorCount(real) ? ` (${formatErrors(real)})` : ''}; ${dead.length === 0 ? 'every process alive after' : `**gone after: ${dead.join(', ')}**`}${over.recoveredAfterSeconds !== undefined ? `; Rank answered again ${f(over.recoveredAfterSeconds, 0)} s after the overload ended` : over.rankAfter ? '; **Rank still failing 60 s after the overload ended**' : ''}${echoLine}.`,
      );
    }
  }
  if (report.scaleOut?.ratio !== undefined) {
    const levels = report.scaleOut.levels;
    const b = report.scaleOut.bottleneck;
    lines.push(`- Scale-out: ${levels.map((level) => `${level.rankers} ranker${level.rankers > 1 ? 's' : ''} ${f(level.saturation, 0)} full answers/s (${f(level.okSaturation, 0)} counting degraded)`).join(', ')} → **${x(report.scaleOut.ratio, 2)}** (${x(report.scaleOut.okRatio, 2)} counting degraded)${b ? `; busiest process at one ranker's saturation: ${b.process} (${f(b.cpu, 2)} cores), machine ${f((b.machineCpu ?? NaN) * 100, 0)}% busy` : ''}.`);
  }
  if (report.tracing) {
    const t = report.tracing;
    lines.push(`- Tracing on (100% sampled, exported) ÷ off: throughput ${x(ratio(t.on.throughput, t.off.throughput))}, p50 ${x(ratio(t.on.latency.p50, t.off.latency.p50))}, p99 ${x(ratio(t.on.latency.p99, t.off.latency.p99))} (closed loop at ${t.concurrency}).`);
  }
  if (report.shadow) {
    const sh = report.shadow;
    const none = sh.phases.none;
    const part = (config: 'blend' | 'model', label: string) => {
      const phase = sh.phases[config];
      return phase ? `; ${label}: p99 **${x(medianPairedRatio(sh.p99ByRound[config] ?? [], sh.p99ByRound.none ?? []), 2)}**, p50 ${x(ratio(phase.latency.p50, none?.latency.p50), 2)} (${sh.slates[config]?.shadow ?? 0} shadow slates for ${sh.slates[config]?.served ?? 0} served)` : '';
    };
    lines.push(`- Shadow variant at 100% sampling (open loop ${f(sh.rate, 0)} calls/s, ${sh.rounds} alternating rounds; p99 as the median over rounds of the paired ratio to no shadow, goal ≤ ×1.10)${part('blend', 'a blend-only shadow')}${part('model', 'a co-purchase-model shadow')}.`);
  }
  if (report.soak) {
    const s = report.soak;
    lines.push(
      `- Soak ${f(s.seconds / 60, 1)} min at ${f(s.phase.offered, 0)} calls/s (p99 ${f(s.phase.latency.p99, 1)} ms, errors ${formatErrors(s.phase.errors)}): RSS first → last, Theil–Sen slope: ${s.perProcess.map((p) => `${p.name} ${f(p.firstMb, 0)} → ${f(p.lastMb, 0)} MB (${f(p.robustSlopeMbPerMin, 2)} MB/min)`).join(', ')}.`,
    );
  }
  return lines;
}

export function renderMarkdown(report: BenchReport, plotFile = 'latest.svg'): string {
  const out: string[] = [
    `# Bench ${report.startedAt}`,
    '',
    `\`${report.command}\` — ${report.machine.cpus} CPUs, Node ${report.machine.node}, load average at start ${report.machine.loadAverage.map((v) => v.toFixed(2)).join(' ')}; everything (services, echo server, load generators) on this machine, which other work may share. Latencies in ms; "vs echo" divides by the bare grpc-js echo server under the same load, measured just before. CPU in cores (CPU s ÷ wall s, from /proc/<pid>/stat), RSS in MB (/proc/<pid>/status) at the end of the phase.`,
    '',
    '## Summary',
    '',
    ...summaryLines(report),
    '',
  ];
  for (const store of report.stores) {
    out.push(`## Store: ${store.store}`, '', '### Closed loop', '', ...pairTable(store.closed), '', ...processTable(phasesOf(store.closed)), '');
    if (store.computed) {
      const computed = [...store.computed.closed, ...(store.computed.halfSaturation ? [store.computed.halfSaturation] : [])];
      out.push('### Every answer computed (RankOptions.fresh: no answer reused)', '', ...pairTable(computed), '', ...processTable(phasesOf(computed)), '');
    }
    const open = [...store.open, ...(store.halfSaturation ? [store.halfSaturation] : []), ...(store.overload ? [store.overload] : [])];
    if (open.length > 0) {
      out.push('### Open loop (latency from the scheduled send time)', '', ...pairTable(open), '', ...processTable(phasesOf(open)), '');
      if (store.overload) out.push(`After 2× saturation: ${Object.entries(store.overload.aliveAfter).map(([name, alive]) => `${name} ${alive ? 'alive' : 'GONE'}`).join(', ')}.`, '');
    }
    if (store.components.length > 0) out.push('### Components', '', ...pairTable(store.components), '', ...processTable(phasesOf(store.components)), '');
  }
  if (report.tracing) {
    const t = report.tracing;
    out.push(`## Tracing on vs off`, '', `Two stacks on the same store, one exporting every span over OTLP/HTTP (${t.spans.toLocaleString('en')} spans received), one with tracing off; closed loop at ${t.concurrency}, ${t.rounds} alternating round(s).`, '');
    out.push(...pairTable([{ subject: t.off }, { subject: t.on }]));
    out.push('', `on ÷ off: throughput ${x(ratio(t.on.throughput, t.off.throughput))}, p50 ${x(ratio(t.on.latency.p50, t.off.latency.p50))}, p99 ${x(ratio(t.on.latency.p99, t.off.latency.p99))}`, '', ...processTable([t.off, t.on]), '');
  }
  if (report.shadow) {
    const sh = report.shadow;
    out.push(
      '## Shadow variant cost',
      '',
      `The same open-loop load (${f(sh.rate, 0)} calls/s) on one stack whose ranker's experiments file is switched between an experiment without a shadow, one whose shadow only re-blends (no extra call), and one whose shadow scores with co-purchase version ${sh.copurchaseVersion ?? '(none registered: skipped)'} (its Candidates and Score calls again, and affinity for the pool that changes); every shadow sampled at 100%, ${sh.rounds} alternating round(s). Shadow slates counted in the store's slate log (a shadow skipped at AISLE_SHADOW_MAX_INFLIGHT logs none).`,
      '',
    );
    const configs = (['none', 'blend', 'model'] as const).filter((config) => sh.phases[config]);
    out.push(...pairTable(configs.map((config) => ({ subject: sh.phases[config]! }))), '');
    out.push(
      ...table(
        ['shadow', 'p99 per round, ms', 'p99 vs none (median of paired rounds)', 'served slates', 'shadow slates'],
        ['---', '---', '---:', '---:', '---:'],
        configs.map((config) => [config, (sh.p99ByRound[config] ?? []).map((value) => f(value, 1)).join(', '), x(medianPairedRatio(sh.p99ByRound[config] ?? [], sh.p99ByRound.none ?? []), 2), String(sh.slates[config]?.served ?? 0), String(sh.slates[config]?.shadow ?? 0)]),
      ),
      '',
    );
  }
  if (report.scaleOut) {
    out.push('## Scale-out: rankers on the same downstreams', '', 'Closed loop; two load processes, each driving its own ranker when there are two.', '');
    const phases = report.scaleOut.levels.flatMap((level) => level.phases);
    out.push(...pairTable(phases.map((subject) => ({ subject }))), '', ...processTable(phases), '');
  }
  if (report.soak) {
    const s = report.soak;
    out.push(`## Soak: ${f(s.seconds, 0)} s`, '', ...pairTable([{ subject: s.phase }]), '');
    out.push(
      `RSS of every service every 10 s; slopes in MB/min: least squares, and Theil–Sen (the median of pairwise slopes, which one garbage-collection spike does not tilt).`,
      '',
      ...table(
        ['process', 'first RSS MB', 'min', 'max', 'last RSS MB', 'least-squares slope', 'Theil–Sen slope'],
        ['---', '---:', '---:', '---:', '---:', '---:', '---:'],
        s.perProcess.map((p) => {
          const values = s.samples.map((sample) => sample.rssMb[p.name]).filter((v): v is number => v !== undefined);
          return [p.name, f(p.firstMb, 1), f(Math.min(...values), 1), f(Math.max(...values), 1), f(p.lastMb, 1), f(p.slopeMbPerMin, 2), f(p.robustSlopeMbPerMin, 2)];
        }),
      ),
      '',
    );
  }
  if (report.notes.length > 0) out.push('## Notes', '', ...report.notes.map((note) => `- ${note}`), '');
  out.push(`![Latency percentiles vs load, Rank vs echo](${plotFile})`, '');
  return out.join('\n');
}
