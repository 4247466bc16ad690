import { describe, expect, it } from 'vitest';
import { common, ranker } from '@aisle/contracts';
import { readRankOutcome } from './rank-outcome';

const S = common.SourceState;
const source = (name: string, state: common.SourceState) => ({ source: name, state, detail: state === S.SOURCE_STATE_OK ? '' : 'late', latencyMs: 12.5 });
const bytes = (response: Partial<ranker.RankResponse>) => ranker.RankResponse.encode(ranker.RankResponse.fromPartial(response)).finish();
const items = Array.from({ length: 10 }, (_, i) => ({
  productId: `P${i}`,
  description: `product ${i}`,
  score: 1 - i / 10,
  breakdown: { copurchase: 0.1, affinity: 0.2, popularity: 0.3, repeat: 0.4, context: 0 },
  candidateSources: ['copurchase', 'popular'],
  explanations: [{ feature: 'f', value: 2, contribution: 0.5 }],
}));

describe('readRankOutcome', () => {
  it('reads a whole computed answer as neither degraded nor reused, past items, models and timings', () => {
    const answer = bytes({
      items,
      sources: [source('features', S.SOURCE_STATE_OK), source('copurchase', S.SOURCE_STATE_SKIPPED), source('affinity', S.SOURCE_STATE_OK)],
      models: [{ model: 'affinity', version: 'v1' }],
      featureAgeMs: 1234,
      timings: [{ stage: 'candidates', ms: 3.5 }],
      traceId: 'a'.repeat(32),
      experiment: 'e',
      variant: 'v',
    });
    expect(readRankOutcome(answer)).toEqual({ degraded: false, reused: false });
  });

  it('reads any source that is not OK or skipped as degraded, wherever it is in the list', () => {
    for (const state of [S.SOURCE_STATE_TIMEOUT, S.SOURCE_STATE_FAILED, S.SOURCE_STATE_FALLBACK]) {
      const answer = bytes({ items, sources: [source('features', S.SOURCE_STATE_OK), source('affinity', S.SOURCE_STATE_OK), source('copurchase', state)] });
      expect(readRankOutcome(answer)).toEqual({ degraded: true, reused: false });
    }
  });

  it('reads a positive answer age as reused, whatever comes after it', () => {
    const answer = bytes({ items, sources: [source('features', S.SOURCE_STATE_OK)], answerAgeMs: 5_000_000_000 });
    expect(readRankOutcome(answer)).toEqual({ degraded: false, reused: true });
    // The kept bytes then the call's own (how the ranker serializes a reused answer) parse the same way.
    const merged = Buffer.concat([bytes({ items, sources: [source('popular', S.SOURCE_STATE_FAILED)] }), bytes({ answerAgeMs: 7, traceId: 'b'.repeat(32) })]);
    expect(readRankOutcome(merged)).toEqual({ degraded: true, reused: true });
  });

  it('agrees with the full decode on every combination', () => {
    for (const state of Object.values(S).filter((value): value is common.SourceState => typeof value === 'number' && value >= 0)) {
      for (const answerAgeMs of [0, 1, 90_000]) {
        const answer = bytes({ items, sources: [source('features', S.SOURCE_STATE_OK), source('popular', state)], answerAgeMs });
        const decoded = ranker.RankResponse.decode(answer);
        expect(readRankOutcome(answer)).toEqual({
          degraded: !decoded.sources.every((s) => s.state === S.SOURCE_STATE_OK || s.state === S.SOURCE_STATE_SKIPPED),
          reused: decoded.answerAgeMs > 0,
        });
      }
    }
  });

  it('refuses bytes that are not a message', () => {
    expect(() => readRankOutcome(Uint8Array.from([0x12, 0x20, 0x08]))).toThrow();
  });
});
