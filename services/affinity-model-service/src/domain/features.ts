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

const MONTHS = 12;
const WEEKDAYS = 7;
const HOURS = 24;
/** product_customers … product_age_days (features 12–17), in feature order. */
const STATIC_COLUMNS = 6;
const PRICE = 4; // product_price within the static columns

/**
 * A product table prepared for `computeFeatures`: everything about a product that does not depend on
 * the request, computed once per table (at model load, once per training window) instead of for each
 * of a Score's ~500 candidate rows, where the three lifts alone re-summed 2 × 43 counts per row.
 * Each product has a slot; the slot after the last holds the unknown-product defaults.
 */
export interface PreparedProducts {
  readonly table: ProductTable;
  /** Product id → slot. A Map, so an id such as "constructor" is an unknown product, not a prototype member. */
  readonly slots: ReadonlyMap<string, number>;
  readonly unknownSlot: number;
  /** `STATIC_COLUMNS` values per slot. */
  readonly statics: Float64Array;
  /** Per slot, the lift of every month (12), weekday (7) and hour (24). */
  readonly monthLifts: Float64Array;
  readonly weekdayLifts: Float64Array;
  readonly hourLifts: Float64Array;
  /** Per slot, the product's buyers in every country of the table (dense: a few dozen countries). */
  readonly countryCustomers: Float64Array;
}

export function prepareProducts(table: ProductTable): PreparedProducts {
  const ids = Object.keys(table.products);
  const slotCount = ids.length + 1;
  const countries = table.countries.length;
  const prepared: PreparedProducts = {
    table,
    slots: new Map(ids.map((id, slot) => [id, slot])),
    unknownSlot: ids.length,
    statics: new Float64Array(slotCount * STATIC_COLUMNS),
    monthLifts: new Float64Array(slotCount * MONTHS),
    weekdayLifts: new Float64Array(slotCount * WEEKDAYS),
    hourLifts: new Float64Array(slotCount * HOURS),
    countryCustomers: new Float64Array(slotCount * countries),
  };
  const fill = (p: ProductStats, slot: number): void => {
    prepared.statics.set([p.customers, p.invoices, p.customers30d, (p.customers30d + 1) / (p.customersPrev60d / 2 + 1), p.price, Math.max(0, (table.endMs - p.firstMs) / DAY_MS)], slot * STATIC_COLUMNS);
    for (let b = 0; b < MONTHS; b += 1) prepared.monthLifts[slot * MONTHS + b] = lift(p.month, table.month, b);
    for (let b = 0; b < WEEKDAYS; b += 1) prepared.weekdayLifts[slot * WEEKDAYS + b] = lift(p.weekday, table.weekday, b);
    for (let b = 0; b < HOURS; b += 1) prepared.hourLifts[slot * HOURS + b] = lift(p.hour, table.hour, b);
    // As when the pairs were scanned per row: a later pair for a country wins, an index that is no
    // country of the table never matches.
    for (const [index, count] of p.countryCustomers) if (Number.isInteger(index) && index >= 0 && index < countries) prepared.countryCustomers[slot * countries + index] = count;
  };
  ids.forEach((id, slot) => fill(table.products[id], slot));
  fill({ ...EMPTY_PRODUCT, price: table.medianPrice, firstMs: table.endMs }, prepared.unknownSlot);
  return prepared;
}

/**
 * Feature rows for `candidates` (in order). Unknown user → `defaults.user` (flag "user_profile");
 * empty context country → the user's own country, else no country (flag "context.country"); a
 * candidate missing from the table → zero popularity, the table's median price, lifts of 1 (flag
 * "product_stats", id listed in `unknownProducts`).
 */
export function computeFeatures(request: FeatureRequest, candidates: readonly string[], products: PreparedProducts, defaults: FeatureDefaults): FeatureMatrix {
  const table = products.table;
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
  const countries = table.countries.length;
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

  const { slots, unknownSlot, statics, monthLifts, weekdayLifts, hourLifts, countryCustomers } = products;
  const history = request.history;
  const values = new Float64Array(candidates.length * FEATURE_COUNT);
  const unknownProducts: string[] = [];
  for (let row = 0; row < candidates.length; row += 1) {
    const id = candidates[row];
    let slot = slots.get(id);
    if (slot === undefined) {
      unknownProducts.push(id);
      slot = unknownSlot;
    }
    const h = history.get(id);
    const s = slot * STATIC_COLUMNS;
    const inCountry = countryRank >= 0 ? countryCustomers[slot * countries + countryRank] : Number.NaN;
    const o = row * FEATURE_COUNT;
    for (let i = 0; i < userPart.length; i += 1) values[o + i] = userPart[i];
    if (h === undefined) {
      values[o + 7] = 0;
      values[o + 8] = Number.NaN;
      values[o + 9] = 0;
      values[o + 10] = 0;
      values[o + 11] = Number.NaN;
    } else {
      values[o + 7] = h.invoiceCount;
      values[o + 8] = Math.max(0, (now - h.lastUnixMs) / DAY_MS);
      values[o + 9] = h.totalQuantity;
      values[o + 10] = invoices <= 0 ? 0 : h.invoiceCount / invoices;
      values[o + 11] = Math.max(0, (now - h.firstUnixMs) / DAY_MS);
    }
    for (let i = 0; i < STATIC_COLUMNS; i += 1) values[o + 12 + i] = statics[s + i];
    values[o + 18] = inCountry;
    values[o + 19] = countryRank >= 0 && countryTotal > 0 ? inCountry / countryTotal : Number.NaN;
    values[o + 20] = avgUnitPrice > 0 ? statics[s + PRICE] / avgUnitPrice : Number.NaN;
    values[o + 21] = month + 1;
    values[o + 22] = weekday;
    values[o + 23] = hour;
    values[o + 24] = countryRank >= 0 ? countryRank : Number.NaN;
    values[o + 25] = monthLifts[slot * MONTHS + month];
    values[o + 26] = weekdayLifts[slot * WEEKDAYS + weekday];
    values[o + 27] = hourLifts[slot * HOURS + hour];
  }
  if (unknownProducts.length > 0) defaulted.add('product_stats');
  return { values, rows: candidates.length, defaulted: [...defaulted].sort(), unknownProducts };
}
