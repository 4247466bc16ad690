import { describe, expect, it } from 'vitest';
import { invoiceBaskets } from './baskets';
import { sale } from './testing/lines';

const lines = [
  sale('u1', '1', '10001', '2011-01-01 10:00:00'),
  sale('u1', '1', '10002', '2011-01-01 10:00:00'),
  sale('u1', '1', '10001', '2011-01-01 10:00:00'), // same product twice in one invoice
  sale('u1', '1', 'POST', '2011-01-01 10:00:00'),
  sale('u2', '2', '10003', '2011-01-02 10:00:00'),
  sale('u2', 'C3', '10003', '2011-01-03 10:00:00', { quantity: -1 }),
  sale(null, '4', '10001', '2011-01-04 10:00:00'),
  sale(null, '4', '10004', '2011-01-04 10:00:00'),
];

describe('invoiceBaskets', () => {
  it('gives distinct products per clean invoice, in order', () => {
    expect(invoiceBaskets(lines)).toEqual([['10001', '10002'], ['10003']]);
  });

  it('can include anonymous invoices', () => {
    expect(invoiceBaskets(lines, { anonymous: true })).toEqual([['10001', '10002'], ['10003'], ['10001', '10004']]);
  });
});
