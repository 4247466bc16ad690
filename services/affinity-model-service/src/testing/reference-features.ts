// The feature function as it was before the product table was prepared once per model: every value
// computed row by row, straight from the table. Tests check `computeFeatures` against it value for
// value, and bench/features.ts times the two side by side. Not used by the service. Kept as it was,
// including its flaw: an id naming an Object.prototype member ("constructor") is not an unknown
// product here, so the comparisons leave such ids out.
import { FEATURE_COUNT, type DefaultedFeature, type FeatureDefaults, type FeatureMatrix, type FeatureRequest, type TypicalUser, type UserSnapshot } from '../domain/features';
import type { ProductStats, ProductTable } from '../domain/product-table';
import { DAY_MS } from '../domain/time';

const LIFT_PRIOR = 10;

function lift(productCounts: number[], totals: number[], bucket: number): number {
  let productTotal = 0;
  let allTotal = 0;
  for (let i = 0; i < totals.length; i += 1) {
    productTotal += productCounts[i];
    allTotal += totals[i];
  }
  if (allTotal === 0 || totals[bucket] === 0) return 1;
  const base = totals[bucket] / allTotal;
  return (productCounts[bucket] + LIFT_PRIOR * base) / (productTotal + LIFT_PRIOR) / base;
}

function typicalAt(typical: TypicalUser, now: number): UserSnapshot {
  return {
    country: '',
    lastSeenUnixMs: now - typical.daysSinceLast * DAY_MS,
    firstSeenUnixMs: now - typical.tenureDays * DAY_MS,
    invoiceCount: typical.invoiceCount,
    totalQuantity: typical.totalQuantity,
    monetary: typical.monetary,
    distinctProducts: typical.distinctProducts,
  };
}

const EMPTY_PRODUCT: ProductStats = {
  customers: 0,
  invoices: 0,
  customers30d: 0,
  customersPrev60d: 0,
  price: 0,
  firstMs: 0,
  countryCustomers: [],
  month: new Array(12).fill(0),
  weekday: new Array(7).fill(0),
  hour: new Array(24).fill(0),
};

export function referenceFeatures(request: FeatureRequest, candidates: readonly string[], table: ProductTable, defaults: FeatureDefaults): FeatureMatrix {
  const defaulted = new Set<DefaultedFeature>();
  if (request.user === undefined) defaulted.add('user_profile');
  const now = request.context.timeMs;
  const user = request.user === undefined ? typicalAt(defaults.user, now) : request.user;
  let country = request.context.country;
  if (country === '') {
    country = request.user?.country ?? '';
    if (country === '') defaulted.add('context.country');
  }
  const countryRank = table.countries.indexOf(country);
  const countryTotal = countryRank >= 0 ? table.countryCustomers[countryRank] : 0;
  const date = new Date(now);
  const month = date.getUTCMonth();
  const weekday = date.getUTCDay();
  const hour = date.getUTCHours();

  const invoices = user.invoiceCount;
  const avgUnitPrice = user.totalQuantity > 0 ? user.monetary / user.totalQuantity : 0;
  const userPart = [
    Math.max(0, (now - user.lastSeenUnixMs) / DAY_MS),
    Math.max(0, (now - user.firstSeenUnixMs) / DAY_MS),
    invoices,
    user.monetary,
    invoices > 0 ? user.monetary / invoices : 0,
    user.distinctProducts,
    avgUnitPrice,
  ];

  const values = new Float64Array(candidates.length * FEATURE_COUNT);
  const unknownProducts: string[] = [];
  for (let row = 0; row < candidates.length; row += 1) {
    const id = candidates[row];
    const known = table.products[id];
    if (known === undefined) unknownProducts.push(id);
    const p = known ?? { ...EMPTY_PRODUCT, price: table.medianPrice, firstMs: table.endMs };
    const h = request.history.get(id);
    let inCountry = 0;
    if (countryRank >= 0) for (const [index, count] of p.countryCustomers) if (index === countryRank) inCountry = count;
    const o = row * FEATURE_COUNT;
    for (let i = 0; i < userPart.length; i += 1) values[o + i] = userPart[i];
    values[o + 7] = h?.invoiceCount ?? 0;
    values[o + 8] = h === undefined ? Number.NaN : Math.max(0, (now - h.lastUnixMs) / DAY_MS);
    values[o + 9] = h?.totalQuantity ?? 0;
    values[o + 10] = h === undefined || invoices <= 0 ? 0 : h.invoiceCount / invoices;
    values[o + 11] = h === undefined ? Number.NaN : Math.max(0, (now - h.firstUnixMs) / DAY_MS);
    values[o + 12] = p.customers;
    values[o + 13] = p.invoices;
    values[o + 14] = p.customers30d;
    values[o + 15] = (p.customers30d + 1) / (p.customersPrev60d / 2 + 1);
    values[o + 16] = p.price;
    values[o + 17] = Math.max(0, (table.endMs - p.firstMs) / DAY_MS);
    values[o + 18] = countryRank >= 0 ? inCountry : Number.NaN;
    values[o + 19] = countryRank >= 0 && countryTotal > 0 ? inCountry / countryTotal : Number.NaN;
    values[o + 20] = avgUnitPrice > 0 ? p.price / avgUnitPrice : Number.NaN;
    values[o + 21] = month + 1;
    values[o + 22] = weekday;
    values[o + 23] = hour;
    values[o + 24] = countryRank >= 0 ? countryRank : Number.NaN;
    values[o + 25] = lift(p.month, table.month, month);
    values[o + 26] = lift(p.weekday, table.weekday, weekday);
    values[o + 27] = lift(p.hour, table.hour, hour);
  }
  if (unknownProducts.length > 0) defaulted.add('product_stats');
  return { values, rows: candidates.length, defaulted: [...defaulted].sort(), unknownProducts };
}
