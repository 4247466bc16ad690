// One pipeline run: snapshot of the store's transaction log → copurchase and affinity trained before
// the validation cut and before the test cut (the services' own train commands) → the ranker's pages
// on the validation window → the blend fitted on them → the full ranker evaluated on OR-temporal-v1's
// test window beside the baselines, candidate and production alike → versions registered with their
// lineage → promotion when the gate passes → the run's record and report. Every step is content-
// addressed (steps.ts): a rerun on unchanged data, parameters and code reuses everything and, when the
// registry is as that run left it, is a no-op.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { common } from '@aisle/contracts';
import { modelInfoMessage, publishModelVersion, type FeatureStore, type ModelVersionInfo } from '@aisle/feature-store';
import { cutToMs, DAY_MS, formatInvoiceDate, mapLimit, temporalSplit, type RetailLine } from '@aisle/retail-data';
import { codeVersion, type CodeVersion } from './code-version';
import { EvalStack, type ModelPair } from './eval-stack';
import { baselineFigures, evaluateRanker, K, metricsOf, toFitViews, validationViews, VALIDATION_K, type Figures, type StoredView } from './evaluation';
import { decide, type GateDecision } from './gate';
import { hashOf, sha256 } from './hash';
import { BLEND_MODEL, currentProduction, readArtifact, type Production } from './production';
import type { RankTally } from './rank-calls';
import { DEFAULT_BLEND, fitBlend, type BlendWeights } from '@aisle/ranking';
import { readRunIndex, writeRun, type RunRecord } from './runs';
import { replayFingerprint, replayForRun, type RunReplay } from './replay';
import { readStoreLines, snapshotOf, toRetailLine, type Snapshot } from './snapshot';
import { StepStore } from './steps';
import { runTrainer, type ModelName, type Trained } from './trainers';

export interface RunOptions {
  /** Working directory: steps/, snapshots/, runs/. */
  dir: string;
  /** Test cut 'YYYY-MM-DD[ HH:MM:SS]', or 'auto': midnight `testDays` before the newest line. */
  cut: string;
  testDays: number;
  validationDays: number;
  /**
   * Copurchase training epochs; undefined = the train command's own default, the recipe `npm start`
   * trains production with, so a candidate is never a cheaper model than the one it must beat.
   */
  epochs?: number;
  /** More options for each train command, e.g. { copurchase: ['--dim', '32'] } (part of the step keys). */
  trainerArgs: Record<ModelName, string[]>;
  seed: number;
  hrTolerance: number;
  /** Trainings run at once. */
  jobs: number;
  /** Rank calls in flight during evaluation. */
  concurrency: number;
  maxPerFamily: number;
  /** Register the versions (off: nothing is written to the registry). */
  register: boolean;
  /** Promote when the gate passes. */
  promote: boolean;
  promotedBy: string;
}

export const DEFAULT_RUN_OPTIONS: Omit<RunOptions, 'dir'> = {
  cut: 'auto',
  testDays: 30,
  validationDays: 30,
  epochs: undefined,
  trainerArgs: { copurchase: [], affinity: [] },
  seed: 42,
  hrTolerance: 0.01,
  jobs: 2,
  concurrency: 4,
  maxPerFamily: 2,
  register: true,
  promote: true,
  promotedBy: '',
};

export interface RunOutcome {
  record: RunRecord;
  /** True when a previous run had the same key: nothing was written. */
  noop: boolean;
  runDir: string;
}

/** A cut as the train commands take it: the date alone when it is midnight. */
export function cutArg(ms: number): string {
  const text = formatInvoiceDate(ms);
  return text.endsWith(' 00:00:00') ? text.slice(0, 10) : text;
}

/** Midnight `days` days before the newest line: the test window is the last `days` days of data. */
export function autoCut(lastUnixMs: number, days: number): number {
  return Math.floor((lastUnixMs - days * DAY_MS) / DAY_MS) * DAY_MS;
}

const since = (started: number) => (performance.now() - started) / 1000;

