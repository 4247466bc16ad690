// One pass over the shipped file: every number here was recomputed independently (Python csv module)
// and, for the first block, is published in data/README.md. Exact values, so any drift fails.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { itemKnn } from './baselines/item-knn';
import { popular, recentPopular } from './baselines/popular';
import { repeat } from './baselines/repeat';
import { invoiceBaskets } from './baskets';
import { isCleanLine } from './clean';
import { DEFAULT_DATASET_PATH } from './dataset-path';
import { evaluate, type Evaluation } from './evaluate';
import { formatInvoiceDate } from './invoice-date';
import type { ViewMetrics } from './metrics';
import { loadRetailLines } from './read';
import type { RetailLine } from './retail-line';
import { temporalSplit, type TemporalSplit } from './split';

let lines: RetailLine[] = [];
let split: TemporalSplit;

beforeAll(async () => {
  lines = await loadRetailLines();
  split = temporalSplit(lines);
});

const distinct = <T>(xs: Iterable<T>): number => new Set(xs).size;

// Spread (`Math.min(...xs)`) overflows the stack at 541,909 arguments, hence reduce.
const min = (xs: readonly number[]): number => xs.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
const max = (xs: readonly number[]): number => xs.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);

function meanStd(xs: readonly number[]): [number, number] {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return [mean, Math.sqrt(variance)];
}

describe('the shipped dataset (data/README.md "Verified counts")', () => {
  it('is the documented file', () => {
    const sha = createHash('sha256').update(readFileSync(DEFAULT_DATASET_PATH)).digest('hex');
    expect(sha).toBe('69be4ec003a8ff0fd8654a8e79a919325d419463bf8650c4b3612218509d46b5');
  });

  it('has the documented counts', () => {
    const invoices = new Set(lines.map((l) => l.invoiceNo));
    const countries = new Map<string, number>();
    for (const l of lines) countries.set(l.country, (countries.get(l.country) ?? 0) + 1);
    const quantities = lines.map((l) => l.quantity);
    expect({
      rows: lines.length,
      invoices: invoices.size,
      cancellationInvoices: [...invoices].filter((i) => i.startsWith('C')).length,
      adjustmentInvoices: [...invoices].filter((i) => i.startsWith('A')).length,
      stockCodes: distinct(lines.map((l) => l.stockCode)),
      descriptions: distinct(lines.map((l) => l.description).filter((d) => d !== '')),
      customers: distinct(lines.flatMap((l) => (l.customerId === null ? [] : [l.customerId]))),
      rowsWithoutCustomer: lines.filter((l) => l.customerId === null).length,
      rowsWithoutDescription: lines.filter((l) => l.description === '').length,
      countries: countries.size,
      ukRows: countries.get('United Kingdom'),
      firstDate: formatInvoiceDate(min(lines.map((l) => l.invoiceDate))),
      lastDate: formatInvoiceDate(max(lines.map((l) => l.invoiceDate))),
      quantitySum: quantities.reduce((s, q) => s + q, 0),
      quantityMin: min(quantities),
      quantityMax: max(quantities),
      cancellationLines: lines.filter((l) => l.invoiceNo.startsWith('C')).length,
    }).toEqual({
      rows: 541_909,
      invoices: 25_900,
      cancellationInvoices: 3_836,
      adjustmentInvoices: 3,
      stockCodes: 4_070,
      descriptions: 4_223,
      customers: 4_372,
      rowsWithoutCustomer: 135_080,
      rowsWithoutDescription: 1_454,
      countries: 38,
      ukRows: 495_478,
      firstDate: '2010-12-01 08:26:00',
      lastDate: '2011-12-09 12:50:00',
      quantitySum: 5_176_450,
      quantityMin: -80_995,
      quantityMax: 80_995,
      cancellationLines: 9_288,
    });
  });

  it('has the documented means and standard deviations', () => {
    const [qMean, qStd] = meanStd(lines.map((l) => l.quantity));
    const [pMean, pStd] = meanStd(lines.map((l) => l.unitPrice));
    const [cMean, cStd] = meanStd(lines.flatMap((l) => (l.customerId === null ? [] : [Number(l.customerId)])));
    expect([qMean, qStd, pMean, pStd, cMean, cStd].map((x) => Number(x.toFixed(6)))).toEqual([
      9.55225, 218.081158, 4.611114, 96.759853, 15287.69057, 1713.600303,
    ]);
  });

  it('has the README "useful subset" (no StockCode rule)', () => {
    const useful = lines.filter((l) => l.customerId !== null && !l.invoiceNo.startsWith('C') && l.quantity > 0 && l.unitPrice > 0);
    const baskets = new Map<string, Set<string>>();
    for (const l of useful) baskets.set(l.invoiceNo, (baskets.get(l.invoiceNo) ?? new Set()).add(l.stockCode));
    expect({
      lines: useful.length,
      invoices: baskets.size,
      multiItem: [...baskets.values()].filter((b) => b.size >= 2).length,
      customers: distinct(useful.map((l) => l.customerId)),
      stockCodes: distinct(useful.map((l) => l.stockCode)),
    }).toEqual({ lines: 397_884, invoices: 18_532, multiItem: 17_125, customers: 4_338, stockCodes: 3_665 });
  });
});

