// What the feature service would hold about each user at a point in time, rebuilt from transaction
// lines: the profile and per-product history the ScoreRequest carries. Training uses it to build the
// exact inputs serving receives.
import type { ProductHistory, TypicalUser, UserSnapshot } from './features';
import { DAY_MS } from './time';
import type { SaleLine } from './product-table';

export interface PurchaseLine extends SaleLine {
  readonly quantity: number;
}

export interface UserState {
  profile: UserSnapshot;
  history: Map<string, ProductHistory>;
}

/** Per-user state from the lines strictly before `endMs` (lines need not be sorted). */
export function userStates(lines: Iterable<PurchaseLine>, endMs: number): Map<string, UserState> {
  const states = new Map<string, UserState & { invoices: Set<string>; productInvoices: Map<string, Set<string>>; countryAt: number }>();
  for (const line of lines) {
    if (line.invoiceDate >= endMs) continue;
    let s = states.get(line.customerId);
    if (s === undefined) {
      s = {
        profile: { country: line.country, firstSeenUnixMs: line.invoiceDate, lastSeenUnixMs: line.invoiceDate, invoiceCount: 0, totalQuantity: 0, monetary: 0, distinctProducts: 0 },
        history: new Map(),
        invoices: new Set(),
        productInvoices: new Map(),
        countryAt: line.invoiceDate,
      };
      states.set(line.customerId, s);
    }
    const p = s.profile;
    const spend = line.quantity * line.unitPrice;
    s.invoices.add(line.invoiceNo);
    p.firstSeenUnixMs = Math.min(p.firstSeenUnixMs, line.invoiceDate);
    p.lastSeenUnixMs = Math.max(p.lastSeenUnixMs, line.invoiceDate);
    if (line.invoiceDate >= s.countryAt) {
      s.countryAt = line.invoiceDate;
      p.country = line.country;
    }
    p.totalQuantity += line.quantity;
    p.monetary += spend;
    let h = s.history.get(line.stockCode);
    if (h === undefined) {
      h = { productId: line.stockCode, invoiceCount: 0, totalQuantity: 0, firstUnixMs: line.invoiceDate, lastUnixMs: line.invoiceDate, spend: 0 };
      s.history.set(line.stockCode, h);
      s.productInvoices.set(line.stockCode, new Set());
    }
    h.totalQuantity += line.quantity;
    h.spend += spend;
    h.firstUnixMs = Math.min(h.firstUnixMs, line.invoiceDate);
    h.lastUnixMs = Math.max(h.lastUnixMs, line.invoiceDate);
    s.productInvoices.get(line.stockCode)!.add(line.invoiceNo);
  }
  const out = new Map<string, UserState>();
  for (const [user, s] of states) {
    s.profile.invoiceCount = s.invoices.size;
    s.profile.distinctProducts = s.history.size;
    for (const [code, invoices] of s.productInvoices) s.history.get(code)!.invoiceCount = invoices.size;
    out.set(user, { profile: s.profile, history: s.history });
  }
  return out;
}

/** Field-wise median of profiles as of `nowMs`: the documented stand-in for an unknown user. */
export function typicalUser(profiles: readonly UserSnapshot[], nowMs: number): TypicalUser {
  const med = (values: number[]) => {
    if (values.length === 0) return 0;
    const sorted = values.sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  };
  return {
    daysSinceLast: med(profiles.map((p) => (nowMs - p.lastSeenUnixMs) / DAY_MS)),
    tenureDays: med(profiles.map((p) => (nowMs - p.firstSeenUnixMs) / DAY_MS)),
    invoiceCount: med(profiles.map((p) => p.invoiceCount)),
    totalQuantity: med(profiles.map((p) => p.totalQuantity)),
    monetary: med(profiles.map((p) => p.monetary)),
    distinctProducts: med(profiles.map((p) => p.distinctProducts)),
  };
}
