// Training examples from rolling windows before the cut. For a window [T, T + labelDays): features
// see only lines before T (product table, user profiles and histories as the feature service would
// have held them at T); the label is "bought in the window". Users are those who bought before T and
// in the window; each gets the candidates the ranker would offer (own products, popular, co-purchase
// neighbours) that they bought in the window (positives) and a sample of those they did not (negatives). The request
// context is the user's first invoice in the window (its country and time), the moment they came back.
import { seededRandom, type CleanLine } from '@aisle/retail-data';
import { candidateGenerator, type CandidateOptions } from './candidates';
import { computeFeatures, FEATURE_COUNT, prepareProducts, type FeatureDefaults } from './features';
import { buildProductTable } from './product-table';
import { DAY_MS } from './time';
import { typicalUser, userStates } from './user-state';

export interface TrainingSetOptions {
  /** The cut: no window reaches past it. */
  cutMs: number;
  /** Number of consecutive windows ending at the cut. */
  windows: number;
  labelDays: number;
  /** Negatives sampled per user per window. */
  negativesPerUser: number;
  candidates: CandidateOptions;
  seed: number;
}

export interface TrainingSet {
  values: Float64Array;
  labels: Float64Array;
  rows: number;
  positives: number;
  users: number;
  /** Who and what each row is about (row order). */
  examples: { user: string; productId: string; contextMs: number; featureEndMs: number }[];
  /** Each window's [featureEnd, labelEnd) and row count. */
  windows: { featureEndMs: number; labelEndMs: number; rows: number; users: number }[];
  /** Earliest line used. */
  startMs: number;
}

const NOTHING: ReadonlySet<string> = new Set();

function sample<T>(items: T[], n: number, random: () => number): T[] {
  const copy = [...items];
  const k = Math.min(n, copy.length);
  for (let i = 0; i < k; i += 1) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, k);
}

export function buildTrainingSet(lines: readonly CleanLine[], options: TrainingSetOptions): TrainingSet {
  const random = seededRandom(options.seed);
  const chunks: { values: Float64Array; labels: number[] }[] = [];
  const windows: TrainingSet['windows'] = [];
  const examples: TrainingSet['examples'] = [];
  let users = 0;
  let positives = 0;
  for (let w = options.windows; w >= 1; w -= 1) {
    const featureEndMs = options.cutMs - w * options.labelDays * DAY_MS;
    const labelEndMs = featureEndMs + options.labelDays * DAY_MS;
    const before = lines.filter((line) => line.invoiceDate < featureEndMs);
    const products = prepareProducts(buildProductTable(before, featureEndMs));
    const states = userStates(before, featureEndMs);
    const generator = candidateGenerator(before, options.candidates);
    const bought = new Map<string, { items: Set<string>; firstMs: number; country: string }>();
    for (const line of lines) {
      if (line.invoiceDate < featureEndMs || line.invoiceDate >= labelEndMs || !states.has(line.customerId)) continue;
      const b = bought.get(line.customerId);
      if (b === undefined) bought.set(line.customerId, { items: new Set([line.stockCode]), firstMs: line.invoiceDate, country: line.country });
      else {
        b.items.add(line.stockCode);
        if (line.invoiceDate < b.firstMs) {
          b.firstMs = line.invoiceDate;
          b.country = line.country;
        }
      }
    }
    // Every training user is known, so the unknown-user default is never used here.
    const defaults: FeatureDefaults = { user: typicalUser([], featureEndMs) };
    let windowRows = 0;
    for (const user of [...bought.keys()].sort()) {
      const b = bought.get(user)!;
      const state = states.get(user)!;
      // Positives are the bought products among the candidates: the model learns to rank the lists it
      // will be given, not to tell bought products from candidate-looking ones.
      const pool = generator.candidates(user, state.history, NOTHING);
      const positive = pool.filter((code) => b.items.has(code));
      const chosen = positive.concat(sample(pool.filter((code) => !b.items.has(code)), options.negativesPerUser, random));
      const features = computeFeatures({ user: state.profile, history: state.history, context: { country: b.country, timeMs: b.firstMs } }, chosen, products, defaults);
      for (const productId of chosen) examples.push({ user, productId, contextMs: b.firstMs, featureEndMs });
      chunks.push({ values: features.values, labels: chosen.map((code) => (b.items.has(code) ? 1 : 0)) });
      windowRows += chosen.length;
      positives += positive.length;
    }
    users += bought.size;
    windows.push({ featureEndMs, labelEndMs, rows: windowRows, users: bought.size });
  }
  const rows = chunks.reduce((sum, chunk) => sum + chunk.labels.length, 0);
  const values = new Float64Array(rows * FEATURE_COUNT);
  const labels = new Float64Array(rows);
  let row = 0;
  for (const chunk of chunks) {
    values.set(chunk.values, row * FEATURE_COUNT);
    labels.set(chunk.labels, row);
    row += chunk.labels.length;
  }
  const startMs = lines.reduce((min, line) => Math.min(min, line.invoiceDate), Number.POSITIVE_INFINITY);
  return { values, labels, rows, positives, users, examples, windows, startMs };
}
