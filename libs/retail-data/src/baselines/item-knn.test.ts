import { describe, expect, it } from 'vitest';
import { sale } from '../testing/lines';
import { cosineNeighbors } from './cosine-neighbors';
import { itemKnn } from './item-knn';

const NONE: ReadonlySet<string> = new Set();
const at = '2011-05-01 10:00:00';
const [A, B, C, D] = ['10001', '10002', '10003', '10004'];

// Baskets: {A,B} {A,B} {A,C} {D} {B,C} {B}. n(A)=3, n(B)=4, n(C)=2, n(D)=1.
// sim(A,B) = 2/√12 ≈ 0.577, sim(A,C) = 1/√6 ≈ 0.408, sim(B,C) = 1/√8 ≈ 0.354; D has no neighbours.
// Popularity (customers): B (u1,u2,u5,u6), A (u1,u2,u3), C (u3,u5), D (u4).
const lines = [
  sale('u1', '1', A, at),
  sale('u1', '1', B, at),
  sale('u2', '2', A, at),
  sale('u2', '2', B, at),
  sale('u3', '3', A, at),
  sale('u3', '3', C, at),
  sale('u4', '4', D, at),
  sale('u5', '5', B, at),
  sale('u5', '5', C, at),
  sale('u6', '6', B, at),
  sale('u6', '6', B, at), // same product twice in an invoice: still one basket
  sale('u4', 'C7', A, at, { quantity: -1 }), // cancellation: not a basket, not part of u4's profile
  sale('u6', '8', 'POST', at),
];

describe('cosineNeighbors', () => {
  it('computes cosine over basket co-occurrence, without self-similarity', () => {
    const nn = cosineNeighbors([[A, B], [A, B], [A, C], [D], [B, C], [B]]);
    expect(nn.codes).toEqual([A, B, C, D]);
    expect([...nn.basketCount]).toEqual([3, 4, 2, 1]);
    const row = (code: string): Record<string, number> => {
      const i = nn.idOf.get(code) ?? -1;
      return Object.fromEntries([...nn.neighborIds[i]].map((j, p) => [nn.codes[j], nn.neighborSims[i][p]]));
    };
    expect(row(A)).toEqual({ [B]: 2 / Math.sqrt(12), [C]: 1 / Math.sqrt(6) });
    expect(row(B)).toEqual({ [A]: 2 / Math.sqrt(12), [C]: 1 / Math.sqrt(8) });
    expect(row(C)).toEqual({ [A]: 1 / Math.sqrt(6), [B]: 1 / Math.sqrt(8) });
    expect(row(D)).toEqual({});
  });

  it('keeps the strongest neighbours when truncated', () => {
    const nn = cosineNeighbors([[A, B], [A, B], [A, C], [D], [B, C], [B]], 1);
    expect(nn.neighborIds.map((ids) => [...ids].map((j) => nn.codes[j]))).toEqual([[B], [A], [A], []]);
    expect(() => cosineNeighbors([], 0)).toThrow(/at least 1/);
  });
});

describe('itemKnn', () => {
  const recommend = itemKnn(lines);

  it('sums similarity to the user’s items; ties go to the more popular item', () => {
    // u1 {A,B}: C = 0.408 + 0.354 = 0.762; A = B = 0.577 (tie → B, more customers); D by padding.
    expect(recommend('u1', { k: 10, exclude: NONE })).toEqual([C, B, A, D]);
    // u3 {A,C}: B = 0.577 + 0.354 = 0.931; A = C = 0.408 (tie → A); D by padding.
    expect(recommend('u3', { k: 10, exclude: NONE })).toEqual([B, A, C, D]);
    expect(recommend('u3', { k: 2, exclude: NONE })).toEqual([B, A]);
  });

  it('excludes items and pads with popular; users without neighbours get popular', () => {
    expect(recommend('u1', { k: 3, exclude: new Set([A, B]) })).toEqual([C, D]);
    expect(recommend('u4', { k: 3, exclude: NONE })).toEqual([B, A, C]);
    expect(recommend('stranger', { k: 2, exclude: new Set([B]) })).toEqual([A, C]);
  });

  it('gives the same answer on repeated calls (scratch state is reset)', () => {
    const first = recommend('u3', { k: 4, exclude: NONE });
    recommend('u1', { k: 4, exclude: NONE });
    expect(recommend('u3', { k: 4, exclude: NONE })).toEqual(first);
  });

  it('can limit neighbours per item', () => {
    // Rows keep 1 neighbour: A→B, B→A, C→A. u3 {A,C}: B = 0.577 (from A), A = 0.408 (from C); C, D by padding.
    expect(itemKnn(lines, { neighbors: 1 })('u3', { k: 10, exclude: NONE })).toEqual([B, A, C, D]);
    // u5 {B,C}: A = 0.577 + 0.408; nothing else scored, so the rest is popular padding.
    expect(itemKnn(lines, { neighbors: 1 })('u5', { k: 2, exclude: NONE })).toEqual([A, B]);
  });
});
