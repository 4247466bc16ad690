// A user's profile, recent items and per-product history, derived from the user's purchase rows.
// Deriving at read time from rows keyed by line id is what makes ingest idempotent: there is no
// counter to double-increment, a replayed line is the same row.
import type { UserContext, UserProductStats, UserProfile, UserPurchaseRow } from '../types';
import { randomBytes } from 'node:crypto';
import { newestFirst } from './order';

export function emptyUserContext(): UserContext {
  return { known: false, recent: [], products: [], lastWriteUnixMs: 0, version: '' };
}

/** `version` is the user's version read no later than `rows` (a newer one could label older rows). */
export function deriveUserContext(userId: string, rows: readonly UserPurchaseRow[], recentLimit: number, version = ''): UserContext {
  if (rows.length === 0) return emptyUserContext();
  const ordered = [...rows].sort(newestFirst);
  const invoices = new Set<string>();
  const byProduct = new Map<string, { stats: UserProductStats; invoices: Set<string> }>();
  let totalQuantity = 0;
  let monetary = 0;
  let lastWriteUnixMs = 0;
  for (const row of ordered) {
    invoices.add(row.invoiceNo);
    totalQuantity += row.quantity;
    monetary += row.quantity * row.unitPrice;
    lastWriteUnixMs = Math.max(lastWriteUnixMs, row.writtenUnixMs);
    let entry = byProduct.get(row.productId);
    if (!entry) {
      entry = { stats: { productId: row.productId, invoiceCount: 0, totalQuantity: 0, firstUnixMs: row.timeUnixMs, lastUnixMs: row.timeUnixMs, spend: 0 }, invoices: new Set() };
      byProduct.set(row.productId, entry);
    }
    entry.invoices.add(row.invoiceNo);
    entry.stats.totalQuantity += row.quantity;
    entry.stats.spend += row.quantity * row.unitPrice;
    entry.stats.firstUnixMs = Math.min(entry.stats.firstUnixMs, row.timeUnixMs);
    entry.stats.lastUnixMs = Math.max(entry.stats.lastUnixMs, row.timeUnixMs);
  }
  const newest = ordered[0]!;
  const profile: UserProfile = {
    userId,
    country: newest.country,
    firstSeenUnixMs: ordered[ordered.length - 1]!.timeUnixMs,
    lastSeenUnixMs: newest.timeUnixMs,
    invoiceCount: invoices.size,
    totalQuantity,
    monetary,
    distinctProducts: byProduct.size,
  };
  // Map insertion order follows `ordered`, so products come most recently bought first.
  const products = [...byProduct.values()].map(({ stats, invoices: seen }) => ({ ...stats, invoiceCount: seen.size }));
  const recent = ordered.slice(0, recentLimit).map((row) => ({ productId: row.productId, invoiceNo: row.invoiceNo, timeUnixMs: row.timeUnixMs, quantity: row.quantity }));
  return { known: true, profile, recent, products, lastWriteUnixMs, version };
}

/** A fresh user version: random, so two writes in the same millisecond still differ. */
export function newUserVersion(): string {
  return randomBytes(8).toString('hex');
}
