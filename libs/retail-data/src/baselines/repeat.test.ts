import { describe, expect, it } from 'vitest';
import { sale } from '../testing/lines';
import { repeat } from './repeat';

const NONE: ReadonlySet<string> = new Set();

// u1: 10002 in 3 invoices; 10001 and 10003 in 1 invoice each, 10001 bought later; 10005 twice on one invoice.
// Popularity (customers): 10004 (u2, u3, u4), 10001 (u1, u2), then the rest by invoices and code.
const lines = [
  sale('u1', '1', '10002', '2011-01-01 10:00:00'),
  sale('u1', '1', '10003', '2011-01-01 10:00:00'),
  sale('u1', '2', '10002', '2011-02-01 10:00:00'),
  sale('u1', '3', '10002', '2011-03-01 10:00:00'),
  sale('u1', '3', '10001', '2011-03-01 10:00:00'),
  sale('u1', '3', '10005', '2011-03-01 10:00:00'),
  sale('u1', '3', '10005', '2011-03-01 10:00:00', { quantity: 40 }),
  sale('u1', 'C4', '10003', '2011-03-02 10:00:00', { quantity: -1 }), // cancellations count for nothing
  sale('u1', 'C5', '10003', '2011-03-03 10:00:00', { quantity: -1 }),
  sale('u2', '6', '10004', '2011-01-05 10:00:00'),
  sale('u2', '6', '10001', '2011-01-05 10:00:00'),
  sale('u3', '7', '10004', '2011-01-06 10:00:00'),
  sale('u4', '8', '10004', '2011-01-07 10:00:00'),
];

describe('repeat', () => {
  const recommend = repeat(lines);

  it('ranks own items by invoices, then recency, then code; then pads with popular', () => {
    // 10002 (3 invoices); then 1-invoice items: 10001 and 10005 (2011-03-01, tie → code), 10003 (2011-01-01); then 10004.
    expect(recommend('u1', { k: 10, exclude: NONE })).toEqual(['10002', '10001', '10005', '10003', '10004']);
    expect(recommend('u1', { k: 2, exclude: NONE })).toEqual(['10002', '10001']);
  });

  it('excludes train items, which leaves popular', () => {
    expect(recommend('u1', { k: 3, exclude: new Set(['10001', '10002', '10003', '10005']) })).toEqual(['10004']);
    expect(recommend('u2', { k: 2, exclude: new Set(['10004', '10001']) })).toEqual(['10002', '10003']);
  });

  it('gives unknown users popular products', () => {
    expect(recommend('stranger', { k: 3, exclude: NONE })).toEqual(['10004', '10001', '10002']);
  });
});
