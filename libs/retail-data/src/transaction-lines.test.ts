import { describe, expect, it } from 'vitest';
import { LineNumbering, toTransactionLine } from './transaction-lines';

describe('transaction lines', () => {
  it('numbers lines within their invoice, deterministically', () => {
    const numbering = new LineNumbering();
    expect(['536365', '536365', '536366', '536365'].map((invoice) => numbering.next(invoice))).toEqual(['536365:1', '536365:2', '536366:1', '536365:3']);
  });

  it('maps a dataset line to Ingest fields, anonymous buyers as an empty user id', () => {
    const line = { invoiceNo: '536365', stockCode: '85123A', description: 'WHITE HANGING HEART T-LIGHT HOLDER', quantity: 6, invoiceDate: 1_291_191_960_000, unitPrice: 2.55, customerId: null, country: 'United Kingdom' };
    expect(toTransactionLine(line, '536365:1')).toEqual({
      lineId: '536365:1',
      invoiceNo: '536365',
      productId: '85123A',
      description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      unitPrice: 2.55,
      timeUnixMs: 1_291_191_960_000,
      userId: '',
      country: 'United Kingdom',
    });
  });
});
