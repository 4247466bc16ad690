import type { ModelVersionInfo } from '@aisle/feature-store';
import { describe, expect, it } from 'vitest';
import { versionsTrainedOn } from './erasure';

const DAY = 86_400_000;
const version = (name: string, trainStartUnixMs: number, trainEndUnixMs: number, createdUnixMs: number) => ({ model: 'm', version: name, trainStartUnixMs, trainEndUnixMs, createdUnixMs }) as ModelVersionInfo;
const bought = (firstUnixMs: number, lastUnixMs: number) => ({ productId: 'p', invoiceCount: 2, totalQuantity: 2, firstUnixMs, lastUnixMs, spend: 1 });

describe('versionsTrainedOn', () => {
  const versions = [
    version('window-before', 0, 10 * DAY, 100 * DAY),
    version('window-holds-line', 15 * DAY, 30 * DAY, 100 * DAY),
    version('window-after', 60 * DAY, 90 * DAY, 100 * DAY),
    version('created-before-line', 0, 0, 12 * DAY),
    version('no-end-created-after', 0, 0, 100 * DAY),
  ];

  it('names the versions whose window, before their creation, held one of the user’s purchases', () => {
    expect(versionsTrainedOn([bought(20 * DAY, 20 * DAY)], versions).map((v) => v.version)).toEqual(['window-holds-line', 'no-end-created-after']);
  });

  it('over-approximates across a product’s first and last purchase, never misses', () => {
    expect(versionsTrainedOn([bought(5 * DAY, 70 * DAY)], versions).map((v) => v.version)).toEqual(['window-before', 'window-holds-line', 'window-after', 'created-before-line', 'no-end-created-after']);
  });

  it('names none for a user without purchases', () => {
    expect(versionsTrainedOn([], versions)).toEqual([]);
  });
});
