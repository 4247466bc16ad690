import { loadRetailLines, seededRandom, temporalSplit, type CleanLine } from '@aisle/retail-data';
import type { common } from '@aisle/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../adapters/artifact';
import { validScoreRequest } from '../handlers/validate';
import { referenceFeatures } from '../testing/reference-features';
import { syntheticLines } from '../testing/synthetic';
import { TINY_CUT, TINY_CUT_MS, trainTinyModel } from '../testing/tiny-model';
import type { TrainResult } from '../training/train-affinity';
import { computeFeatures, FEATURE_COUNT, FEATURES, prepareProducts, type FeatureDefaults, type FeatureMatrix, type FeatureRequest, type UserSnapshot } from './features';
import { buildProductTable, type ProductTable } from './product-table';
import { buildTrainingSet } from './training-set';
import { DAY_MS } from './time';
import { typicalUser, userStates, type UserState } from './user-state';

/** What feature-service would send the ranker, and the ranker us, for this user state. */
function toProto(user: string, state: UserState): { user: common.UserProfile; history: common.UserProductStats[] } {
  return { user: { userId: user, ...state.profile }, history: [...state.history.values()].map((h) => ({ ...h })) };
}

describe('features: one function for training and serving', () => {
  const lines = syntheticLines();
  const train = temporalSplit(lines, { cut: TINY_CUT }).train as CleanLine[];
  let trained: TrainResult;
  beforeAll(async () => {
    trained = await trainTinyModel();
  });

  it('gives serving the exact rows training used, through the request mapping and the artifact', () => {
    const set = buildTrainingSet(train, { cutMs: TINY_CUT_MS, windows: 2, labelDays: 30, negativesPerUser: 20, candidates: { popular: 10, copurchase: 10, own: 50 }, seed: 42 });
    // Pick examples of one window; rebuild its snapshot as a fresh model's table would hold it.
    const window = set.windows[1];
    const table = decodeArtifact(trained.artifactBytes).productTable; // table of the cut (the served one)
    expect(table.endMs).toBe(TINY_CUT_MS);
    const windowTable = buildProductTable(train, window.featureEndMs);
    const states = userStates(train, window.featureEndMs);
    const picked = set.examples.map((e, row) => ({ ...e, row })).filter((e) => e.featureEndMs === window.featureEndMs);
    expect(picked.length).toBeGreaterThan(100);
    const user = picked[0].user;
    const mine = picked.filter((e) => e.user === user);
    const proto = toProto(user, states.get(user)!);
    const valid = validScoreRequest(
      { user: proto.user, history: proto.history, candidateIds: mine.map((e) => e.productId), context: { country: '', timeUnixMs: mine[0].contextMs }, explainTop: 0, modelVersion: '' },
      Date.now(),
    );
    // The context country of a training example is that of the user's invoice; set it the same way.
    const country = lines.find((l) => l.customerId === user && l.invoiceDate === mine[0].contextMs)!.country;
    valid.features.context.country = country;
    const serving = computeFeatures(valid.features, valid.candidates, prepareProducts(JSON.parse(JSON.stringify(windowTable))), trained.content.defaults);
    expect(serving.defaulted).toEqual([]);
    mine.forEach((e, i) => {
      const trainingRow = Array.from(set.values.subarray(e.row * FEATURE_COUNT, (e.row + 1) * FEATURE_COUNT));
      const servingRow = Array.from(serving.values.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT));
      expect(servingRow).toEqual(trainingRow);
    });
    // And the served table is what training computes at the cut.
    expect(table).toEqual(JSON.parse(JSON.stringify(buildProductTable(train, TINY_CUT_MS))));
  });

  it('flags documented defaults: unknown user, unknown country, unknown product', () => {
    const table = trained.content.productTable;
    const known = Object.keys(table.products)[0];
    const now = TINY_CUT_MS + DAY_MS;
    const m = computeFeatures({ user: undefined, history: new Map(), context: { country: '', timeMs: now } }, [known, '99999Z', 'constructor'], prepareProducts(table), trained.content.defaults);
    expect(m.defaulted).toEqual(['context.country', 'product_stats', 'user_profile']);
    // An id that names an Object.prototype member is just another unknown product.
    expect(m.unknownProducts).toEqual(['99999Z', 'constructor']);
    expect(m.values.subarray(2 * FEATURE_COUNT)).toEqual(m.values.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT));
    const row = (r: number, name: (typeof FEATURES)[number]) => m.values[r * FEATURE_COUNT + FEATURES.indexOf(name)];
    expect(row(0, 'user_invoices')).toBe(trained.content.defaults.user.invoiceCount);
    expect(row(0, 'user_days_since_last')).toBeCloseTo(trained.content.defaults.user.daysSinceLast, 6);
    expect(row(1, 'product_customers')).toBe(0);
    expect(row(1, 'product_price')).toBe(table.medianPrice);
    expect(Number.isNaN(row(0, 'product_country_share'))).toBe(true);
    expect(Number.isNaN(row(0, 'user_product_days_since_last'))).toBe(true);
  });
});

const HOUR_MS = 3_600_000;