describe('OR-temporal-v1 on the shipped dataset', () => {
  it('clean lines (protocol rules, incl. five-digit StockCode)', () => {
    const clean = lines.filter(isCleanLine);
    const baskets = invoiceBaskets(lines);
    expect({
      lines: clean.length,
      invoices: baskets.length,
      multiItem: baskets.filter((b) => b.length >= 2).length,
      customers: distinct(clean.map((l) => l.customerId)),
      stockCodes: distinct(clean.map((l) => l.stockCode)),
      anonymousInvoices: invoiceBaskets(lines, { anonymous: true }).length - baskets.length,
    }).toEqual({ lines: 396_337, invoices: 18_402, multiItem: 17_087, customers: 4_334, stockCodes: 3_659, anonymousInvoices: 1_371 });
  });

  it('split at the default cut 2011-11-09', () => {
    expect({
      train: split.train.length,
      test: split.test.length,
      trainCustomers: split.trainItems.size,
      allUsers: split.all.users.length,
      newUsers: split.new.users.length,
      allTruth: split.all.users.reduce((s, u) => s + (split.all.truth.get(u)?.size ?? 0), 0),
      newTruth: split.new.users.reduce((s, u) => s + (split.new.truth.get(u)?.size ?? 0), 0),
    }).toEqual({ train: 330_132, test: 66_205, trainCustomers: 4_063, allUsers: 1_395, newUsers: 1_294, allTruth: 46_937, newTruth: 26_974 });
  });

  // Reference values from an independent pure-Python implementation of the same protocol and tie-breaks.
  const round = (m: ViewMetrics): number[] => [m.hr, m.recall, m.ndcg].map((x) => Number(x.toFixed(6))).concat(m.users);
  const views = (e: Evaluation): number[][] => [round(e.all), round(e.new)];

  it('baselines reproduce the reference numbers at K=10', async () => {
    expect(views(await evaluate(popular(split.train), split))).toEqual([
      [0.448746, 0.031022, 0.08069, 1395],
      [0.22643, 0.019073, 0.033793, 1294],
    ]);
    expect(views(await evaluate(popular(split.train, { by: 'invoices' }), split))).toEqual([
      [0.447312, 0.030973, 0.086383, 1395],
      [0.207883, 0.017948, 0.033164, 1294],
    ]);
    expect(views(await evaluate(recentPopular(split.train, { cut: split.cut }), split))).toEqual([
      [0.645161, 0.057991, 0.143848, 1395],
      [0.42813, 0.043917, 0.083111, 1294],
    ]);
    expect(views(await evaluate(repeat(split.train), split))).toEqual([
      [0.797849, 0.164838, 0.319526, 1395],
      [0.22643, 0.019073, 0.033793, 1294],
    ]);
    expect(views(await evaluate(itemKnn(split.train), split))).toEqual([
      [0.631541, 0.090361, 0.202787, 1395],
      [0.363215, 0.048391, 0.077322, 1294],
    ]);
  });
});
