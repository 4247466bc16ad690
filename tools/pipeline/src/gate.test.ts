import { describe, expect, it } from 'vitest';
import type { Figures } from './evaluation';
import { decide } from './gate';

const figures = (allNdcg: number, newNdcg: number, allHr: number, newHr: number): Figures => ({
  all: { ndcg: allNdcg, hr: allHr, recall: 0.1, users: 100 },
  new: { ndcg: newNdcg, hr: newHr, recall: 0.05, users: 90 },
});
const production = figures(0.37, 0.1, 0.87, 0.49);

describe('promotion gate', () => {
  it('promotes a candidate that beats production on NDCG@10 in both views without losing HR@10', () => {
    const decision = decide({ candidate: figures(0.38, 0.11, 0.87, 0.5), production, sameAsProduction: false, hrTolerance: 0 });
    expect(decision.promote).toBe(true);
    expect(decision.checks.map((check) => check.pass)).toEqual([true, true, true, true]);
  });

  it('refuses a candidate that is better in one view only, or merely equal', () => {
    expect(decide({ candidate: figures(0.4, 0.09, 0.9, 0.5), production, sameAsProduction: false, hrTolerance: 0.01 })).toMatchObject({ promote: false, reason: expect.stringContaining('NDCG@10 (new)') });
    expect(decide({ candidate: figures(0.36, 0.2, 0.9, 0.6), production, sameAsProduction: false, hrTolerance: 0.01 })).toMatchObject({ promote: false, reason: expect.stringContaining('NDCG@10 (all)') });
    expect(decide({ candidate: production, production, sameAsProduction: false, hrTolerance: 0.01 }).promote).toBe(false);
  });

  it('lets HR@10 fall by at most the tolerance', () => {
    const within = figures(0.38, 0.11, 0.865, 0.485);
    expect(decide({ candidate: within, production, sameAsProduction: false, hrTolerance: 0.01 }).promote).toBe(true);
    const beyond = decide({ candidate: within, production, sameAsProduction: false, hrTolerance: 0.004 });
    expect(beyond.promote).toBe(false);
    expect(beyond.checks.filter((check) => !check.pass).map((check) => check.name)).toEqual(['HR@10 (all)', 'HR@10 (new)']);
    expect(decide({ candidate: figures(0.38, 0.11, 0.87, 0.47), production, sameAsProduction: false, hrTolerance: 0.01 })).toMatchObject({ promote: false, reason: expect.stringContaining('HR@10 (new)') });
  });

  it('promotes the first candidate when nothing is in production, and never re-promotes production', () => {
    expect(decide({ candidate: figures(0, 0, 0, 0), sameAsProduction: false, hrTolerance: 0 }).promote).toBe(true);
    expect(decide({ candidate: figures(0.9, 0.9, 1, 1), production, sameAsProduction: true, hrTolerance: 0 })).toMatchObject({ promote: false, reason: 'the candidate is already production' });
  });
});
