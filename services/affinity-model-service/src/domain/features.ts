// THE feature function. Training (examples built from transaction lines) and serving (a ScoreRequest)
// both call `computeFeatures`, so the two cannot drift: a test checks they give identical rows.
//
// Every value is finite and >= 0, or NaN for "does not exist" (e.g. days since the user last bought a
// product they never bought); the tree model routes NaN down each split's learned default branch.
import type { ProductStats, ProductTable } from './product-table';
import { DAY_MS } from './time';

/** What the feature service knows about a user (same fields as aisle.common.v1.UserProfile). */
export interface UserSnapshot {
  country: string;
  firstSeenUnixMs: number;
  lastSeenUnixMs: number;
  invoiceCount: number;
  totalQuantity: number;
  monetary: number;
  distinctProducts: number;
}

/** A user's history with one product (same fields as aisle.common.v1.UserProductStats). */
export interface ProductHistory {
  productId: string;
  invoiceCount: number;
  totalQuantity: number;
  firstUnixMs: number;
  lastUnixMs: number;
  spend: number;
}

export interface ScoringContext {
  /** Empty when unknown. */
  country: string;
  /** Time of the request, ms since the epoch. */
  timeMs: number;
}

export interface FeatureRequest {
  /** Undefined for an unknown user: user features take `defaults.user` and "user_profile" is flagged. */
  user: UserSnapshot | undefined;
  /** By product id. A candidate without an entry was never bought by the user (a fact, not a default). */
  history: ReadonlyMap<string, ProductHistory>;
  context: ScoringContext;
}

/** Documented stand-ins for missing inputs, stored in the model artifact. */
export interface FeatureDefaults {
  /** A typical user (medians over the training examples' users), used when the profile is absent. */
  user: TypicalUser;
}

/** A user described relative to the request time, so the default does not age. */
export interface TypicalUser {
  daysSinceLast: number;
  tenureDays: number;
  invoiceCount: number;
  totalQuantity: number;
  monetary: number;
  distinctProducts: number;
}

/** The model's input columns, in order. Names are the ones explanations report. */
export const FEATURES = [
  'user_days_since_last', // days from the user's latest purchase to the request
  'user_tenure_days', // days from the user's first purchase to the request
  'user_invoices', // frequency: distinct invoices
  'user_monetary', // monetary: total spend
  'user_avg_invoice_value', // spend per invoice
  'user_distinct_products',
  'user_avg_unit_price', // spend per unit bought
  'user_product_invoices', // invoices of the user containing the product (0 = never bought)
  'user_product_days_since_last', // NaN when never bought
  'user_product_quantity',
  'user_product_invoice_share', // user_product_invoices / user_invoices: how regular a repeat it is
  'user_product_days_since_first', // NaN when never bought
  'product_customers', // global popularity: distinct buyers
  'product_invoices',
  'product_customers_30d', // recent popularity (last 30 days of the table's window)
  'product_trend', // (buyers in last 30d + 1) / (buyers per 30d in the 60d before + 1)
  'product_price', // median unit price
  'product_age_days', // days from first sale to the table's end
  'product_country_customers', // buyers in the request's country
  'product_country_share', // those buyers / all customers in that country
  'product_price_ratio', // product_price / user_avg_unit_price
  'ctx_month', // 1..12
  'ctx_weekday', // 0 = Sunday
  'ctx_hour', // 0..23
  'ctx_country_rank', // 0 = the country with the most customers; NaN when unknown to the table
  'product_month_lift', // product's share of invoices in the request month / everyone's (smoothed)
  'product_weekday_lift',
  'product_hour_lift',
] as const;

export type FeatureName = (typeof FEATURES)[number];
export const FEATURE_COUNT = FEATURES.length;

/** Names of the inputs that were missing and took their documented default. */
export type DefaultedFeature = 'user_profile' | 'context.country' | 'product_stats';

export interface FeatureMatrix {
  /** Row-major, `FEATURE_COUNT` values per candidate. */
  values: Float64Array;
  rows: number;
  defaulted: DefaultedFeature[];
  /** Candidates the product table does not know (scored with the unknown-product defaults). */
  unknownProducts: string[];
}

// Smoothing of the seasonal lifts: a product with few invoices stays near 1 (no lift).
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

/**
 * Feature rows for `candidates` (in order). Unknown user → `defaults.user` (flag "user_profile");
 * empty context country → the user's own country, else no country (flag "context.country"); a
 * candidate missing from the table → zero popularity, the table's median price, lifts of 1 (flag
 * "product_stats", id listed in `unknownProducts`).
 */
export function computeFeatures(request: FeatureRequest, candidates: readonly string[], table: ProductTable, defaults: FeatureDefaults): FeatureMatrix {
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
