// Prints the OR-temporal-v1 baseline table for the shipped data:
//   npx tsx libs/retail-data/src/bin/baselines.ts [--cut 2011-11-09] [--k 10] [--file path.csv.gz]
// Every number printed is measured by this run; timings are wall-clock in this process.
import { parseArgs } from 'node:util';
import { evaluate, type Evaluation } from '../evaluate';
import { DEFAULT_DATASET_PATH } from '../dataset-path';
import { formatInvoiceDate } from '../invoice-date';
import { loadRetailLines } from '../read';
import type { Recommender } from '../recommender';
import { DEFAULT_CUT, temporalSplit } from '../split';
import { itemKnn } from '../baselines/item-knn';
import { popular, recentPopular } from '../baselines/popular';
import { repeat } from '../baselines/repeat';

interface Row {
  readonly name: string;
  readonly result: Evaluation;
  readonly seconds: number;
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cut: { type: 'string', default: DEFAULT_CUT },
      k: { type: 'string', default: '10' },
      file: { type: 'string', default: DEFAULT_DATASET_PATH },
    },
    strict: true,
  });
  const k = Number(values.k);
  const started = performance.now();

  let t = performance.now();
  const lines = await loadRetailLines(values.file);
  const loadSeconds = seconds(t);
  t = performance.now();
  const split = temporalSplit(lines, { cut: values.cut });
  const splitSeconds = seconds(t);

  // Each baseline is built from train only; its time covers building and evaluating both views.
  const builders: readonly [string, () => Recommender][] = [
    ['popular (customers)', () => popular(split.train)],
    ['popular (invoices)', () => popular(split.train, { by: 'invoices' })],
    ['recent-popular (30 d)', () => recentPopular(split.train, { cut: split.cut, days: 30 })],
    ['repeat', () => repeat(split.train)],
    ['item-kNN (cosine)', () => itemKnn(split.train)],
  ];
  const rows: Row[] = [];
  for (const [name, build] of builders) {
    const t0 = performance.now();
    const result = await evaluate(build(), split, { k });
    rows.push({ name, result, seconds: seconds(t0) });
  }

  const f = (x: number): string => x.toFixed(4);
  const out: string[] = [];
  out.push(`OR-temporal-v1, cut ${formatInvoiceDate(split.cut)} (file clock), K=${k}`);
  out.push(
    `${lines.length} lines loaded in ${loadSeconds.toFixed(2)} s; split in ${splitSeconds.toFixed(2)} s: ` +
      `${split.train.length} train lines, ${split.test.length} test lines, ` +
      `${split.all.users.length} test users (all), ${split.new.users.length} (new)`,
  );
  out.push('');
  out.push(`| baseline | view | HR@${k} | Recall@${k} | NDCG@${k} | users | time (s) |`);
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    for (const view of ['all', 'new'] as const) {
      const m = row.result[view];
      const time = view === 'all' ? row.seconds.toFixed(2) : '';
      out.push(`| ${row.name} | ${view} | ${f(m.hr)} | ${f(m.recall)} | ${f(m.ndcg)} | ${m.users} | ${time} |`);
    }
  }
  out.push('');
  out.push(`total time ${seconds(started).toFixed(2)} s (load + split + all baselines)`);
  console.log(out.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exitCode = 1;
});
