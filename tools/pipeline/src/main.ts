// The training pipeline's command line:
//   pipeline run [--dir .data/pipeline] [--cut auto|YYYY-MM-DD] [--test-days 30] [--validation-days 30] [--epochs 2]
//                [--copurchase-args='--dim 64'] [--affinity-args='--rounds 60'] [--seed 42] [--hr-tolerance 0.01] [--jobs 2] [--concurrency 4] [--max-per-family 2]
//                [--no-promote] [--dry-run] [--promoted-by who]
//   pipeline registry list <model> [--limit 20]
//   pipeline registry show <model> [version]           (default: the production version)
//   pipeline registry diff <model> <version a> [version b]
//   pipeline registry promote <model> <version> [--by who]
//   pipeline registry rollback <model> [--by who]
//   pipeline replay [--from ISO] [--to ISO] [--horizon 7d] [--experiment NAME] [--k 10] [--resamples 1000] [--seed 42] [--json]
// `run` and `replay` read (`run` also writes) the store named by AISLE_STORE & co (as the train commands do); `registry`
// talks to the feature service's ModelRegistryService at --address (default AISLE_FEATURES_ADDRESS or
// 127.0.0.1:50052), or to that store directly with --direct. Both work on SQLite and Cassandra.
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadStoreConfig, openStore } from '@aisle/feature-store';
import { DEFAULT_PIPELINE_DIR } from './paths';
import { DEFAULT_RUN_OPTIONS, runPipeline, type RunOptions } from './pipeline';
import { grpcRegistry, storeRegistry } from './registry-access';
import { registryCommand, UsageError } from './registry-cli';
import { replayCommand } from './replay';

function number<F extends number | undefined>(name: string, text: string | undefined, fallback: F, check: (x: number) => boolean = (x) => x > 0): number | F {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !check(value)) throw new UsageError(`--${name}: "${text}" is not a valid value`);
  return value;
}

const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean);

export function parseRunOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      cut: { type: 'string' },
      'test-days': { type: 'string' },
      'validation-days': { type: 'string' },
      epochs: { type: 'string' },
      'copurchase-args': { type: 'string' },
      'affinity-args': { type: 'string' },
      seed: { type: 'string' },
      'hr-tolerance': { type: 'string' },
      jobs: { type: 'string' },
      concurrency: { type: 'string' },
      'max-per-family': { type: 'string' },
      'no-promote': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'promoted-by': { type: 'string' },
    },
    strict: true,
  });
  const d = DEFAULT_RUN_OPTIONS;
  const whole = (x: number) => Number.isInteger(x) && x > 0;
  return {
    dir: resolve(values.dir ?? DEFAULT_PIPELINE_DIR),
    cut: values.cut ?? d.cut,
    testDays: number('test-days', values['test-days'], d.testDays, whole),
    validationDays: number('validation-days', values['validation-days'], d.validationDays, whole),
    epochs: number('epochs', values.epochs, d.epochs, whole),
    trainerArgs: { copurchase: words(values['copurchase-args']), affinity: words(values['affinity-args']) },
    seed: number('seed', values.seed, d.seed, Number.isInteger),
    hrTolerance: number('hr-tolerance', values['hr-tolerance'], d.hrTolerance, (x) => x >= 0 && x <= 1),
    jobs: number('jobs', values.jobs, d.jobs, whole),
    concurrency: number('concurrency', values.concurrency, d.concurrency, whole),
    maxPerFamily: number('max-per-family', values['max-per-family'], d.maxPerFamily, whole),
    register: !values['dry-run'],
    promote: !values['dry-run'] && !values['no-promote'],
    promotedBy: values['promoted-by'] ?? '',
  };
}

async function run(argv: string[]): Promise<void> {
  const options = parseRunOptions(argv);
  const store = openStore(loadStoreConfig());
  try {
    const outcome = await runPipeline(store, options);
    if (!outcome.noop) console.log(`\nreport: ${outcome.runDir}/report.md (and report.html)`);
  } finally {
    await store.close();
  }
}

async function registry(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { address: { type: 'string' }, direct: { type: 'boolean', default: false }, by: { type: 'string' }, limit: { type: 'string' } },
    strict: true,
  });
  const access = values.direct ? storeRegistry(openStore(loadStoreConfig())) : grpcRegistry(values.address ?? process.env.AISLE_FEATURES_ADDRESS ?? '127.0.0.1:50052');
  try {
    process.stdout.write(await registryCommand(access, positionals, { by: values.by ?? `${userInfo().username} (registry cli)`, limit: number('limit', values.limit, 20, (x) => Number.isInteger(x) && x > 0 && x <= 500) }));
  } finally {
    await access.close();
  }
}

async function replay(argv: string[]): Promise<void> {
  const store = openStore(loadStoreConfig());
  try {
    process.stdout.write(await replayCommand(store, argv));
  } finally {
    await store.close();
  }
}

/** parseArgs' own errors (unknown option, missing value) are usage errors too. */
async function usage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError((error as Error).message);
    throw error;
  }
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'run') return usage(() => run(rest));
  if (command === 'registry') return usage(() => registry(rest));
  if (command === 'replay') return usage(() => replay(rest));
  throw new UsageError('usage: pipeline run [options] | pipeline registry list|show|diff|promote|rollback <model> ... | pipeline replay [--from ISO] [--to ISO] [--horizon 7d] [--experiment NAME] [--json]');
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof UsageError ? error.message : error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  });
}
