import { DAY_MS } from '@aisle/retail-data';
import { hashUserId } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { clusterBootstrap } from './bootstrap';
import { replayMarkdown } from './format';
import { PurchaseIndex } from './purchases';
import { DEFAULT_REPLAY_OPTIONS, replay, type GroupResult, type ReplayOptions } from './replay';
import { ALL, day, lines, purchase, slate, T0 } from './testing';

const dcg = (ranks: number[]) => ranks.reduce((sum, rank) => sum + 1 / Math.log2(rank + 2), 0);
const WINDOW: ReplayOptions = { ...DEFAULT_REPLAY_OPTIONS, fromUnixMs: day(-5), toUnixMs: day(35) };


const group = (groups: GroupResult[], variant: string, shadow = false) => groups.find((g) => g.variant === variant && g.shadow === shadow)!;

describe('replay of logged slates against later purchases', () => {
  const purchases = PurchaseIndex.of(lines);
  const result = replay(ALL, purchases, WINDOW);
  const n1 = dcg([1, 3]) / dcg([0, 1]); // s1: A at rank 1, B at rank 3; two products bought

  it('joins slates to purchases by the hashed user id, in (as-of, as-of + horizon], positive quantities only', () => {
    expect(purchases.catalogueSize).toBe(20);
    expect(purchases.lastUnixMs).toBe(day(30));
    expect([...purchases.bought(hashUserId('u1'), T0, day(7))].sort()).toEqual(['A', 'B']);
    expect([...purchases.bought(hashUserId('u3'), T0, day(7))]).toEqual(['F']);
    expect(purchases.bought(hashUserId('u1'), day(2), day(9)).size).toBe(0);
    expect(purchases.bought('u1', T0, day(7)).size).toBe(0); // the clear id finds nothing
  });

  it('gives the hand-computed HR@10, NDCG@10 and coverage per variant, pending slates excluded', () => {
    const control = group(result.groups, 'control');
    expect(control).toMatchObject({ experiment: 'exp', slates: 4, users: 3, pending: 1, productsServed: 8 });
    expect(control.hr!.value).toBe(3 / 4);
    expect(control.ndcg!.value).toBeCloseTo((n1 + 0 + 0.5 + 1) / 4, 12); // s3: only F (rank 2) was bought after the as-of
    expect(control.coverage).toBe(8 / 20);

    const treatment = group(result.groups, 'treatment');
    // s4: B at rank 9 counts, A at rank 10 is past the cut; s5's as-of is its serve time (day 1.5), so only B was bought after it.
    expect(treatment).toMatchObject({ slates: 2, users: 1, pending: 0, productsServed: 10, coverage: 10 / 20 });
    expect(treatment.hr!.value).toBe(1);
    expect(treatment.ndcg!.value).toBeCloseTo((dcg([9]) / dcg([0, 1]) + 1) / 2, 12);

    const shadow = group(result.groups, 'shadow-x', true);
    expect(shadow).toMatchObject({ slates: 3, users: 3, pending: 1 });
    expect(shadow.hr!.value).toBeCloseTo(2 / 3, 12);
    expect(shadow.ndcg!.value).toBeCloseTo(2 / 3, 12);

    expect(group(result.groups, 'v')).toMatchObject({ experiment: 'other', slates: 1 });
    expect(result).toMatchObject({ slates: 12, scored: 10, pending: 2 }); // "late" is outside the window
  });

  it('pairs each shadow slate with the served slate of its request and gives the known difference', () => {
    expect(result.shadows).toHaveLength(1);
    const s = result.shadows[0]!;
    expect(s).toMatchObject({ experiment: 'exp', variant: 'shadow-x', servedVariants: ['control'], pairs: 2, users: 2, pending: 1, unpaired: 1 });
    // s8 (A, B: both bought) against s1; s9 (D: bought before the as-of) against s2 (nothing bought).
    expect(s.shadow.hr!.value).toBe(1 / 2);
    expect(s.served.hr!.value).toBe(1 / 2);
    expect(s.difference.hr!.value).toBe(0);
    expect(s.shadow.ndcg!.value).toBeCloseTo(1 / 2, 12);
    expect(s.served.ndcg!.value).toBeCloseTo(n1 / 2, 12);
    expect(s.difference.ndcg!.value).toBeCloseTo((1 - n1) / 2, 12);
  });

  it('counts slates as pending until the log reaches the end of their horizon', () => {
    const later = replay(ALL, PurchaseIndex.of([...lines, purchase(null, 'Z', day(32))]), WINDOW);
    expect(group(later.groups, 'control')).toMatchObject({ slates: 5, pending: 0 });
    expect(later.shadows[0]).toMatchObject({ pairs: 3, pending: 0 });
    const shorter = replay(ALL, purchases, { ...WINDOW, horizonMs: 1 * DAY_MS });
    expect(group(shorter.groups, 'control')).toMatchObject({ slates: 5, pending: 0 });
    expect(group(shorter.groups, 'control').hr!.value).toBe(1 / 5); // only s1's A (day 1) is within a day
  });

  it('filters one experiment, pairing its shadows with whatever was served', () => {
    const only = replay(ALL, purchases, { ...WINDOW, experiment: 'other' });
    expect(only.groups.map((g) => g.variant)).toEqual(['v']);
    expect(only.shadows).toEqual([]);
    const exp = replay(ALL, purchases, { ...WINDOW, experiment: 'exp' });
    expect(exp.groups.map((g) => `${g.variant}${g.shadow ? ' (shadow)' : ''}`)).toEqual(['control', 'treatment', 'shadow-x (shadow)']);
    expect(exp.shadows[0]!.pairs).toBe(2);
  });

  it('is deterministic for a seed, whatever order the slates come in, and ignores repeated slate ids', () => {
    const again = replay([...ALL].reverse().concat(ALL.slice(0, 3)), purchases, WINDOW);
    expect(again).toEqual(result);
  });

  it('prints a table per experiment and the shadow comparison', () => {
    const markdown = replayMarkdown(result);
    expect(markdown).toContain('## Experiment exp');
    expect(markdown).toContain('## Experiment other');
    expect(markdown).toMatch(/\| control \| no \| 4 \| 3 \| 1 \| 0\.7500 \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.]+\] \| 0\.4000 \(8\) \|/);
    expect(markdown).toMatch(/\| shadow-x \| control \| 2 \| 2 \| 1 \| 1 \| 0\.5000 \[/);
  });
});

