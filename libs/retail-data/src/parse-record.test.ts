import { describe, expect, it } from 'vitest';
import { assertRetailHeader, RETAIL_CSV_HEADER, toRetailLine } from './parse-record';

describe('toRetailLine', () => {
  it('types every field', () => {
    const line = toRetailLine(['536365', '85123A', 'WHITE HANGING HEART T-LIGHT HOLDER', '6', '2010-12-01 08:26:00', '2.55', '17850', 'United Kingdom'], 1);
    expect(line).toEqual({
      invoiceNo: '536365',
      stockCode: '85123A',
      description: 'WHITE HANGING HEART T-LIGHT HOLDER',
      quantity: 6,
      invoiceDate: Date.UTC(2010, 11, 1, 8, 26),
      unitPrice: 2.55,
      customerId: '17850',
      country: 'United Kingdom',
    });
  });

  it('maps a missing customer to null and keeps an empty description and spaces as they are', () => {
    const line = toRetailLine(['C536379', 'D', ' Discount ', '-1', '2010-12-01 09:41:00', '27.5', '', 'United Kingdom'], 7);
    expect(line.customerId).toBeNull();
    expect(line.description).toBe(' Discount ');
    expect(line.quantity).toBe(-1);
    expect(toRetailLine(['536414', '22139', '', '56', '2010-12-01 11:52:00', '0.0', '', 'United Kingdom'], 8).description).toBe('');
  });

  it('keeps the previous date right when consecutive lines change timestamp', () => {
    const a = toRetailLine(['1', '10001', '', '1', '2011-01-01 10:00:00', '1', '1', 'X'], 1);
    const b = toRetailLine(['2', '10001', '', '1', '2011-01-01 10:01:00', '1', '1', 'X'], 2);
    const c = toRetailLine(['3', '10001', '', '1', '2011-01-01 10:01:00', '1', '1', 'X'], 3);
    expect([b.invoiceDate - a.invoiceDate, c.invoiceDate - b.invoiceDate]).toEqual([60_000, 0]);
  });

  it.each([
    [['1', '10001', 'x', '', '2011-01-01 10:00:00', '1', '1', 'X'], /Quantity "" is not a number/],
    [['1', '10001', 'x', '1.5', '2011-01-01 10:00:00', '1', '1', 'X'], /Quantity 1.5 is not an integer/],
    [['1', '10001', 'x', '1', '2011-01-01 10:00:00', 'abc', '1', 'X'], /UnitPrice "abc"/],
    [['1', '10001', 'x', '1', '2011-01-01', '1', '1'], /expected 8 fields, got 7/],
    [['1', '10001', 'x', '1', '2011/01/01 10:00', '1', '1', 'X'], /record 5: InvoiceDate/],
    [['', '10001', 'x', '1', '2011-01-01 10:00:00', '1', '1', 'X'], /empty InvoiceNo/],
  ])('rejects %j', (record, message) => {
    expect(() => toRetailLine(record, 5)).toThrow(message);
  });
});

describe('assertRetailHeader', () => {
  it('accepts the exact header and rejects any other', () => {
    expect(() => assertRetailHeader(RETAIL_CSV_HEADER)).not.toThrow();
    expect(() => assertRetailHeader(['StockCode', 'InvoiceNo', ...RETAIL_CSV_HEADER.slice(2)])).toThrow(/unexpected CSV header/);
    expect(() => assertRetailHeader(RETAIL_CSV_HEADER.slice(0, 7))).toThrow(/unexpected CSV header/);
  });
});
