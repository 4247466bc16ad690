import { temporalSplit, type CleanLine } from '@aisle/retail-data';
import type { common } from '@aisle/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeArtifact } from '../adapters/artifact';
import { validScoreRequest } from '../handlers/validate';
import { syntheticLines } from '../testing/synthetic';
import { TINY_CUT, TINY_CUT_MS, trainTinyModel } from '../testing/tiny-model';
import type { TrainResult } from '../training/train-affinity';
import { computeFeatures, FEATURE_COUNT, FEATURES } from './features';
import { buildProductTable } from './product-table';
import { buildTrainingSet } from './training-set';
import { DAY_MS } from './time';
import { userStates, type UserState } from './user-state';

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
    const serving = computeFeatures(valid.features, valid.candidates, JSON.parse(JSON.stringify(windowTable)), trained.content.defaults);
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
    const m = computeFeatures({ user: undefined, history: new Map(), context: { country: '', timeMs: now } }, [known, '99999Z'], table, trained.content.defaults);
    expect(m.defaulted).toEqual(['context.country', 'product_stats', 'user_profile']);
    expect(m.unknownProducts).toEqual(['99999Z']);
    const row = (r: number, name: (typeof FEATURES)[number]) => m.values[r * FEATURE_COUNT + FEATURES.indexOf(name)];
    expect(row(0, 'user_invoices')).toBe(trained.content.defaults.user.invoiceCount);
    expect(row(0, 'user_days_since_last')).toBeCloseTo(trained.content.defaults.user.daysSinceLast, 6);
    expect(row(1, 'product_customers')).toBe(0);
    expect(row(1, 'product_price')).toBe(table.medianPrice);
    expect(Number.isNaN(row(0, 'product_country_share'))).toBe(true);
    expect(Number.isNaN(row(0, 'user_product_days_since_last'))).toBe(true);
  });
});
