// Popularity rankings (distinct invoices per product) for every scope (global and each country) and
// window, computed from a scan of (product, invoice, time, country). Counting distinct invoices from a
// scan is idempotent by construction: a replayed line adds no invoice.
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

export class PopularityAccumulator {
  // product → invoice → (time, country): one entry per distinct (product, invoice), however many lines.
  private readonly products = new Map<string, Map<string, { timeUnixMs: number; country: string }>>();
  private latest = 0;
  scanned = 0;

  add(row: PopularityRow): void {
    this.scanned++;
    if (row.timeUnixMs > this.latest) this.latest = row.timeUnixMs;
    let invoices = this.products.get(row.productId);
    if (!invoices) this.products.set(row.productId, (invoices = new Map()));
    if (!invoices.has(row.invoiceNo)) invoices.set(row.invoiceNo, { timeUnixMs: row.timeUnixMs, country: row.country });
  }

  /** Top `depth` products of every scope and window; the recent window ends at the latest line seen. */
  rankings(depth: number): Ranking[] {
    const recentFrom = this.latest - RECENT_WINDOW_MS;
    const scopes = new Map<string, { scope: string; window: PopularityWindow; products: ScoredProduct[] }>();
    const push = (scope: string, window: PopularityWindow, productId: string, score: number) => {
      const key = `${window}\u0000${scope}`;
      let ranking = scopes.get(key);
      if (!ranking) scopes.set(key, (ranking = { scope, window, products: [] }));
      ranking.products.push({ productId, score });
    };
    for (const [productId, invoices] of this.products) {
      const all = new Map<string, number>();
      const recent = new Map<string, number>();
      for (const { timeUnixMs, country } of invoices.values()) {
        const windows = timeUnixMs > recentFrom ? [all, recent] : [all];
        for (const counts of windows) {
          counts.set(GLOBAL_SCOPE, (counts.get(GLOBAL_SCOPE) ?? 0) + 1);
          if (country) counts.set(country, (counts.get(country) ?? 0) + 1);
        }
      }
      for (const [scope, score] of all) push(scope, 'all', productId, score);
      for (const [scope, score] of recent) push(scope, 'last30d', productId, score);
    }
    return [...scopes.values()].map((ranking) => ({
      ...ranking,
      products: ranking.products.sort((a, b) => b.score - a.score || (a.productId < b.productId ? -1 : 1)).slice(0, depth),
    }));
  }
}
