import { common, ranker } from '@aisle/contracts';
import { describe, expect, it } from 'vitest';
import { serializeRankResponse } from './rank';

const item = (productId: string, score: number): ranker.RankedItem => ({
  productId,
  description: `product ${productId}`,
  score,
  breakdown: { copurchase: score / 2, affinity: score / 4, popularity: score / 8, repeat: score / 16, context: score / 16 },
  candidateSources: ['copurchase', 'popular'],
  explanations: [{ feature: 'days_since_last_purchase', value: 3, contribution: -0.25 }],
});

const response = (items: ranker.RankedItem[], answerAgeMs: number, traceId: string): ranker.RankResponse =>
  ranker.RankResponse.fromPartial({
    items,
    sources: [{ source: 'features', state: common.SourceState.SOURCE_STATE_OK, latencyMs: 1.5, detail: '' }],
    models: [{ model: 'copurchase', version: 'v1' }],
    featureAgeMs: 1200,
    timings: [{ stage: 'user_version', ms: 0.8 }],
    traceId,
    experiment: 'blend-ab',
    variant: 'treatment',
    answerAgeMs,
  });

const plain = (message: ranker.RankResponse) => ranker.RankResponse.decode(ranker.RankResponse.encode(message).finish());

describe('serializeRankResponse', () => {
  it('gives the bytes of a message that decodes as the plain encoding does', () => {
    const message = response([item('85123A', 0.9), item('22423', 0.5)], 0, 'a'.repeat(32));
    expect(ranker.RankResponse.decode(serializeRankResponse(message))).toEqual(plain(message));
  });

  it('serves a held page again with each call its own ages, timings and trace id', () => {
    const page = [item('85123A', 0.9), item('22423', 0.5), item('47566', 0.25)];
    const first = response(page, 0, 'a'.repeat(32));
    // The same held page, sources and models (as the ranker reuses them), with this call's own fields.
    const again = { ...first, answerAgeMs: 4_000, traceId: 'b'.repeat(32), timings: [{ stage: 'user_version', ms: 2.25 }], featureAgeMs: 9_000 };
    expect(ranker.RankResponse.decode(serializeRankResponse(first))).toEqual(plain(first));
    const decoded = ranker.RankResponse.decode(serializeRankResponse(again));
    expect(decoded).toEqual(plain(again));
    expect(decoded.items.map((entry) => entry.productId)).toEqual(['85123A', '22423', '47566']);
    expect([decoded.answerAgeMs, decoded.traceId, decoded.featureAgeMs]).toEqual([4_000, 'b'.repeat(32), 9_000]);
  });

  it('encodes a held page again when the call has sources of its own (a failed version check)', () => {
    const page = [item('85123A', 0.9)];
    const held = response(page, 0, '');
    const unchecked = { ...held, answerAgeMs: 2_000, sources: [{ source: 'features', state: common.SourceState.SOURCE_STATE_FALLBACK, latencyMs: 80, detail: 'user version not checked' }] };
    expect(ranker.RankResponse.decode(serializeRankResponse(held))).toEqual(plain(held));
    expect(ranker.RankResponse.decode(serializeRankResponse(unchecked))).toEqual(plain(unchecked));
    expect(ranker.RankResponse.decode(serializeRankResponse({ ...held, answerAgeMs: 3_000 }))).toEqual(plain({ ...held, answerAgeMs: 3_000 }));
  });

  it('encodes an empty page', () => {
    const message = response([], 0, '');
    expect(ranker.RankResponse.decode(serializeRankResponse(message))).toEqual(plain(message));
  });
});