/** Requests covering every input case (user absent / known / without country, invoices or quantities;
 * with and without history; country known / empty / unknown / the user's) and every month, weekday and
 * hour, with random candidates: known products, the user's own, unknown ids. */
function variedRequests(table: ProductTable, states: UserState[], seed: number): { request: FeatureRequest; candidates: string[] }[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const products = Object.keys(table.products);
  const unknown = ['99999Z', 'X1', ''];
  const out: { request: FeatureRequest; candidates: string[] }[] = [];
  for (const userKind of ['absent', 'known', 'bare'] as const) {
    for (const withHistory of [true, false]) {
      for (const countryKind of ['known', 'empty', 'unknown', 'own'] as const) {
        const state = pick(states);
        const user: UserSnapshot | undefined = userKind === 'absent' ? undefined : userKind === 'known' ? state.profile : { ...state.profile, country: '', invoiceCount: 0, totalQuantity: 0 };
        const history = withHistory ? state.history : new Map();
        const country = countryKind === 'known' ? pick(table.countries) : countryKind === 'empty' ? '' : countryKind === 'unknown' ? 'Atlantis' : state.profile.country;
        // Request k: every hour once, weekdays in turn (17 days apart), 13 months from 400 days back.
        const k = out.length;
        const timeMs = Math.floor(table.endMs - 400 * DAY_MS + k * 17 * DAY_MS + (k + random()) * HOUR_MS);
        const own = [...state.history.keys()];
        const candidates = Array.from({ length: 1 + Math.floor(random() * 600) }, () => {
          const r = random();
          return r < 0.05 ? pick(unknown) : r < 0.35 && own.length > 0 ? pick(own) : pick(products);
        });
        out.push({ request: { user, history, context: { country, timeMs } }, candidates });
      }
    }
  }
  return out;
}

/** Bit for bit: Object.is per value (NaN is NaN, 0 is not -0); a failure names the first difference. */
function expectIdentical(actual: FeatureMatrix, expected: FeatureMatrix): void {
  expect(actual.rows).toBe(expected.rows);
  expect(actual.defaulted).toEqual(expected.defaulted);
  expect(actual.unknownProducts).toEqual(expected.unknownProducts);
  expect(actual.values.length).toBe(expected.values.length);
  const i = actual.values.findIndex((v, k) => !Object.is(v, expected.values[k]));
  const difference = i < 0 ? undefined : { row: Math.floor(i / FEATURE_COUNT), feature: FEATURES[i % FEATURE_COUNT], actual: actual.values[i], expected: expected.values[i] };
  expect(difference).toBeUndefined();
}

/** Runs the requests through both and returns what they covered, so a test can check it covered everything. */
function compareWithReference(table: ProductTable, defaults: FeatureDefaults, requests: { request: FeatureRequest; candidates: string[] }[]): { flags: Set<string>; rows: number; boughtRows: number } {
  const prepared = prepareProducts(table);
  const flags = new Set<string>();
  let rows = 0;
  let boughtRows = 0;
  for (const { request, candidates } of requests) {
    const actual = computeFeatures(request, candidates, prepared, defaults);
    expectIdentical(actual, referenceFeatures(request, candidates, table, defaults));
    actual.defaulted.forEach((flag) => flags.add(flag));
    rows += actual.rows;
    for (let r = 0; r < actual.rows; r += 1) if (actual.values[r * FEATURE_COUNT + FEATURES.indexOf('user_product_invoices')] > 0) boughtRows += 1;
  }
  return { flags, rows, boughtRows };
}

describe('features from the prepared product table equal the per-row computation', () => {
  it('on the synthetic data, at the cut (as an artifact holds it) and at a training window', () => {
    const train = temporalSplit(syntheticLines(), { cut: TINY_CUT }).train as CleanLine[];
    for (const [endMs, seed] of [[TINY_CUT_MS, 1], [TINY_CUT_MS - 30 * DAY_MS, 2]]) {
      const table: ProductTable = JSON.parse(JSON.stringify(buildProductTable(train, endMs)));
      const states = [...userStates(train, endMs).values()];
      const covered = compareWithReference(table, { user: typicalUser(states.map((s) => s.profile), endMs) }, variedRequests(table, states, seed));
      expect([...covered.flags].sort()).toEqual(['context.country', 'product_stats', 'user_profile']);
      expect(covered.boughtRows).toBeGreaterThan(100);
    }
  });

  it('on the real dataset, including an invalid request time', async () => {
    const split = temporalSplit(await loadRetailLines());
    const train = split.train as CleanLine[];
    const cutMs = split.cut;
    const table = buildProductTable(train, cutMs);
    const states = [...userStates(train, cutMs).values()];
    const defaults = { user: typicalUser(states.map((s) => s.profile), cutMs) };
    const requests = variedRequests(table, states, 3);
    // Past Date's range the calendar fields are NaN; both must give NaN lifts, not another bucket's.
    requests.push({ ...requests[1], request: { ...requests[1].request, context: { country: 'France', timeMs: 9e15 } } });
    const covered = compareWithReference(table, defaults, requests);
    expect(table.countries.length).toBeGreaterThan(30);
    expect(covered.rows).toBeGreaterThan(5000);
    expect(covered.boughtRows).toBeGreaterThan(500);
  });
});
