import { describe, expect, it } from 'vitest';
import { cutToMs, formatInvoiceDate, parseInvoiceDate } from './invoice-date';

describe('parseInvoiceDate', () => {
  it('reads the file clock as UTC', () => {
    // 2010-12-01T08:26:00Z, the first line of the dataset.
    expect(parseInvoiceDate('2010-12-01 08:26:00')).toBe(1291191960000);
    // Summer time in the UK does not shift anything: the digits are kept.
    expect(new Date(parseInvoiceDate('2011-07-01 12:00:00')).toISOString()).toBe('2011-07-01T12:00:00.000Z');
  });

  it('reads a bare date as midnight', () => {
    expect(parseInvoiceDate('2011-11-09')).toBe(Date.UTC(2011, 10, 9));
  });

  it.each(['2011-02-30 00:00:00', '2011-13-01 00:00:00', '2011-00-10', '2011-01-01 24:00:00', '2011-01-01 10:60:00', '2011-1-01', '01/12/2010 08:26', ''])(
    'rejects %j',
    (text) => {
      expect(() => parseInvoiceDate(text)).toThrow(/invalid date/);
    },
  );

  it('accepts 29 February only in leap years', () => {
    expect(parseInvoiceDate('2012-02-29')).toBe(Date.UTC(2012, 1, 29));
    expect(() => parseInvoiceDate('2011-02-29')).toThrow(/out of range/);
  });
});

describe('cutToMs and formatInvoiceDate', () => {
  it('passes epoch ms through and rejects non-finite numbers', () => {
    expect(cutToMs(1320796800000)).toBe(1320796800000);
    expect(cutToMs('2011-11-09')).toBe(1320796800000);
    expect(() => cutToMs(Number.NaN)).toThrow(/invalid cut/);
  });

  it('formats back to the file form', () => {
    expect(formatInvoiceDate(parseInvoiceDate('2011-12-09 12:50:00'))).toBe('2011-12-09 12:50:00');
  });
});
