import { isCleanLine } from './clean';
import { compareCodes } from './compare-codes';
import type { RetailLine } from './retail-line';

/** What one customer did with one product. */
export interface UserItem {
  readonly stockCode: string;
  /** Distinct invoices containing the product (repeat-purchase strength, robust to wholesale quantities). */
  readonly invoices: number;
  /** Sum of quantities over all its lines. */
  readonly quantity: number;
  /** Earliest and latest invoice time (epoch ms) of a line with the product. */
  readonly firstTime: number;
  readonly lastTime: number;
}

/** One invoice of a customer, reduced to its distinct products. */
export interface Purchase {
  readonly invoiceNo: string;
  /** Time of the invoice's earliest line (43 invoices in the file span two timestamps). */
  readonly time: number;
  /** Distinct product codes, in order of first appearance in the invoice. */
  readonly items: readonly string[];
}

export interface UserHistory {
  readonly customerId: string;
  /** Per product, in order of first purchase. */
  readonly items: ReadonlyMap<string, UserItem>;
  /** Invoices ordered by time, then invoice number: the customer's purchase sequence. */
  readonly purchases: readonly Purchase[];
}

interface MutableItem {
  stockCode: string;
  invoices: number;
  quantity: number;
  firstTime: number;
  lastTime: number;
}

interface MutablePurchase {
  invoiceNo: string;
  time: number;
  items: Set<string>;
}

interface Builder {
  items: Map<string, MutableItem>;
  purchases: Map<string, MutablePurchase>;
}

/**
 * Per-customer histories from the clean lines among `lines` (others are ignored). Lines need not be
 * sorted. Pass only the lines a model may see, e.g. `split.train`.
 */
export function userHistories(lines: Iterable<RetailLine>): Map<string, UserHistory> {
  const builders = new Map<string, Builder>();
  for (const line of lines) {
    if (!isCleanLine(line)) continue;
    let b = builders.get(line.customerId);
    if (b === undefined) {
      b = { items: new Map(), purchases: new Map() };
      builders.set(line.customerId, b);
    }
    const purchase = b.purchases.get(line.invoiceNo);
    if (purchase === undefined) {
      b.purchases.set(line.invoiceNo, { invoiceNo: line.invoiceNo, time: line.invoiceDate, items: new Set([line.stockCode]) });
    } else {
      purchase.time = Math.min(purchase.time, line.invoiceDate);
      purchase.items.add(line.stockCode);
    }
    const item = b.items.get(line.stockCode);
    if (item === undefined) {
      const time = line.invoiceDate;
      b.items.set(line.stockCode, { stockCode: line.stockCode, invoices: 0, quantity: line.quantity, firstTime: time, lastTime: time });
    } else {
      item.quantity += line.quantity;
      item.firstTime = Math.min(item.firstTime, line.invoiceDate);
      item.lastTime = Math.max(item.lastTime, line.invoiceDate);
    }
  }
  const histories = new Map<string, UserHistory>();
  for (const [customerId, b] of builders) histories.set(customerId, finish(customerId, b));
  return histories;
}

function finish(customerId: string, b: Builder): UserHistory {
  // Invoice counts come from the de-duplicated purchases, so a product on two lines of one invoice counts once.
  for (const purchase of b.purchases.values()) {
    for (const code of purchase.items) {
      const item = b.items.get(code);
      if (item !== undefined) item.invoices += 1;
    }
  }
  const purchases: Purchase[] = [...b.purchases.values()]
    .map((p) => ({ invoiceNo: p.invoiceNo, time: p.time, items: [...p.items] }))
    .sort((x, y) => x.time - y.time || compareCodes(x.invoiceNo, y.invoiceNo));
  return { customerId, items: b.items, purchases };
}
