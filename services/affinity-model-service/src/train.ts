// Trains the affinity model on the shipped dataset, prints the OR-temporal-v1 figures and the training
// time, and writes the artifact:
//   npx tsx --tsconfig services/affinity-model-service/tsconfig.json services/affinity-model-service/src/train.ts \
//     [--out affinity.model] [--register [--promote]] [--cut 2011-11-09] [--seed 42] [--export-examples examples.csv]
//     [--file lines.csv.gz] [--info-out info.json]
// --file: the lines to learn from, in the shipped dataset's format; --info-out: also write the version's
// registry metadata (aisle.common.v1.ModelInfo as JSON).
// --register stores the version in the model registry of the store named by AISLE_STORE & co.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { publishModelVersion } from '@aisle/feature-store';
import { DEFAULT_DATASET_PATH, formatInvoiceDate, loadRetailLines, type Evaluation } from '@aisle/retail-data';
import { trainingSetCsv } from './training/external-model';
import { DEFAULT_TRAIN_PARAMS, trainAffinityModel } from './training/train-affinity';

export { DEFAULT_TRAIN_PARAMS, trainAffinityModel } from './training/train-affinity';
export type { AffinityTrainParams, TrainResult } from './training/train-affinity';

function row(name: string, e: Evaluation): string {
  const f = (x: number) => x.toFixed(4);
  return `| ${name.padEnd(22)} | ${f(e.all.hr)} | ${f(e.all.recall)} | ${f(e.all.ndcg)} | ${f(e.new.hr)} | ${f(e.new.recall)} | ${f(e.new.ndcg)} |`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      cut: { type: 'string', default: DEFAULT_TRAIN_PARAMS.cut },
      seed: { type: 'string', default: String(DEFAULT_TRAIN_PARAMS.seed) },
      rounds: { type: 'string', default: String(DEFAULT_TRAIN_PARAMS.rounds) },
      windows: { type: 'string', default: String(DEFAULT_TRAIN_PARAMS.windows) },
      negatives: { type: 'string', default: String(DEFAULT_TRAIN_PARAMS.negativesPerUser) },
      file: { type: 'string', default: DEFAULT_DATASET_PATH },
      'export-examples': { type: 'string' },
      'info-out': { type: 'string' },
      ablate: { type: 'string', default: '' },
      register: { type: 'boolean', default: false },
      promote: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.out && !values.register) throw new Error('--out <file> or --register is required');
  const started = performance.now();
  const lines = await loadRetailLines(values.file);
  const loadSeconds = (performance.now() - started) / 1000;
  const result = await trainAffinityModel(lines, {
    cut: values.cut,
    seed: Number(values.seed),
    rounds: Number(values.rounds),
    windows: Number(values.windows),
    negativesPerUser: Number(values.negatives),
    ablate: values.ablate ? values.ablate.split(',') : [],
  });
  if (values.out) writeFileSync(values.out, result.artifactBytes);
  if (values['info-out']) writeFileSync(values['info-out'], JSON.stringify(result.registryInfo, null, 2) + '\n');
  if (values['export-examples']) writeFileSync(values['export-examples'], trainingSetCsv(result.trainingSet));
  const total = (performance.now() - started) / 1000;
  const { info, trainingSet } = result;
  console.log(`version ${info.version}  checksum ${result.checksum}  ${result.artifactBytes.length} bytes → ${values.out ?? 'registry'}`);
  console.log(`data window ${formatInvoiceDate(info.trainStartUnixMs)} … ${formatInvoiceDate(info.trainEndUnixMs)} (exclusive)`);
  for (const w of trainingSet.windows) console.log(`  window features < ${formatInvoiceDate(w.featureEndMs)}, label < ${formatInvoiceDate(w.labelEndMs)}: ${w.users} users, ${w.rows} rows`);
  console.log(`training rows ${trainingSet.rows} (${trainingSet.positives} positives, ${trainingSet.users} user-windows)`);
  console.log(`seconds: load ${loadSeconds.toFixed(1)}, ${Object.entries(result.timings).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}, total ${total.toFixed(1)}`);
  console.log('importance (share of split gain):');
  for (const [name, share] of Object.entries(info.importance).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(30)} ${share.toFixed(4)}`);
  if (values.register) {
    const published = await publishModelVersion(result.registryInfo, result.artifactBytes, { promote: values.promote, promotedBy: 'affinity train' });
    console.log(`registered affinity ${published.info.version} (stage ${published.info.stage}; previous production: ${published.previousVersion || 'none'})`);
  }
  if (result.evaluation) {
    console.log(`\nOR-temporal-v1 @10, cut ${values.cut}`);
    console.log('| ranking                | all HR | all Rec | all NDCG | new HR | new Rec | new NDCG |');
    console.log('|---|---|---|---|---|---|---|');
    console.log(row('affinity (this model)', result.evaluation.affinity));
    console.log(row('repeat', result.evaluation.repeat));
    console.log(row('recent-popular (30 d)', result.evaluation.recentPopular));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
