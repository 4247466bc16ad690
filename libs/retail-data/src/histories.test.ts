import { describe, expect, it } from 'vitest';
import { userHistories } from './histories';
import { sale } from './testing/lines';

const t = (at: string): number => Date.parse(`${at.replace(' ', 'T')}Z`);

describe('userHistories', () => {
  // Deliberately out of time order: histories must not depend on input order.
  const lines = [
    sale('u1', '3', '10001', '2011-03-01 09:00:00', { quantity: 4 }),
    sale('u1', '1', '10001', '2011-01-01 10:00:00', { quantity: 2 }),
    sale('u1', '1', '10001', '2011-01-01 10:00:00', { quantity: 3 }), // same invoice: one invoice, more quantity
    sale('u1', '1', '10002', '2011-01-01 10:01:00'), // invoice spanning two timestamps
    sale('u1', '2', '10002', '2011-02-01 10:00:00'),
    sale('u1', 'C4', '10001', '2011-03-02 10:00:00', { quantity: -4 }), // ignored
    sale('u2', '5', '10003', '2011-01-05 10:00:00'),
    sale(null, '6', '10003', '2011-01-05 10:00:00'), // ignored
  ];
  const histories = userHistories(lines);

  it('aggregates each customer’s products', () => {
    expect([...histories.keys()]).toEqual(['u1', 'u2']);
    const u1 = histories.get('u1');
    expect(u1 && [...u1.items.values()]).toEqual([
      { stockCode: '10001', invoices: 2, quantity: 9, firstTime: t('2011-01-01 10:00:00'), lastTime: t('2011-03-01 09:00:00') },
      { stockCode: '10002', invoices: 2, quantity: 2, firstTime: t('2011-01-01 10:01:00'), lastTime: t('2011-02-01 10:00:00') },
    ]);
  });

  it('orders purchases by time', () => {
    expect(histories.get('u1')?.purchases).toEqual([
      { invoiceNo: '1', time: t('2011-01-01 10:00:00'), items: ['10001', '10002'] },
      { invoiceNo: '2', time: t('2011-02-01 10:00:00'), items: ['10002'] },
      { invoiceNo: '3', time: t('2011-03-01 09:00:00'), items: ['10001'] },
    ]);
    expect(histories.get('u2')?.purchases).toHaveLength(1);
  });
});
