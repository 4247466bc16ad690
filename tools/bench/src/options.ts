// The bench's command line.
import { parseArgs } from 'node:util';

export type StoreChoice = 'sqlite' | 'cassandra';

export interface BenchOptions {
  stores: StoreChoice[];
  seconds: number;
  concurrency: number[];
  rates: number[];
  soakSeconds: number;
  rankers: number[];
  quick: boolean;
  componentConcurrency: number;
  componentSeconds: number;
  deadlineMs: number;
  tracingRounds: number;
  tracingConcurrency: number;
  /** Alternating echo/Rank rounds of each half-saturation phase, their latencies pooled. */
  halfRounds: number;
  /** Rounds of the shadow-cost comparison (0 = skip it). */
  shadowRounds: number;
  /** Open-loop rate of the shadow-cost comparison; default half of Rank's saturation. */
  shadowRate?: number;
  /** Measure only the shadow cost (at --shadow-rate, default 80/s), nothing else. */
  shadowOnly: boolean;
  outDir?: string;
  /** Re-render this written JSON report's Markdown and SVG instead of measuring. */
  render?: string;
}

const list = (text: string, name: string) => {
  const values = text.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`--${name} must be a comma-separated list of positive numbers, got "${text}"`);
  return values;
};

const positive = (text: string, name: string, allowZero = false) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw new Error(`--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got "${text}"`);
  return value;
};

export const USAGE = `npm run bench -- [--store sqlite|cassandra|both] [--seconds N] [--concurrency 1,4,16,64] [--rates 25,50,100] [--soak SECONDS] [--rankers 1,2] [--quick]
  [--component-concurrency 4] [--component-seconds N] [--deadline-ms 1000] [--tracing-rounds N] [--tracing-concurrency 8] [--half-rounds 3]
  [--shadow-rounds N] [--shadow-rate CALLS_PER_S] [--shadow-only] [--out DIR]
  npm run bench -- --render tools/bench/results/<stamp>.json   (Markdown and SVG again from a written report)`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      store: { type: 'string', default: 'sqlite' },
      seconds: { type: 'string' },
      concurrency: { type: 'string', default: '1,4,16,64' },
      rates: { type: 'string', default: '25,50,100' },
      soak: { type: 'string', default: '0' },
      rankers: { type: 'string', default: '1,2' },
      quick: { type: 'boolean', default: false },
      'component-concurrency': { type: 'string', default: '4' },
      'component-seconds': { type: 'string' },
      'deadline-ms': { type: 'string', default: '1000' },
      'tracing-rounds': { type: 'string' },
      'tracing-concurrency': { type: 'string', default: '8' },
      'half-rounds': { type: 'string', default: '3' },
      'shadow-rounds': { type: 'string' },
      'shadow-rate': { type: 'string' },
      'shadow-only': { type: 'boolean', default: false },
      out: { type: 'string' },
      render: { type: 'string' },
    },
    strict: true,
  });
  const storeNames: Record<string, StoreChoice[]> = { sqlite: ['sqlite'], cassandra: ['cassandra'], both: ['sqlite', 'cassandra'] };
  const stores = storeNames[values.store];
  if (!stores) throw new Error(`--store must be sqlite, cassandra or both, got "${values.store}"`);
  const quick = values.quick;
  const seconds = positive(values.seconds ?? (quick ? '5' : '10'), 'seconds');
  const rankers = [...new Set(list(values.rankers, 'rankers').map(Math.round))].sort((a, b) => a - b);
  return {
    stores,
    seconds,
    concurrency: list(values.concurrency, 'concurrency').map(Math.round),
    rates: list(values.rates, 'rates'),
    soakSeconds: positive(values.soak, 'soak', true),
    rankers,
    quick,
    componentConcurrency: Math.round(positive(values['component-concurrency'], 'component-concurrency')),
    componentSeconds: positive(values['component-seconds'] ?? (quick ? '2' : String(seconds)), 'component-seconds'),
    deadlineMs: positive(values['deadline-ms'], 'deadline-ms'),
    tracingRounds: Math.round(positive(values['tracing-rounds'] ?? (quick ? '1' : '2'), 'tracing-rounds', true)),
    tracingConcurrency: Math.round(positive(values['tracing-concurrency'], 'tracing-concurrency')),
    halfRounds: Math.max(1, Math.round(positive(values['half-rounds'], 'half-rounds'))),
    shadowRounds: Math.round(positive(values['shadow-rounds'] ?? (quick ? '1' : '2'), 'shadow-rounds', true)),
    shadowRate: values['shadow-rate'] === undefined ? undefined : positive(values['shadow-rate'], 'shadow-rate'),
    shadowOnly: values['shadow-only'],
    outDir: values.out,
    render: values.render,
  };
}

/** Splits `total` callers over `n` load processes as evenly as possible (no empty share). */
export function splitConcurrency(total: number, n: number): number[] {
  const shares = Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
  return shares.filter((share) => share > 0);
}