export async function runPipeline(store: FeatureStore, options: RunOptions, log: (line: string) => void = console.log): Promise<RunOutcome> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const code: CodeVersion = codeVersion();
  const steps = new StepStore(options.dir, log);
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const result = await work();
    timings[name] = since(t);
    return result;
  };

  // ---- 1. snapshot ----
  const snapshot: Snapshot = await timed('snapshot', async () => snapshotOf(await readStoreLines(store), options.dir));
  const cutMs = options.cut === 'auto' ? autoCut(snapshot.lastUnixMs, options.testDays) : cutToMs(options.cut);
  const validationCutMs = cutMs - options.validationDays * DAY_MS;
  log(`snapshot ${snapshot.hash.slice(0, 20)}: ${snapshot.rows} lines, ${formatInvoiceDate(snapshot.firstUnixMs)} … ${formatInvoiceDate(snapshot.lastUnixMs)}; validation cut ${cutArg(validationCutMs)}, test cut ${cutArg(cutMs)}`);
  if (!(snapshot.firstUnixMs < validationCutMs && cutMs <= snapshot.lastUnixMs)) throw new Error(`the cuts ${cutArg(validationCutMs)} and ${cutArg(cutMs)} must fall inside the data (${formatInvoiceDate(snapshot.firstUnixMs)} … ${formatInvoiceDate(snapshot.lastUnixMs)})`);
  const retail: RetailLine[] = snapshot.lines.map(toRetailLine);
  const base = { snapshot: snapshot.hash, code: code.build };
  // The logged slates are read now, scored in the report: only their fingerprint (the slates the
  // replay can score) is part of the run key, see replay/run.ts.
  const runReplay: RunReplay = await timed('read slates', () => replayForRun(store, snapshot, { seed: options.seed, nowUnixMs: Date.now() }));

  // ---- 2. the four trainings ----
  const trainings: [ModelName, number][] = [
    ['copurchase', cutMs],
    ['copurchase', validationCutMs],
    ['affinity', validationCutMs],
    ['affinity', cutMs],
  ];
  const trained = await timed('train', () =>
    mapLimit(trainings, options.jobs, ([model, cut]) =>
      steps.run<Trained>(`train-${model}`, { snapshot: snapshot.hash, code: code.trainers[model], model, cut: cutArg(cut), seed: options.seed, ...(model === 'copurchase' ? { epochs: options.epochs } : {}), extra: options.trainerArgs[model].length > 0 ? options.trainerArgs[model] : undefined }, (dir) =>
        runTrainer(model, { file: snapshot.file, cut: cutArg(cut), seed: options.seed, epochs: options.epochs, extra: options.trainerArgs[model], codeVersion: `${code.source} build:${code.trainers[model].slice(0, 12)}` }, dir),
      ),
    ),
  );
  const [copurchaseTest, copurchaseValidation, affinityValidation, affinityTest] = trained;
  const pair = (copurchase: typeof copurchaseTest, affinity: typeof affinityTest): ModelPair => ({
    copurchase: { artifact: join(copurchase.dir, copurchase.result.artifact), info: copurchase.result.info },
    affinity: { artifact: join(affinity.dir, affinity.result.artifact), info: affinity.result.info },
  });

  // ---- 3. validation pages, 4. blend fit ----
  const passes: [string, BlendWeights][] = [
    ['all-ones', { copurchase: 1, affinity: 1, popularity: 1, repeat: 1, context: 1 }],
    ['default', DEFAULT_BLEND],
  ];
  const validation = await timed('validate', () =>
    steps.run('validate', { ...base, validationCut: validationCutMs, cut: cutMs, copurchase: copurchaseValidation.key, affinity: affinityValidation.key, k: VALIDATION_K, passes, maxPerFamily: options.maxPerFamily }, async (dir) => {
      const split = temporalSplit(retail.filter((line) => line.invoiceDate < cutMs), { cut: validationCutMs });
      const { views, tally } = await withStack(options.dir, snapshot, validationCutMs, options.maxPerFamily, async (stack) => {
        await stack.serveModels(pair(copurchaseValidation, affinityValidation));
        return validationViews(stack, split, passes, (name, weights) => writeBlendFile(dir, `pass-${name}.json`, { version: name, weights }), options.concurrency);
      });
      const json = JSON.stringify(views);
      writeFileSync(join(dir, 'views.json'), json);
      return { views: 'views.json', viewsHash: sha256(json), users: { all: split.all.users.length, new: split.new.users.length }, tally };
    }),
  );
  const fit = await timed('fit', () =>
    steps.run('fit-blend', { validation: validation.key, seed: options.seed, k: K, maxPerFamily: options.maxPerFamily }, async (dir) => {
      const views = JSON.parse(readFileSync(join(validation.dir, validation.result.views), 'utf8')) as StoredView[];
      const result = fitBlend(toFitViews(views), { k: K, maxPerFamily: options.maxPerFamily, seed: options.seed });
      const fitted = {
        validationWindow: [formatInvoiceDate(validationCutMs), formatInvoiceDate(cutMs)],
        objective: `mean of the all and new views' NDCG@${K}, re-ranking the union of the ranker's k=${VALIDATION_K} pages under ${passes.map(([name]) => name).join(' and ')} weights`,
        validationNdcg: result.perView,
        uniformObjective: result.uniformObjective,
        evaluations: result.evaluations,
        models: { copurchase: copurchaseValidation.result.info.id?.version, affinity: affinityValidation.result.info.id?.version },
      };
      // Content-addressed like the other models: the same weights fitted on the same window are the same version.
      const version = `blend-${cutArg(cutMs)}-${hashOf({ weights: result.weights, window: fitted.validationWindow }).slice(0, 12)}`;
      writeBlendFile(dir, 'blend.json', { version, weights: result.weights, fit: fitted });
      return { file: 'blend.json', version, weights: result.weights, objective: result.objective, perView: result.perView, uniformObjective: result.uniformObjective };
    }),
  );
  const candidateBlendFile = join(fit.dir, fit.result.file);
  const candidateBlendJson = readFileSync(candidateBlendFile, 'utf8');

  // ---- 5. evaluation on the test window: baselines, candidate, production ----
  const testSplit = () => temporalSplit(retail, { cut: cutMs });
  const baselines = await timed('baselines', () => steps.run('baselines', { ...base, cut: cutMs, k: K }, () => baselineFigures(testSplit())));
  const production = await currentProduction(store);
  const candidate = {
    copurchase: { version: copurchaseTest.result.info.id!.version, checksum: copurchaseTest.result.info.checksum },
    affinity: { version: affinityTest.result.info.id!.version, checksum: affinityTest.result.info.checksum },
    blend: { version: fit.result.version, checksum: sha256(candidateBlendJson) },
  };
  const evaluationInputs = (models: { copurchase: { checksum: string }; affinity: { checksum: string }; blend: { checksum: string } }) => ({
    ...base,
    cut: cutMs,
    k: K,
    maxPerFamily: options.maxPerFamily,
    copurchase: models.copurchase.checksum,
    affinity: models.affinity.checksum,
    blend: models.blend.checksum,
  });
  type Evaluated = { figures: Figures; tally: RankTally };
  const productionComplete = production.copurchase && production.affinity ? (production as Required<Production>) : undefined;
  let lazyStack: Promise<EvalStack> | undefined;
  let stackDir: string | undefined;
  const testStack = () => {
    stackDir ??= mkdtempSync(join(mkdirTmp(options.dir), 'test-'));
    lazyStack ??= EvalStack.open(stackDir, snapshot.lines, cutMs, options.maxPerFamily);
    return lazyStack;
  };
  let candidateEval: Evaluated;
  let candidateEvalKey: string;
  let productionEval: Evaluated | undefined;
  try {
    const candidateStep = await timed('evaluate candidate', () =>
        steps.run<Evaluated>('evaluate', evaluationInputs(candidate), async () => {
          const stack = await testStack();
          await stack.serveModels(pair(copurchaseTest, affinityTest));
          return evaluateRanker(stack, testSplit(), candidateBlendFile, options.concurrency);
        }),
    );
    candidateEval = candidateStep.result;
    candidateEvalKey = candidateStep.key;
    if (productionComplete) {
      productionEval = (
        await timed('evaluate production', () =>
          steps.run<Evaluated>('evaluate', evaluationInputs(productionComplete), async (dir) => {
            const files: Record<string, string> = {};
            for (const model of ['copurchase', 'affinity'] as const) writeFileSync((files[model] = join(dir, `${model}.bin`)), await readArtifact(store, model, productionComplete[model].version));
            const blendFile = writeBlendFile(dir, 'blend.json', JSON.parse(productionComplete.blend.json));
            const stack = await testStack();
            await stack.serveModels({
              copurchase: { artifact: files.copurchase!, info: registryInfo(productionComplete.copurchase.info!) },
              affinity: { artifact: files.affinity!, info: registryInfo(productionComplete.affinity.info!) },
            });
            const result = await evaluateRanker(stack, testSplit(), blendFile, options.concurrency);
            for (const model of ['copurchase', 'affinity']) rmSync(files[model]!);
            return result;
          }),
        )
      ).result;
    }
  } finally {
    if (lazyStack) await (await lazyStack).close();
    if (stackDir) rmSync(stackDir, { recursive: true, force: true });
  }

  // ---- 6. gate ----
  const sameAsProduction = !!productionComplete && (['copurchase', 'affinity', 'blend'] as const).every((model) => productionComplete[model].version === candidate[model].version);
  const decision: GateDecision = decide({ candidate: candidateEval.figures, production: productionEval?.figures, sameAsProduction, hrTolerance: options.hrTolerance });
  log(`gate: ${decision.promote ? 'promote' : 'keep production'}: ${decision.reason}`);

  // ---- 7. no-op check, register, promote ----
  const productionVersions = { copurchase: production.copurchase?.version ?? '', affinity: production.affinity?.version ?? '', blend: production.blend.version };
  const candidateVersions = { copurchase: candidate.copurchase.version, affinity: candidate.affinity.version, blend: candidate.blend.version };
  const runKey = hashOf({
    base,
    options: { cut: cutMs, validationCut: validationCutMs, epochs: options.epochs, trainerArgs: options.trainerArgs, seed: options.seed, hrTolerance: options.hrTolerance, maxPerFamily: options.maxPerFamily, register: options.register, promote: options.promote },
    candidateSteps: [...trained.map((step) => step.key), validation.key, fit.key, baselines.key, candidateEvalKey],
    // Slates that became scorable (new ones, or old ones whose horizon a new snapshot closed) make a new run.
    replay: replayFingerprint(runReplay),
    // The registry as the run leaves it: a rerun that finds it so has nothing to do.
    production: decision.promote && options.promote && options.register ? candidateVersions : productionVersions,
  }).slice(0, 16);
  const previous = readRunIndex(options.dir).find((entry) => entry.runKey === runKey);
  if (previous) {
    log(`no-op: nothing changed since run ${previous.runId} (same snapshot, parameters, code and registry state); its report: ${join(options.dir, 'runs', previous.runId, 'report.md')}`);
    const record = JSON.parse(readFileSync(join(options.dir, 'runs', previous.runId, 'run.json'), 'utf8')) as RunRecord;
    return { record, noop: true, runDir: join(options.dir, 'runs', previous.runId) };
  }
  const runId = `${startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${runKey.slice(0, 8)}`;
  const promotedBy = options.promotedBy || `pipeline ${runId}`;
  const lineage = { 'pipeline.run': runId, 'pipeline.snapshot': snapshot.hash, 'pipeline.cut': cutArg(cutMs), 'pipeline.validation_cut': cutArg(validationCutMs) };
  const rankerMetrics = metricsOf('ranker.', candidateEval.figures);
  const registered: Record<string, string> = {};
  const promoted: Record<string, string> = {};
  await timed('register + promote', async () => {
    if (!options.register) return;
    const infos: { info: common.ModelInfo; bytes: Buffer }[] = [
      { step: copurchaseTest, info: copurchaseTest.result.info, bytes: readFileSync(join(copurchaseTest.dir, copurchaseTest.result.artifact)) },
      { step: affinityTest, info: affinityTest.result.info, bytes: readFileSync(join(affinityTest.dir, affinityTest.result.artifact)) },
    ].map(({ step, info, bytes }) => ({ info: { ...info, parameters: { ...info.parameters, ...lineage, 'pipeline.step': step.key }, metrics: { ...info.metrics, ...rankerMetrics } }, bytes }));
    infos.push({
      info: {
        id: { model: BLEND_MODEL, version: fit.result.version },
        createdUnixMs: Date.now(),
        trainStartUnixMs: validationCutMs,
        trainEndUnixMs: cutMs,
        trainingRows: validation.result.users.all + validation.result.users.new,
        inputHash: validation.result.viewsHash,
        codeVersion: code.label,
        parameters: {
          ...lineage,
          'pipeline.step': fit.key,
          ...Object.fromEntries(Object.entries(fit.result.weights).map(([part, weight]) => [`weight.${part}`, String(weight)])),
          'fit.seed': String(options.seed),
          'fit.k': String(K),
          'fit.max_per_family': String(options.maxPerFamily),
          'validation.copurchase': copurchaseValidation.result.info.id!.version,
          'validation.affinity': affinityValidation.result.info.id!.version,
          'serves_with.copurchase': candidate.copurchase.version,
          'serves_with.affinity': candidate.affinity.version,
        },
        metrics: { [`validation.all.ndcg@${K}`]: fit.result.perView.all ?? 0, [`validation.new.ndcg@${K}`]: fit.result.perView.new ?? 0, 'validation.objective': fit.result.objective, ...rankerMetrics },
        checksum: '',
        stage: 'candidate',
        loadedUnixMs: 0,
      },
      bytes: Buffer.from(candidateBlendJson, 'utf8'),
    });
    for (const { info, bytes } of infos) {
      const published = await publishModelVersion(info, bytes, { promote: false, promotedBy, store });
      registered[published.info.model] = published.info.version;
    }
    if (decision.promote && options.promote) {
      for (const model of ['copurchase', 'affinity', BLEND_MODEL] as const) {
        const result = await store.promoteModelVersion(model, registered[model]!, promotedBy);
        promoted[model] = `${result.previousVersion || 'none'} → ${result.info.version}`;
      }
    }
  });

  // ---- 8. record and report ----
  const replay = await timed('replay', async () => runReplay.evaluate());
  const record: RunRecord = {
    runId,
    runKey,
    startedAt,
    seconds: since(started),
    command: reproduceCommand(options, cutArg(cutMs), store.kind),
    codeVersion: code.label,
    store: store.kind,
    snapshot: { hash: snapshot.hash, rows: snapshot.rows, first: formatInvoiceDate(snapshot.firstUnixMs), last: formatInvoiceDate(snapshot.lastUnixMs), file: snapshot.file },
    cuts: { validation: cutArg(validationCutMs), test: cutArg(cutMs) },
    parameters: { ...(options.epochs !== undefined ? { epochs: options.epochs } : {}), trainerArgs: options.trainerArgs, seed: options.seed, hrTolerance: options.hrTolerance, maxPerFamily: options.maxPerFamily, jobs: options.jobs, concurrency: options.concurrency, testDays: options.testDays, validationDays: options.validationDays },
    candidate: { versions: candidateVersions, figures: candidateEval.figures, tally: candidateEval.tally, weights: fit.result.weights, validation: { objective: fit.result.objective, perView: fit.result.perView, uniformObjective: fit.result.uniformObjective } },
    production: { versions: productionVersions, figures: productionEval?.figures, tally: productionEval?.tally },
    baselines: baselines.result,
    modelOnly: { copurchase: copurchaseTest.result.info.metrics, affinity: affinityTest.result.info.metrics },
    gate: { ...decision, hrTolerance: options.hrTolerance },
    replay,
    registered,
    promoted,
    steps: steps.records.map(({ name, key, cached, seconds }) => ({ name, key, cached, seconds })),
    timings,
  };
  const runDir = writeRun(options.dir, record);
  log(`run ${runId}: ${record.seconds.toFixed(1)} s; report ${join(runDir, 'report.md')}`);
  return { record, noop: false, runDir };
}

