import { describe, expect, it } from 'vitest';
import { isCleanLine, isCleanSale, isProductCode } from './clean';
import { sale } from './testing/lines';

describe('isProductCode', () => {
  it.each(['85123A', '22423', '84029G', '15056BL', '90214Y'])('keeps %s', (code) => {
    expect(isProductCode(code)).toBe(true);
  });

  it.each(['POST', 'D', 'M', 'm', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'DOT', 'CRUK', 'B', 'S', 'PADS', 'DCGSSGIRL', 'DCGS0003', 'gift_0001_20', '8512', ''])(
    'drops %j',
    (code) => {
      expect(isProductCode(code)).toBe(false);
    },
  );
});

describe('isCleanLine', () => {
  const ok = sale('17850', '536365', '85123A', '2010-12-01 08:26:00', { quantity: 6, unitPrice: 2.55 });

  it('keeps a sale of a product by a known customer', () => {
    expect(isCleanLine(ok)).toBe(true);
    expect(isCleanSale(ok)).toBe(true);
  });

  it.each([
    ['no customer', { customerId: null }],
    ['cancellation', { invoiceNo: 'C536379' }],
    ['bad-debt adjustment', { invoiceNo: 'A563185' }],
    ['zero quantity', { quantity: 0 }],
    ['negative quantity', { quantity: -6 }],
    ['zero price', { unitPrice: 0 }],
    ['negative price', { unitPrice: -11062.06 }],
    ['postage', { stockCode: 'POST' }],
  ])('drops a line with %s', (_why, override) => {
    expect(isCleanLine({ ...ok, ...override })).toBe(false);
  });

  it('isCleanSale ignores only the customer', () => {
    expect(isCleanSale({ ...ok, customerId: null })).toBe(true);
    expect(isCleanSale({ ...ok, invoiceNo: 'C1' })).toBe(false);
  });
});
