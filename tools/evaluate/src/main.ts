// OR-temporal-v1 for the whole ranker, beside every baseline, both views, with the blend learned on a
// validation window and nothing after the cut ever reaching a service:
//   npx tsx --tsconfig tools/evaluate/tsconfig.json tools/evaluate/src/main.ts \
//     [--cut 2011-11-09] [--validation-days 30] [--epochs 2] [--concurrency 4] [--out report.md] [--blend-out blend.json]
//     [--max-per-family 2] [--dump-validation candidates.json] [--keep-store]
//
// 1. Validation: a temp SQLite store gets, through Ingest, only the clean lines before v = cut − days;
//    both models are trained with --cut v; the ranker ranks k=100 for the users who bought before v
//    and in [v, cut), both views, twice: every blend weight 1 (each item's breakdown is its raw
//    signals), then DEFAULT_BLEND (signals = parts / weights); on the union of the two pages the
//    ranker's fitBlend learns one set of weights maximising the mean of the two views' NDCG@10.
// 2. Test: the same store gets the clean lines in [v, cut) (so it holds exactly the lines before the
//    cut), both models are retrained with --cut cut, and the ranker with the fitted blend, then with
//    the built-in DEFAULT_BLEND, is evaluated by retail-data's evaluate() over the protocol's users.
// Requires the services to be built (npx nx run-many -t build). Every number printed is measured here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  cutToMs,
  DAY_MS,
  DEFAULT_CUT,
  evaluate,
  formatInvoiceDate,
  isCleanLine,
  itemKnn,
  loadRetailLines,
  mapLimit,
  popular,
  recentPopular,
  repeat,
  temporalSplit,
  type Evaluation,
  type RetailLine,
  type TemporalSplit,
} from '@aisle/retail-data';
import { BLEND_PARTS, BlendProblem, DEFAULT_BLEND, fitBlend, type BlendPart, type BlendWeights, type FitCandidate, type FitList, type FitResult } from '@aisle/ranking';
import { newTally, percentile, RankerCaller, type RankTally } from './ranking';
import { ingest, lineIds, RANKER_BUDGETS, Services } from './services';

const K = 10;
const VALIDATION_K = 100;

interface Row {
  name: string;
  result: Evaluation;
  seconds: number;
  tally?: RankTally;
}

