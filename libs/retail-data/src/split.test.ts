import { describe, expect, it } from 'vitest';
import { temporalSplit } from './split';
import { sale } from './testing/lines';

// Cut 2011-06-01: lines before go to train, lines at or after it to test.
const lines = [
  sale('u1', '1', '10001', '2011-05-01 10:00:00'),
  sale('u1', '1', '10002', '2011-05-01 10:00:00'),
  sale('u1', '5', '10001', '2011-06-01 00:00:00'), // exactly at the cut: test side
  sale('u1', '5', '10003', '2011-06-02 09:00:00'),
  sale('u1', 'C6', '10004A', '2011-06-03 09:00:00', { quantity: -1 }), // cancellation: ignored
  sale('u1', '7', 'POST', '2011-06-03 09:00:00'), // not a product: ignored
  sale('u2', '2', '10001', '2011-05-02 10:00:00'),
  sale('u2', '8', '10001', '2011-06-05 10:00:00'), // only a repeat: in "all", not in "new"
  sale('u3', '9', '10002', '2011-06-05 10:00:00'), // only after the cut: not a test user
  sale('u4', '3', '10002', '2011-05-03 10:00:00'), // only before the cut: not a test user
  sale('u5', '4', '10002', '2011-05-04 10:00:00'),
  sale('u5', '10', 'POST', '2011-06-06 10:00:00'), // after the cut only unclean lines: not a test user
  sale('u5', '11', '10003', '2011-06-06 10:00:00', { unitPrice: 0 }),
  sale('u5', 'A12', '10003', '2011-06-06 10:00:00'),
  sale(null, '13', '10003', '2011-06-06 10:00:00'), // anonymous: ignored
  sale('u6', '14', '10004A', '2011-05-31 23:59:00'), // last minute before the cut: train
  sale('u6', '15', '10004A', '2011-06-07 10:00:00', { quantity: 0 }),
];

describe('temporalSplit', () => {
  const split = temporalSplit(lines, { cut: '2011-06-01' });

  it('puts clean lines before the cut in train and the rest in test', () => {
    expect(split.cut).toBe(Date.UTC(2011, 5, 1));
    expect(split.train.map((l) => `${l.customerId}/${l.stockCode}`)).toEqual([
      'u1/10001',
      'u1/10002',
      'u2/10001',
      'u4/10002',
      'u5/10002',
      'u6/10004A',
    ]);
    expect(split.test.map((l) => `${l.customerId}/${l.stockCode}`)).toEqual(['u1/10001', 'u1/10003', 'u2/10001', 'u3/10002']);
  });

  it('takes as test users only customers with clean purchases on both sides', () => {
    expect(split.testUsers).toEqual(['u1', 'u2']);
    expect(split.all.users).toEqual(['u1', 'u2']);
  });

  it('all view: distinct products after the cut, repeats included', () => {
    expect([...(split.all.truth.get('u1') ?? [])]).toEqual(['10001', '10003']);
    expect([...(split.all.truth.get('u2') ?? [])]).toEqual(['10001']);
  });

  it('new view: train items removed; users left with nothing dropped', () => {
    expect(split.new.users).toEqual(['u1']);
    expect([...(split.new.truth.get('u1') ?? [])]).toEqual(['10003']);
    expect(split.new.truth.has('u2')).toBe(false);
  });

  it('records every customer’s train items', () => {
    expect(Object.fromEntries([...split.trainItems].map(([u, s]) => [u, [...s]]))).toEqual({
      u1: ['10001', '10002'],
      u2: ['10001'],
      u4: ['10002'],
      u5: ['10002'],
      u6: ['10004A'],
    });
  });

  it('takes the cut as a parameter', () => {
    const later = temporalSplit(lines, { cut: '2011-06-04' });
    expect(later.testUsers).toEqual(['u2']);
    expect(later.train).toHaveLength(8);
    const early = temporalSplit(lines, { cut: Date.UTC(2011, 4, 2) });
    expect(early.testUsers).toEqual(['u1']);
    expect([...(early.new.truth.get('u1') ?? [])]).toEqual(['10003']);
  });

  it('uses 2011-11-09 by default', () => {
    expect(temporalSplit([]).cut).toBe(Date.UTC(2011, 10, 9));
  });
});