describe('bootstrap intervals over users', () => {
  it('resamples users: a user\u2019s slates stay together', () => {
    // User a: three slates, all hits; user b: one slate, a miss. Resampling users gives only 0, 3/4 or 1.
    const clusters = [
      { count: 3, sums: [3] },
      { count: 1, sums: [0] },
    ];
    const { estimates, replicates } = clusterBootstrap(clusters, 1, { resamples: 500, seed: 7, keepReplicates: true });
    expect(estimates[0]!.value).toBe(3 / 4);
    expect(new Set(replicates!.map(([x]) => x))).toEqual(new Set([0, 3 / 4, 1]));

    // Through the replay: a quarter of the resamples hold only user b, so the lower bound is 0 (resampling
    // the four slates one by one would need all four to be b's miss, 0.4% of the time, and give 0.25).
    const lines = [purchase('a', 'A', day(1)), purchase('b', 'B', day(1)), purchase(null, 'Z', day(30))];
    const slates = [
      slate({ id: 'a1', user: 'a', asOf: T0, served: ['A'] }),
      slate({ id: 'a2', user: 'a', asOf: T0, served: ['A'] }),
      slate({ id: 'a3', user: 'a', asOf: T0, served: ['A'] }),
      slate({ id: 'b1', user: 'b', asOf: T0, served: ['A'] }),
    ];
    const hr = replay(slates, PurchaseIndex.of(lines)).groups[0]!.hr!;
    expect(hr).toEqual({ value: 3 / 4, low: 0, high: 1 });
  });

  it('contains the point estimate and narrows with more users', () => {
    // A population of users with one to four slates each and known outcomes (seeded, not random per run).
    const population = (copies: number) => {
      const lines = [purchase(null, 'Z', day(30))];
      const slates = [];
      for (let copy = 0; copy < copies; copy++) {
        for (let u = 0; u < 40; u++) {
          const user = `c${copy}-u${u}`;
          if (u % 3 === 0) lines.push(purchase(user, `B${u % 5}`, day(2)));
          for (let s = 0; s <= u % 4; s++) slates.push(slate({ id: `${user}-${s}`, user, asOf: T0, served: [`B${(u + s) % 5}`, 'Z'] }));
        }
      }
      return replay(slates, PurchaseIndex.of(lines)).groups[0]!;
    };
    const small = population(1);
    const large = population(10);
    for (const g of [small, large]) {
      for (const e of [g.hr!, g.ndcg!]) {
        expect(e.low).toBeLessThanOrEqual(e.value);
        expect(e.value).toBeLessThanOrEqual(e.high);
        expect(e.high - e.low).toBeGreaterThan(0);
      }
    }
    expect(large.hr!.value).toBeCloseTo(small.hr!.value, 12);
    expect(large.users).toBe(10 * small.users);
    // Ten times the users: the interval about √10 ≈ 3.2 times narrower.
    expect(large.hr!.high - large.hr!.low).toBeLessThan((small.hr!.high - small.hr!.low) / 2);
    expect(large.ndcg!.high - large.ndcg!.low).toBeLessThan((small.ndcg!.high - small.ndcg!.low) / 2);
  });
});