/** The command that redoes this run's work from nothing (a fresh directory, nothing registered). */
export function reproduceCommand(options: RunOptions, cut: string, storeKind: string): string {
  const env = storeKind === 'cassandra' ? 'AISLE_STORE=cassandra AISLE_CASSANDRA_CONTACT_POINTS=… ' : 'AISLE_STORE=sqlite AISLE_SQLITE_PATH=<the same store> ';
  const flags = [
    `--cut '${cut}'`,
    `--validation-days ${options.validationDays}`,
    ...(options.epochs !== undefined ? [`--epochs ${options.epochs}`] : []),
    ...(['copurchase', 'affinity'] as const).filter((model) => options.trainerArgs[model].length > 0).map((model) => `--${model}-args='${options.trainerArgs[model].join(' ')}'`),
    `--seed ${options.seed}`,
    `--hr-tolerance ${options.hrTolerance}`,
    `--max-per-family ${options.maxPerFamily}`,
    '--dir /tmp/aisle-pipeline-reproduce',
    '--dry-run',
  ];
  return `${env}npm run pipeline -- run ${flags.join(' ')}`;
}

/** A registered version's metadata as a train command writes it (what the evaluation stack registers). */
function registryInfo(info: ModelVersionInfo): common.ModelInfo {
  return { ...modelInfoMessage(info), stage: 'candidate' };
}

function writeBlendFile(dir: string, name: string, document: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return file;
}

function mkdirTmp(dir: string): string {
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

async function withStack<T>(dir: string, snapshot: Snapshot, beforeUnixMs: number, maxPerFamily: number, work: (stack: EvalStack) => Promise<T>): Promise<T> {
  const stackDir = mkdtempSync(join(mkdirTmp(dir), 'validation-'));
  try {
    const stack = await EvalStack.open(stackDir, snapshot.lines, beforeUnixMs, maxPerFamily);
    try {
      return await work(stack);
    } finally {
      await stack.close();
    }
  } finally {
    rmSync(stackDir, { recursive: true, force: true });
  }
}