function parse() {
  const { values } = parseArgs({
    options: {
      cut: { type: 'string', default: DEFAULT_CUT },
      'validation-days': { type: 'string', default: '30' },
      epochs: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '4' },
      out: { type: 'string', default: 'evaluate-report.md' },
      'blend-out': { type: 'string' },
      'keep-store': { type: 'boolean', default: false },
      'dump-validation': { type: 'string' },
      'max-per-family': { type: 'string', default: '2' },
    },
    strict: true,
  });
  const positive = (name: string, text: string) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got "${text}"`);
    return value;
  };
  const out = resolve(values.out);
  return {
    cut: values.cut,
    validationDays: positive('validation-days', values['validation-days']),
    epochs: positive('epochs', values.epochs),
    concurrency: positive('concurrency', values.concurrency),
    out,
    blendOut: resolve(values['blend-out'] ?? out.replace(/\.md$/, '') + '.blend.json'),
    keepStore: values['keep-store'],
    maxPerFamily: positive('max-per-family', values['max-per-family']),
    dumpValidation: values['dump-validation'] ? resolve(values['dump-validation']) : undefined,
  };
}

/** A cut as the train CLIs take it: the date alone when it is midnight. */
function cutArg(ms: number): string {
  const text = formatInvoiceDate(ms);
  return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
}

/** Country of each customer's latest line in `train` (file order is chronological). */
function countries(train: readonly RetailLine[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of train) if (line.customerId) out.set(line.customerId, line.country);
  return out;
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const f4 = (x: number) => x.toFixed(4);

async function main(): Promise<void> {
  const args = parse();
  const timings: [string, number][] = [];
  const phase = async <T>(name: string, work: () => T | Promise<T>): Promise<T> => {
    const started = performance.now();
    console.log(`\n== ${name} ...`);
    const result = await work();
    const s = seconds(started);
    timings.push([name, s]);
    console.log(`== ${name}: ${s.toFixed(1)} s`);
    return result;
  };
  const totalStarted = performance.now();

  // ---- data and splits (in this process: only the evaluator sees what happens after a cut) ----
  const { lines, ids, test, validation, cutMs, validationCutMs } = await phase('load + split', async () => {
    const lines = await loadRetailLines();
    const cutMs = cutToMs(args.cut);
    const validationCutMs = cutMs - args.validationDays * DAY_MS;
    const test = temporalSplit(lines, { cut: cutMs });
    const validation = temporalSplit(
      lines.filter((line) => line.invoiceDate < cutMs),
      { cut: validationCutMs },
    );
    return { lines, ids: lineIds(lines), test, validation, cutMs, validationCutMs };
  });
  const describe = (name: string, split: TemporalSplit) =>
    `${name}: cut ${formatInvoiceDate(split.cut)}, ${split.train.length} train lines, ${split.all.users.length} users (all), ${split.new.users.length} (new)`;
  console.log(describe('validation', validation));
  console.log(describe('test', test));

  // ---- baselines on the test split ----
  const rows: Row[] = [];
  const baselines: [string, () => ReturnType<typeof popular>][] = [
    ['popular (customers)', () => popular(test.train)],
    ['recent-popular (30 d)', () => recentPopular(test.train, { cut: cutMs, days: 30 })],
    ['repeat', () => repeat(test.train)],
    ['item-kNN (cosine)', () => itemKnn(test.train)],
  ];
  const baselineRows: Row[] = [];
  await phase('baselines', async () => {
    for (const [name, build] of baselines) {
      const started = performance.now();
      const result = await evaluate(build(), test, { k: K });
      baselineRows.push({ name, result, seconds: seconds(started) });
      console.log(`  ${name}: NDCG@10 all ${f4(result.all.ndcg)} new ${f4(result.new.ndcg)}`);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'aisle-evaluate-'));
  const services = new Services({ AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dir, 'aisle.db') }, { AISLE_RANK_MAX_PER_FAMILY: String(args.maxPerFamily) });
  const onSignal = () => void services.stopAll().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const trainArgs = (model: 'copurchase' | 'affinity', cut: number) =>
    model === 'copurchase' ? ['--cut', cutArg(cut), '--epochs', String(args.epochs), '--skip-baseline'] : ['--cut', cutArg(cut)];

  let fitted: FitResult;
  let fittedFile: string;
  const ingested = { lines: 0 };
  const trainSeconds: Record<string, number> = {};
  const validationTally = newTally();
  try {
    const featuresAddress = await services.startFeatures();

    // ---- 1. validation stack ----
    await phase('validation: ingest lines before the validation cut', async () => {
      const tally = await ingest(featuresAddress, lines, ids, (line) => isCleanLine(line) && line.invoiceDate < validationCutMs);
      ingested.lines += tally.applied;
      console.log(`  ${JSON.stringify(tally)}`);
      console.log(`  popularity refreshed over ${await services.waitForPopularity(ingested.lines)} lines`);
    });
    await phase('validation: train copurchase', () => (trainSeconds['validation copurchase'] = services.train('copurchase', trainArgs('copurchase', validationCutMs))));
    await phase('validation: train affinity', () => (trainSeconds['validation affinity'] = services.train('affinity', trainArgs('affinity', validationCutMs))));
    // Two passes over the validation users, each k=100: every weight 1 (the breakdown is the raw
    // signals), then DEFAULT_BLEND (every weight > 0, so signal = part / weight). The union of the two
    // pages is what the fit re-ranks: fewer good candidates lost to one weighting's top-100 cut.
    const passes: [string, BlendWeights][] = [
      ['all-ones', { copurchase: 1, affinity: 1, popularity: 1, repeat: 1, context: 1 }],
      ['default', DEFAULT_BLEND],
    ];
    const views = await phase(`validation: rank k=${VALIDATION_K}, ${passes.length} passes (${passes.map(([name]) => name).join(', ')})`, async () => {
      await services.startModels();
      const NONE = new Set<string>();
      const all = new Map<string, Map<string, FitCandidate>>();
      const fresh = new Map<string, Map<string, FitCandidate>>();
      const collect = (into: Map<string, Map<string, FitCandidate>>, user: string, response: Awaited<ReturnType<RankerCaller['rank']>>, weights: BlendWeights) => {
        let candidates = into.get(user);
        if (!candidates) into.set(user, (candidates = new Map()));
        for (const item of response.items) {
          if (candidates.has(item.productId)) continue;
          const b = item.breakdown!;
          const signals = Object.fromEntries(BLEND_PARTS.map((part) => [part, Math.min(1, Math.max(0, b[part] / weights[part]))])) as Record<BlendPart, number>;
          candidates.set(item.productId, { productId: item.productId, signals });
        }
      };
      try {
        for (const [name, weights] of passes) {
          const file = join(dir, `blend-${name}.json`);
          writeFileSync(file, JSON.stringify({ version: name, weights }));
          const caller = new RankerCaller(await services.startRanker(file), { countries: countries(validation.train), timeUnixMs: validationCutMs }, validationTally);
          try {
            await mapLimit(validation.all.users, args.concurrency, async (user) => collect(all, user, await caller.rank(user, VALIDATION_K, NONE), weights));
            await mapLimit(validation.new.users, args.concurrency, async (user) => collect(fresh, user, await caller.rank(user, VALIDATION_K, validation.trainItems.get(user)!), weights));
          } finally {
            caller.close();
            await services.stopRanker();
          }
        }
      } finally {
        await services.stopModels();
      }
      const sizes = [...all.values(), ...fresh.values()].map((candidates) => candidates.size);
      console.log(`  candidates per list after the union: mean ${(sizes.reduce((a, b) => a + b, 0) / sizes.length).toFixed(1)}`);
      return [
        { name: 'all', lists: validation.all.users.map((user): FitList => ({ candidates: [...(all.get(user)?.values() ?? [])], truth: validation.all.truth.get(user)! })) },
        { name: 'new', lists: validation.new.users.map((user): FitList => ({ candidates: [...(fresh.get(user)?.values() ?? [])], truth: validation.new.truth.get(user)!, exclude: validation.trainItems.get(user)! })) },
      ];
    });
    if (args.dumpValidation) {
      const plain = views.map((view) => ({ ...view, lists: view.lists.map((list) => ({ ...list, truth: [...list.truth], exclude: list.exclude ? [...list.exclude] : undefined })) }));
      writeFileSync(args.dumpValidation, JSON.stringify(plain));
      console.log(`  wrote the validation candidates to ${args.dumpValidation}`);
    }
    fitted = await phase('fit blend', () => fitBlend(views, { k: K, maxPerFamily: args.maxPerFamily, seed: 1 }));
    console.log(`  fitted ${JSON.stringify(fitted.weights)}: objective ${f4(fitted.objective)} (uniform ${f4(fitted.uniformObjective)}), ${JSON.stringify(fitted.perView)}, ${fitted.evaluations} evaluations`);
    const defaultOnValidation = new BlendProblem(views, { k: K, maxPerFamily: args.maxPerFamily }).evaluate(DEFAULT_BLEND);
    console.log(`  DEFAULT_BLEND on the same validation candidates: objective ${f4(defaultOnValidation.objective)}, ${JSON.stringify(defaultOnValidation.perView)}`);
    const blend = {
      version: `blend-fit-${cutArg(validationCutMs)}-${cutArg(cutMs)}`,
      weights: fitted.weights,
      fit: {
        validationWindow: [formatInvoiceDate(validationCutMs), formatInvoiceDate(cutMs)],
        objective: 'mean of the all and new views’ NDCG@10, re-ranking the union of the ranker’s k=100 pages under every weight 1 and under DEFAULT_BLEND',
        validationNdcg: fitted.perView,
        uniformObjective: fitted.uniformObjective,
        defaultBlendNdcg: defaultOnValidation.perView,
      },
    };
    mkdirSync(dirname(args.blendOut), { recursive: true });
    writeFileSync(args.blendOut, JSON.stringify(blend, null, 2) + '\n');
    fittedFile = args.blendOut;
    console.log(`  wrote ${args.blendOut}`);

    // ---- 2. test stack ----
    await phase('test: ingest lines in [validation cut, cut)', async () => {
      const tally = await ingest(featuresAddress, lines, ids, (line) => isCleanLine(line) && line.invoiceDate >= validationCutMs && line.invoiceDate < cutMs);
      ingested.lines += tally.applied;
      console.log(`  ${JSON.stringify(tally)}`);
      console.log(`  popularity refreshed over ${await services.waitForPopularity(ingested.lines)} lines`);
    });
    await phase('test: train copurchase', () => (trainSeconds['test copurchase'] = services.train('copurchase', trainArgs('copurchase', cutMs))));
    await phase('test: train affinity', () => (trainSeconds['test affinity'] = services.train('affinity', trainArgs('affinity', cutMs))));
    await services.startModels();
    const context = { countries: countries(test.train), timeUnixMs: cutMs };
    const truthOf = (user: string, fresh: boolean) => (fresh ? test.new.truth : test.all.truth).get(user);
    for (const [name, file] of [
      ['full ranker (fitted blend)', fittedFile],
      ['full ranker (DEFAULT_BLEND)', ''],
    ] as const) {
      await phase(`test: evaluate ${name}`, async () => {
        const caller = new RankerCaller(await services.startRanker(file), context);
        const started = performance.now();
        try {
          const result = await evaluate(caller.recommender(K, truthOf), test, { k: K, concurrency: args.concurrency });
          rows.push({ name, result, seconds: seconds(started), tally: caller.tally });
          console.log(`  NDCG@10 all ${f4(result.all.ndcg)} new ${f4(result.new.ndcg)}; ${JSON.stringify(caller.tally.sourceStates)}`);
        } finally {
          caller.close();
          await services.stopRanker();
        }
      });
    }
  } finally {
    await services.stopAll();
    if (!args.keepStore) rmSync(dir, { recursive: true, force: true });
    else console.log(`store kept in ${dir}`);
  }
  rows.push(...baselineRows);

  // ---- report ----
  const totalSeconds = seconds(totalStarted);
  const out: string[] = [];
  out.push(`# OR-temporal-v1: the full ranker beside the baselines`);
  out.push('');
  out.push(`Command: \`npx tsx --tsconfig tools/evaluate/tsconfig.json tools/evaluate/src/main.ts ${process.argv.slice(2).join(' ')}\`  `);
  out.push(`Run ${new Date().toISOString()}; cut ${formatInvoiceDate(cutMs)} (file clock), K=${K}; every figure below was measured by this run.`);
  out.push('');
  out.push(`- ${describe('Validation', validation)}; the ranker answered k=${VALIDATION_K} twice (every blend weight 1, then DEFAULT_BLEND; the fit re-ranks the union of both pages) at time ${formatInvoiceDate(validationCutMs)}.`);
  out.push(`- ${describe('Test', test)}; the ranker answered k=${K} at time ${formatInvoiceDate(cutMs)} ("new": \`exclude_purchased\` + the train items as \`exclude_product_ids\`).`);
  out.push(`- Models trained by the services' train CLIs (copurchase \`--epochs ${args.epochs} --skip-baseline\`, affinity defaults) on lines before each cut, registered and promoted in the temp store.`);
  out.push(`- Ranker settings: AISLE_RANK_MAX_PER_FAMILY=${args.maxPerFamily}, ${Object.entries(RANKER_BUDGETS).map(([k, v]) => `${k}=${v}`).join(', ')}; ${args.concurrency} calls in flight.`);
  out.push('');
  out.push(`| ranking | view | HR@${K} | Recall@${K} | NDCG@${K} | users |`);
  out.push('| --- | --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) for (const view of ['all', 'new'] as const) out.push(`| ${row.name} | ${view} | ${f4(row.result[view].hr)} | ${f4(row.result[view].recall)} | ${f4(row.result[view].ndcg)} | ${row.result[view].users} |`);
  out.push('');
  out.push('NDCG@10 of the ranker against the best baseline of each view:');
  out.push('');
  out.push('| ranking | view | NDCG@10 | best baseline | its NDCG@10 | difference | goal (≥ +5%) |');
  out.push('| --- | --- | ---: | --- | ---: | ---: | --- |');
  for (const row of rows.filter((r) => r.tally)) {
    for (const view of ['all', 'new'] as const) {
      const best = baselineRows.reduce((a, b) => (b.result[view].ndcg > a.result[view].ndcg ? b : a));
      const diff = (row.result[view].ndcg / best.result[view].ndcg - 1) * 100;
      out.push(`| ${row.name} | ${view} | ${f4(row.result[view].ndcg)} | ${best.name} | ${f4(best.result[view].ndcg)} | ${diff >= 0 ? '+' : ''}${diff.toFixed(1)}% | ${diff >= 5 ? 'met' : 'not met'} |`);
    }
  }
  out.push('');
  out.push(`Fitted blend (\`${args.blendOut}\`, usable as \`AISLE_BLEND_FILE\`): ${JSON.stringify(fitted!.weights)}  `);
  out.push(`Validation objective (mean NDCG@10 of the two views, re-ranking the union of the two k=100 pages): fitted ${f4(fitted!.objective)} (${Object.entries(fitted!.perView).map(([v, x]) => `${v} ${f4(x)}`).join(', ')}), all weights equal ${f4(fitted!.uniformObjective)}; ${fitted!.evaluations} objective evaluations.  `);
  out.push(`DEFAULT_BLEND: ${JSON.stringify(DEFAULT_BLEND)}`);
  out.push('');
  out.push('How the ranker answered (non-OK source states are counted per call; SKIPPED is by design, e.g. no candidates to score):');
  out.push('');
  out.push('| run | calls | failed calls | cold starts | non-OK sources | latency p50 / p99 (ms) | hits / items in the top 10 by generator |');
  out.push('| --- | ---: | ---: | ---: | --- | ---: | --- |');
  const tallyRow = (name: string, t: RankTally) =>
    `| ${name} | ${t.calls} | ${t.failedCalls} | ${t.coldStarts} | ${Object.entries(t.sourceStates).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'} | ${percentile(t.latenciesMs, 50).toFixed(0)} / ${percentile(t.latenciesMs, 99).toFixed(0)} | ${Object.entries(t.itemsBySource).map(([k, v]) => `${k} ${v.hits}/${v.items}`).join(', ') || '–'} |`;
  out.push(tallyRow('validation (k=100, 2 passes)', validationTally));
  for (const row of rows.filter((r) => r.tally)) out.push(tallyRow(`test: ${row.name}`, row.tally!));
  out.push('');
  out.push('Wall time of each phase (s):');
  out.push('');
  out.push('| phase | seconds |');
  out.push('| --- | ---: |');
  for (const [name, s] of timings) out.push(`| ${name} | ${s.toFixed(1)} |`);
  out.push(`| total | ${totalSeconds.toFixed(1)} |`);
  const report = out.join('\n') + '\n';
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, report);
  console.log('\n' + report);
  console.log(`wrote ${args.out}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
