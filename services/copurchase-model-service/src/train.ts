// Trains the copurchase model on the shipped dataset's train window, evaluates it on OR-temporal-v1
// beside item-kNN, and writes the artifact:
//   npx tsx services/copurchase-model-service/src/train.ts [--out copurchase.aisle] [--register [--promote]] [--cut 2011-11-09] [--seed 42] [--epochs N]
//     [--register [--promote]]   register the version in the feature store (AISLE_STORE, ...) and optionally promote it
//     [--file lines.csv.gz]      the lines to learn from, in the shipped dataset's format (default: the shipped dataset)
//     [--info-out info.json]     also write the version's registry metadata (aisle.common.v1.ModelInfo as JSON)
// Every figure printed is measured by this run.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_CUT, DEFAULT_DATASET_PATH, evaluate, formatInvoiceDate, invoiceBaskets, itemKnn, loadRetailLines, temporalSplit, type Evaluation } from '@aisle/retail-data';
import { registerArtifact } from './adapters/store-registry';
import { useTfBackend } from './adapters/tf-backend';
import { DEFAULT_PARAMS, type TrainingParams } from './domain/params';
import { DEFAULT_SEED_POLICY, evaluateCopurchase, metricsOf } from './evaluation';
import { trainCopurchaseModel } from './train-model';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} must be a number, got "${value}"`);
  return parsed;
}

function table(rows: readonly [string, Evaluation][]): string {
  const f = (x: number) => x.toFixed(4);
  const out = ['| model | view | HR@10 | Recall@10 | NDCG@10 | users |', '| --- | --- | ---: | ---: | ---: | ---: |'];
  for (const [name, result] of rows) {
    for (const view of ['all', 'new'] as const) out.push(`| ${name} | ${view} | ${f(result[view].hr)} | ${f(result[view].recall)} | ${f(result[view].ndcg)} | ${result[view].users} |`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      file: { type: 'string', default: DEFAULT_DATASET_PATH },
      'info-out': { type: 'string' },
      cut: { type: 'string', default: DEFAULT_CUT },
      seed: { type: 'string' },
      epochs: { type: 'string' },
      dim: { type: 'string' },
      negatives: { type: 'string' },
      power: { type: 'string' },
      'min-count': { type: 'string' },
      context: { type: 'string' },
      subsample: { type: 'string' },
      lr: { type: 'string' },
      batch: { type: 'string' },
      output: { type: 'string' },
      'half-life': { type: 'string' },
      anonymous: { type: 'boolean', default: false },
      'skip-baseline': { type: 'boolean', default: false },
      register: { type: 'boolean', default: false },
      promote: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.out && !values.register) throw new Error('--out <file> or --register is required');
  const params: Partial<TrainingParams> = Object.fromEntries(
    Object.entries({
      seed: numberOption(values.seed, 'seed'),
      epochs: numberOption(values.epochs, 'epochs'),
      dim: numberOption(values.dim, 'dim'),
      negatives: numberOption(values.negatives, 'negatives'),
      negativePower: numberOption(values.power, 'power'),
      minCount: numberOption(values['min-count'], 'min-count'),
      contextSize: numberOption(values.context, 'context'),
      subsample: numberOption(values.subsample, 'subsample'),
      learningRate: numberOption(values.lr, 'lr'),
      batchSize: numberOption(values.batch, 'batch'),
      output: values.output as TrainingParams['output'] | undefined,
    }).filter(([, value]) => value !== undefined),
  );
  const policy = { ...DEFAULT_SEED_POLICY, halfLifeDays: numberOption(values['half-life'], 'half-life') ?? DEFAULT_SEED_POLICY.halfLifeDays };

  const backend = await useTfBackend();
  const lines = await loadRetailLines(values.file);
  const split = temporalSplit(lines, { cut: values.cut });
  // Train window only. --anonymous adds invoices without a customer id: not protocol-clean lines, but
  // valid evidence of what is bought together (they never enter the evaluation).
  const trainLines = values.anonymous ? lines.filter((line) => line.invoiceDate < split.cut) : split.train;
  const baskets = invoiceBaskets(trainLines, { anonymous: values.anonymous });
  const startUnixMs = trainLines.reduce((min, line) => Math.min(min, line.invoiceDate), Number.POSITIVE_INFINITY);
  console.log(`backend ${backend}; ${baskets.length} train baskets before ${formatInvoiceDate(split.cut)}; params ${JSON.stringify({ ...DEFAULT_PARAMS, ...params })}`);

  let evaluation: Evaluation | undefined;
  const trained = await trainCopurchaseModel(baskets, params, {
    window: { startUnixMs, endUnixMs: split.cut },
    onEpoch: (e) => console.log(`epoch ${e.epoch}: ${e.pairs} pairs, mean loss ${e.meanLoss.toFixed(4)}, ${e.seconds.toFixed(1)} s`),
    evaluate: async (index) => {
      evaluation = await evaluateCopurchase(index, split, policy);
      return metricsOf(evaluation);
    },
  });
  console.log(`training time: ${trained.trainingSeconds.toFixed(1)} s (${trained.index.size} products, dim ${trained.index.dim}, backend ${backend})`);
  if (values.out) {
    writeFileSync(values.out, trained.artifactBytes);
    console.log(`wrote ${values.out}: ${trained.artifactBytes.length} bytes, sha256 ${trained.info.checksum}`);
  }
  if (values['info-out']) writeFileSync(values['info-out'], JSON.stringify(trained.info, null, 2) + '\n');

  if (values.register) {
    const registered = await registerArtifact(trained.artifactBytes, { promote: values.promote, promotedBy: 'copurchase-train-cli' });
    console.log(`registered copurchase@${registered.version}${values.promote ? ` and promoted it (previous: ${registered.previousProduction || 'none'})` : ' as candidate'}`);
  }

  const rows: [string, Evaluation][] = [[`copurchase (half-life ${policy.halfLifeDays} d)`, evaluation!]];
  if (!values['skip-baseline']) rows.push(['item-kNN (cosine)', await evaluate(itemKnn(split.train), split, { k: 10 })]);
  console.log(`\nOR-temporal-v1, cut ${formatInvoiceDate(split.cut)}, K=10\n${table(rows)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
