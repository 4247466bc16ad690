// Popularity rankings (distinct invoices per product) for every scope (global and each country) and
// window, computed from a scan of (product, invoice, time, country). Counting distinct invoices from a
// scan is idempotent by construction: a replayed line adds no invoice.
//
// The scan comes grouped by product (both stores read product lines in primary-key order: SQLite by
// ORDER BY, Cassandra partition by partition), so only the current product's invoices are held as a
// set; every distinct (product, invoice) is kept as a time and a country number in typed arrays, about
// 10 bytes each. Held as objects in maps, the half million of them took ~200 MB for the few seconds
// of every refresh, and the process kept much of it afterwards.
import { GLOBAL_SCOPE, type PopularityWindow, type ScoredProduct } from '../types';
import { RECENT_WINDOW_MS } from './product';

/** Depth of each stored popularity ranking: the most any Popular call may ask for. */
export const POPULARITY_DEPTH = 1000;

export interface PopularityRow {
  productId: string;
  invoiceNo: string;
  timeUnixMs: number;
  country: string;
}

export interface Ranking {
  scope: string;
  window: PopularityWindow;
  products: ScoredProduct[];
}

/** No country: counted in the global scope only. */
const NO_COUNTRY = 0;

export class PopularityAccumulator {
  private readonly countries = new Map<string, number>([['', NO_COUNTRY]]);
  private readonly countryNames = [''];
  // One entry per distinct (product, invoice), product by product; products[i] owns [starts[i], starts[i + 1]).
  private times = new Float64Array(1 << 16);
  private countryOf = new Uint16Array(1 << 16);
  private length = 0;
  private readonly products: string[] = [];
  private readonly starts: number[] = [];
  private readonly seen = new Set<string>();
  private currentInvoices = new Set<string>();
  private latest = 0;
  scanned = 0;

  add(row: PopularityRow): void {
    this.scanned++;
    if (row.timeUnixMs > this.latest) this.latest = row.timeUnixMs;
    if (row.productId !== this.products[this.products.length - 1]) this.startProduct(row.productId);
    if (this.currentInvoices.has(row.invoiceNo)) return;
    this.currentInvoices.add(row.invoiceNo);
    if (this.length === this.times.length) this.grow();
    this.times[this.length] = row.timeUnixMs;
    this.countryOf[this.length] = this.country(row.country);
    this.length++;
  }

  /** Top `depth` products of every scope and window; the recent window ends at the latest line seen. */
  rankings(depth: number): Ranking[] {
    const recentFrom = this.latest - RECENT_WINDOW_MS;
    const scopes = new Map<string, Ranking>();
    const push = (scope: string, window: PopularityWindow, productId: string, score: number) => {
      const key = `${window}\u0000${scope}`;
      let ranking = scopes.get(key);
      if (!ranking) scopes.set(key, (ranking = { scope, window, products: [] }));
      ranking.products.push({ productId, score });
    };
    // Per product: invoices per country (index 0 = no country), all time and recent.
    const all = new Uint32Array(this.countryNames.length);
    const recent = new Uint32Array(this.countryNames.length);
    for (let p = 0; p < this.products.length; p++) {
      all.fill(0);
      recent.fill(0);
      let allTotal = 0;
      let recentTotal = 0;
      const end = p + 1 < this.starts.length ? this.starts[p + 1]! : this.length;
      for (let i = this.starts[p]!; i < end; i++) {
        const isRecent = this.times[i]! > recentFrom;
        all[this.countryOf[i]!]!++;
        allTotal++;
        if (isRecent) {
          recent[this.countryOf[i]!]!++;
          recentTotal++;
        }
      }
      const productId = this.products[p]!;
      if (allTotal > 0) push(GLOBAL_SCOPE, 'all', productId, allTotal);
      if (recentTotal > 0) push(GLOBAL_SCOPE, 'last30d', productId, recentTotal);
      for (let c = 1; c < all.length; c++) {
        if (all[c]! > 0) push(this.countryNames[c]!, 'all', productId, all[c]!);
        if (recent[c]! > 0) push(this.countryNames[c]!, 'last30d', productId, recent[c]!);
      }
    }
    return [...scopes.values()].map((ranking) => ({
      ...ranking,
      products: ranking.products.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1)).slice(0, depth),
    }));
  }

  private startProduct(productId: string): void {
    // A product seen again after others would have its invoices counted twice: fail the refresh
    // instead (the stored rankings stay as they were).
    if (this.seen.has(productId)) throw new Error(`popularity scan is not grouped by product: ${productId} came back after other products`);
    this.seen.add(productId);
    this.products.push(productId);
    this.starts.push(this.length);
    this.currentInvoices = new Set();
  }

  private country(name: string): number {
    let index = this.countries.get(name);
    if (index === undefined) {
      index = this.countryNames.length;
      if (index > 0xffff) throw new Error('popularity scan: more than 65,535 countries');
      this.countries.set(name, index);
      this.countryNames.push(name);
    }
    return index;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    const countryOf = new Uint16Array(this.countryOf.length * 2);
    countryOf.set(this.countryOf);
    this.countryOf = countryOf;
  }
}
