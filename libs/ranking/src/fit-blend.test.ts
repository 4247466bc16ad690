import { seededRandom } from '@aisle/retail-data';
import { describe, expect, it } from 'vitest';
import { BLEND_PARTS, type BlendPart } from './blend';
import { BlendProblem, fitBlend, type FitCandidate, type FitList } from './fit-blend';

const zero = (): Record<BlendPart, number> => ({ copurchase: 0, affinity: 0, popularity: 0, repeat: 0, context: 0 });

/** Users whose truth is the top `relevant` candidates by one signal; every other signal is noise. */
function alignedWith(part: BlendPart, users: number, seed: number, relevant = 3): FitList[] {
  const next = seededRandom(seed);
  return Array.from({ length: users }, (_, u) => {
    const candidates: FitCandidate[] = Array.from({ length: 30 }, (_, c) => {
      const signals = zero();
      for (const p of BLEND_PARTS) signals[p] = next();
      // Distinct families (5 leading digits) so diversity never interferes here.
      return { productId: String(10000 + u * 100 + c), signals };
    });
    const truth = new Set([...candidates].sort((a, b) => b.signals[part] - a.signals[part]).slice(0, relevant).map((c) => c.productId));
    return { candidates, truth };
  });
}

describe('the blend objective', () => {
  it('scores a hand-made page like the protocol does (binary gains, ideal over min(|truth|, k))', () => {
    const c = (productId: string, affinity: number): FitCandidate => ({ productId, signals: { ...zero(), affinity } });
    const list: FitList = { candidates: [c('10001', 0.9), c('10002', 0.8), c('10003', 0.7)], truth: new Set(['10002', '99999']) };
    const problem = new BlendProblem([{ name: 'all', lists: [list] }], { k: 10 });
    // Hit at rank 2 of 2 ideal positions: (1/log2 3) / (1 + 1/log2 3).
    const expected = 1 / Math.log2(3) / (1 + 1 / Math.log2(3));
    expect(problem.evaluate({ ...zero(), affinity: 1 }).objective).toBeCloseTo(expected, 12);
  });

  it('drops excluded products and keeps at most maxPerFamily variants, as the ranker does', () => {
    const c = (productId: string, repeat: number): FitCandidate => ({ productId, signals: { ...zero(), repeat } });
    // 85099B/C/F are one family: with 2 per family and k = 2, 85099F (relevant) never shows unless 85099B is excluded.
    const candidates = [c('85099B', 0.9), c('85099C', 0.8), c('85099F', 0.7)];
    const weights = { ...zero(), repeat: 1 };
    const withFamily = new BlendProblem([{ name: 'v', lists: [{ candidates, truth: new Set(['85099F']) }] }], { k: 2 });
    expect(withFamily.evaluate(weights).objective).toBe(0);
    const excluded = new BlendProblem([{ name: 'v', lists: [{ candidates, truth: new Set(['85099F']), exclude: new Set(['85099B']) }] }], { k: 2 });
    expect(excluded.evaluate(weights).objective).toBeCloseTo(1 / Math.log2(3), 12);
  });
});

describe('fitBlend', () => {
  it('recovers the signal the truth follows and ranks perfectly with it', () => {
    const lists = alignedWith('context', 60, 7);
    const fit = fitBlend([{ name: 'all', lists }]);
    expect(fit.uniformObjective).toBeLessThan(0.8);
    expect(fit.objective).toBeGreaterThan(0.99);
    const strongest = BLEND_PARTS.reduce((a, b) => (fit.weights[a] >= fit.weights[b] ? a : b));
    expect(strongest).toBe('context');
    expect(fit.weights.context).toBeGreaterThan(0.5);
    expect(BLEND_PARTS.reduce((sum, part) => sum + fit.weights[part], 0)).toBeCloseTo(1, 5);
  });

  it('balances two views: one follows repeat, the other (no repeat signal) copurchase', () => {
    const all = alignedWith('repeat', 40, 11);
    const fresh = alignedWith('copurchase', 40, 13).map((list) => ({ ...list, candidates: list.candidates.map((c) => ({ ...c, signals: { ...c.signals, repeat: 0 } })) }));
    const fit = fitBlend([
      { name: 'all', lists: all },
      { name: 'new', lists: fresh },
    ]);
    expect(fit.perView.new).toBeGreaterThan(0.95);
    expect(fit.perView.all).toBeGreaterThan(0.9);
    expect(fit.weights.repeat).toBeGreaterThan(fit.weights.affinity + fit.weights.popularity + fit.weights.context);
    expect(fit.weights.copurchase).toBeGreaterThan(fit.weights.affinity + fit.weights.popularity + fit.weights.context);
  });

  it('is deterministic', () => {
    const lists = alignedWith('affinity', 30, 3);
    expect(fitBlend([{ name: 'all', lists }], { seed: 5 })).toEqual(fitBlend([{ name: 'all', lists }], { seed: 5 }));
  });
});
