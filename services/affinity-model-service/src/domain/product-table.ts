// The product side of the features: popularity (global, per country, recent trend), price and
// seasonality per product, computed from transaction lines before a cut. A snapshot of it ships inside
// each model artifact, so scoring needs no extra network hop; it is as fresh as the model's data window
// and is refreshed by every retrain.
import { DAY_MS } from './time';

export interface ProductStats {
  /** Distinct buyers. */
  customers: number;
  /** Distinct invoices containing the product. */
  invoices: number;
  /** Distinct buyers in the last 30 days before the table's end. */
  customers30d: number;
  /** Distinct buyers in the 60 days before those 30. */
  customersPrev60d: number;
  /** Median unit price over the product's lines. */
  price: number;
  /** First sale, ms since the epoch. */
  firstMs: number;
  /** Distinct buyers per country index (sparse: [countryIndex, customers] pairs). */
  countryCustomers: [number, number][];
  /** Invoices per month of year (0..11), weekday (0 = Sunday) and hour (0..23). */
  month: number[];
  weekday: number[];
  hour: number[];
}

export interface ProductTable {
  /** End of the data window (exclusive), ms since the epoch. */
  endMs: number;
  /** Countries by number of customers, most first; a country's index is its rank. */
  countries: string[];
  /** Distinct customers per country, parallel to `countries`. */
  countryCustomers: number[];
  /** Invoices over all products per month, weekday and hour (the denominators of the lifts). */
  month: number[];
  weekday: number[];
  hour: number[];
  /** Median of product prices, the default for an unknown product. */
  medianPrice: number;
  products: Record<string, ProductStats>;
}

/** The fields of a transaction line the product table reads. */
export interface SaleLine {
  readonly invoiceNo: string;
  readonly stockCode: string;
  readonly invoiceDate: number;
  readonly unitPrice: number;
  readonly customerId: string;
  readonly country: string;
}

interface Builder {
  customers: Set<string>;
  invoices: Set<string>;
  recent: Set<string>;
  previous: Set<string>;
  prices: number[];
  firstMs: number;
  countries: Map<string, Set<string>>;
  month: number[];
  weekday: number[];
  hour: number[];
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Builds the table from the lines strictly before `endMs` (later lines are ignored, never leaked). */
export function buildProductTable(lines: Iterable<SaleLine>, endMs: number): ProductTable {
  const builders = new Map<string, Builder>();
  const countryUsers = new Map<string, Set<string>>();
  const seenInvoices = new Set<string>();
  const month = new Array<number>(12).fill(0);
  const weekday = new Array<number>(7).fill(0);
  const hour = new Array<number>(24).fill(0);
  for (const line of lines) {
    if (line.invoiceDate >= endMs) continue;
    let b = builders.get(line.stockCode);
    if (b === undefined) {
      b = { customers: new Set(), invoices: new Set(), recent: new Set(), previous: new Set(), prices: [], firstMs: line.invoiceDate, countries: new Map(), month: new Array(12).fill(0), weekday: new Array(7).fill(0), hour: new Array(24).fill(0) };
      builders.set(line.stockCode, b);
    }
    const date = new Date(line.invoiceDate);
    if (!b.invoices.has(line.invoiceNo)) {
      b.invoices.add(line.invoiceNo);
      b.month[date.getUTCMonth()] += 1;
      b.weekday[date.getUTCDay()] += 1;
      b.hour[date.getUTCHours()] += 1;
      if (!seenInvoices.has(line.invoiceNo)) {
        seenInvoices.add(line.invoiceNo);
        month[date.getUTCMonth()] += 1;
        weekday[date.getUTCDay()] += 1;
        hour[date.getUTCHours()] += 1;
      }
    }
    b.customers.add(line.customerId);
    const age = endMs - line.invoiceDate;
    if (age <= 30 * DAY_MS) b.recent.add(line.customerId);
    else if (age <= 90 * DAY_MS) b.previous.add(line.customerId);
    b.prices.push(line.unitPrice);
    b.firstMs = Math.min(b.firstMs, line.invoiceDate);
    let inCountry = b.countries.get(line.country);
    if (inCountry === undefined) b.countries.set(line.country, (inCountry = new Set()));
    inCountry.add(line.customerId);
    let users = countryUsers.get(line.country);
    if (users === undefined) countryUsers.set(line.country, (users = new Set()));
    users.add(line.customerId);
  }
  const countries = [...countryUsers.entries()].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1));
  const countryIndex = new Map(countries.map(([name], index) => [name, index]));
  const products: Record<string, ProductStats> = {};
  for (const code of [...builders.keys()].sort()) {
    const b = builders.get(code)!;
    products[code] = {
      customers: b.customers.size,
      invoices: b.invoices.size,
      customers30d: b.recent.size,
      customersPrev60d: b.previous.size,
      price: median(b.prices),
      firstMs: b.firstMs,
      countryCustomers: [...b.countries.entries()].map(([name, users]): [number, number] => [countryIndex.get(name)!, users.size]).sort((x, y) => x[0] - y[0]),
      month: b.month,
      weekday: b.weekday,
      hour: b.hour,
    };
  }
  return {
    endMs,
    countries: countries.map(([name]) => name),
    countryCustomers: countries.map(([, users]) => users.size),
    month,
    weekday,
    hour,
    medianPrice: median(Object.values(products).map((p) => p.price)),
    products,
  };
}
