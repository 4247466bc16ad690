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
    expect(result).toMatchObject({ slates: 12, scored: 10, pending: 2, servings: 12, scoredServings: 10 }); // "late" is outside the window
    expect(control.servings).toBe(4); // one serving a row: none of the test log's slates sets `servings`
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
    expect(markdown).toContain('12 read (servings 12), 10 scored (servings 10), 2 pending');
    expect(markdown).toMatch(/\| control \| no \| 4 \| 4 \| 3 \| 1 \| 0\.7500 \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.]+\] \| 0\.4000 \(8\) \|/);
    expect(markdown).toMatch(/\| shadow-x \| control \| 2 \| 2 \| 1 \| 1 \| 0\.5000 \[/);
  });
});

describe('slates standing for several servings of a held page', () => {
  // a buys A on day 2, c buys C and d buys D on day 1; b buys nothing.
  const purchases = PurchaseIndex.of([purchase('a', 'A', day(2)), purchase('c', 'C', day(1)), purchase('d', 'D', day(1)), purchase(null, 'Z', day(30))]);
  const page = ['X', 'Y', 'A']; // A at rank 3: HR 1, NDCG 1/log2(4) = 0.5 when A is the only product bought
  const others = [
    slate({ id: 'a1', user: 'a', asOf: T0, served: page }), // the computed page: (1, 0.5)
    slate({ id: 'b1', user: 'b', asOf: T0, served: ['A'] }), // (0, 0)
    slate({ id: 'c1', user: 'c', asOf: T0, served: ['C'] }), // (1, 1)
    slate({ id: 'd1', user: 'd', asOf: T0, served: ['X', 'Y', 'D'] }), // (1, 0.5)
    slate({ id: 'd2', user: 'd', asOf: T0, served: ['B'] }), // (0, 0)
  ];
  // The page served again three times from day 1 (A still bought after that as-of): (1, 0.5) each.
  const repeat = { user: 'a', asOf: day(1), served: page };
  const expanded = [...others, ...['r1', 'r2', 'r3'].map((id, i) => slate({ ...repeat, id, servedAt: day(1) + i * 3_600_000, servings: 1 }))];
  const aggregated = [...others, slate({ ...repeat, id: 'r', servedAt: day(1), lastServedAt: day(1) + 2 * 3_600_000, servings: 3, repeatOf: 'a1' })];

  it('counts a row of n servings as n identical slates of its user: the same estimates and intervals as n rows', () => {
    const rows = replay(expanded, purchases).groups;
    const held = replay(aggregated, purchases).groups;
    expect(rows).toHaveLength(1);
    expect(held).toHaveLength(1);
    expect(rows[0]).toMatchObject({ slates: 8, servings: 8, users: 4, pending: 0 });
    expect(held[0]).toMatchObject({ slates: 6, servings: 8, users: 4, pending: 0 });
    // Servings: a 4 × (1, 0.5), b (0, 0), c (1, 1), d (1, 0.5) and (0, 0): HR 6/8, NDCG 3.5/8 (by rows it would be 4/6 and 2.5/6).
    expect(held[0]!.hr!.value).toBe(3 / 4);
    expect(held[0]!.ndcg!.value).toBe(7 / 16);
    // The intervals: the bootstrap of the hand-made user clusters (ordered by user hash, as replay orders them), for the same seed.
    const clusters = [
      { user: 'a', count: 4, sums: [4, 2] },
      { user: 'b', count: 1, sums: [0, 0] },
      { user: 'c', count: 1, sums: [1, 1] },
      { user: 'd', count: 2, sums: [1, 0.5] },
    ].sort((x, y) => (hashUserId(x.user) < hashUserId(y.user) ? -1 : 1));
    const [hr, ndcg] = clusterBootstrap(clusters, 2, { resamples: DEFAULT_REPLAY_OPTIONS.resamples, seed: DEFAULT_REPLAY_OPTIONS.seed }).estimates;
    expect(held[0]!.hr).toEqual(hr);
    expect(held[0]!.ndcg).toEqual(ndcg);
    expect(hr!.high - hr!.low).toBeGreaterThan(0);
    expect(rows[0]!.hr).toEqual(held[0]!.hr);
    expect(rows[0]!.ndcg).toEqual(held[0]!.ndcg);
    expect({ ...rows[0], slates: 0 }).toEqual({ ...held[0], slates: 0 });
    expect(replay(aggregated, purchases)).toMatchObject({ slates: 6, scored: 6, pending: 0, servings: 8, scoredServings: 8 });
  });

  it('reads servings 0 as 1', () => {
    const zero = expanded.map((s) => ({ ...s, servings: 0 }));
    expect(replay(zero, purchases)).toEqual(replay(expanded, purchases));
    expect(replay(zero, purchases)).toMatchObject({ slates: 8, servings: 8, groups: [{ slates: 8, servings: 8 }] });
  });

  it('leaves the shadow pairs alone: a repeat row of a served page is its own request, weighted in its group only', () => {
    const all = replay(ALL, PurchaseIndex.of(lines), WINDOW);
    // Four more servings of s1's page (u1 bought A on day 1 and B on day 2, both after the repeat's as-of): HR 1, NDCG n1 each.
    const s1r = slate({ id: 's1-r', user: 'u1', asOf: T0 + 3_600_000, served: ['X', 'A', 'Y', 'B'], servings: 4, lastServedAt: T0 + 5 * 3_600_000, repeatOf: 's1' });
    const withRepeat = replay([s1r, ...ALL], PurchaseIndex.of(lines), WINDOW);
    expect(withRepeat.shadows).toEqual(all.shadows);
    expect(withRepeat.shadows[0]).toMatchObject({ pairs: 2, pending: 1, unpaired: 1 });
    expect(withRepeat).toMatchObject({ slates: 13, scored: 11, pending: 2, servings: 16, scoredServings: 14 });
    const control = group(withRepeat.groups, 'control');
    expect(control).toMatchObject({ slates: 5, servings: 8, users: 3, pending: 1 });
    const n1 = dcg([1, 3]) / dcg([0, 1]);
    expect(control.hr!.value).toBe(7 / 8);
    expect(control.ndcg!.value).toBeCloseTo((5 * n1 + 0 + 0.5 + 1) / 8, 12);
    expect(group(withRepeat.groups, 'treatment')).toEqual(group(all.groups, 'treatment'));
    const markdown = replayMarkdown(withRepeat);
    expect(markdown).toContain('13 read (servings 16), 11 scored (servings 14), 2 pending');
    expect(markdown).toMatch(/\| control \| no \| 5 \| 8 \| 3 \| 1 \| 0\.8750 \[/);
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
