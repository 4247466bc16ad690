import { describe, expect, it } from 'vitest';
import { sale } from '../testing/lines';
import { popular, recentPopular } from './popular';
import { popularityRanking } from './popularity';

const NONE: ReadonlySet<string> = new Set();
const at = '2011-05-01 10:00:00';
// P1: 3 customers / 3 invoices. P2: 1 customer / 5 invoices. P3 and P4: 2 customers / 2 invoices each.
const lines = [
  sale('u1', '1', '10001', at),
  sale('u2', '2', '10001', at),
  sale('u3', '3', '10001', at),
  ...['4', '5', '6', '7', '8'].map((inv) => sale('u4', inv, '10002', at)),
  sale('u1', '1', '10003', at),
  sale('u2', '2', '10003', at),
  sale('u3', '3', '10004', at),
  sale('u4', '4', '10004', at),
  sale('u1', 'C9', '10009', at, { quantity: -50 }), // cancellation: never counted
  ...['u1', 'u2', 'u3', 'u4', 'u5'].map((u) => sale(u, `p${u}`, 'POST', at)), // non-product: never counted
];

describe('popularityRanking', () => {
  it('ranks by distinct customers, then invoices, then code', () => {
    expect(popularityRanking(lines)).toEqual(['10001', '10003', '10004', '10002']);
  });

  it('can rank by distinct invoices instead', () => {
    expect(popularityRanking(lines, 'invoices')).toEqual(['10002', '10001', '10003', '10004']);
  });
});

describe('popular', () => {
  const recommend = popular(lines);

  it('gives everyone the same list, cut to k', () => {
    expect(recommend('u1', { k: 3, exclude: NONE })).toEqual(['10001', '10003', '10004']);
    expect(recommend('nobody', { k: 10, exclude: NONE })).toEqual(['10001', '10003', '10004', '10002']);
  });

  it('skips excluded items', () => {
    expect(recommend('u1', { k: 2, exclude: new Set(['10001', '10004']) })).toEqual(['10003', '10002']);
  });
});

describe('recentPopular', () => {
  const cut = '2011-06-01';
  // `at` (2011-05-01 10:00) is 31 days before the cut: outside the default window [2011-05-02, 2011-06-01).
  // Before the cut: 10004 has 4 customers, 10001 and 10003 3 customers / 3 invoices each, 10002 2 customers.
  const recentLines = [
    ...lines,
    sale('u5', '20', '10004', '2011-05-02 00:00:00'), // exactly 30 days before the cut: in the window
    sale('u6', '21', '10002', '2011-05-01 23:59:00'), // one minute earlier: outside
    sale('u7', '22', '10003', '2011-05-20 10:00:00'),
    sale('u8', '23', '10004', '2011-05-25 10:00:00'),
    sale('u9', '24', '10005', '2011-06-01 00:00:00'), // at the cut: ignored everywhere
    sale('u9', '24', '10002', '2011-06-01 00:00:00'),
  ];

  it('ranks the last 30 days before the cut, then pads with popularity before the cut', () => {
    const recommend = recentPopular(recentLines, { cut });
    expect(recommend('u1', { k: 2, exclude: NONE })).toEqual(['10004', '10003']);
    expect(recommend('u1', { k: 6, exclude: new Set(['10003']) })).toEqual(['10004', '10001', '10002']);
  });

  it('takes the window length as a parameter', () => {
    // 15 days: 10003 and 10004 once each, tie broken by code.
    expect(recentPopular(recentLines, { cut, days: 15 })('u1', { k: 2, exclude: NONE })).toEqual(['10003', '10004']);
    // 5 days: empty window, so all padding.
    expect(recentPopular(recentLines, { cut, days: 5 })('u1', { k: 2, exclude: NONE })).toEqual(['10004', '10001']);
    expect(() => recentPopular(recentLines, { cut, days: 0 })).toThrow(/days must be positive/);
  });
});
