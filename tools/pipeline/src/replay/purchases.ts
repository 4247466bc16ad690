// What users bought, keyed the way logged slates name users: by the salted hash of the user id
// (`hashUserId`, AISLE_USER_HASH_SALT), so slates and transaction lines join without a clear user id.
import { hashUserId } from '@aisle/telemetry';

/** The fields of a transaction line the replay reads (a feature-store TransactionLine fits). */
export interface PurchaseLine {
  userId: string | null;
  productId: string;
  quantity: number;
  timeUnixMs: number;
}

interface UserPurchases {
  times: number[];
  products: string[];
}

/**
 * Purchases (lines with a user and a positive quantity) per hashed user, in time order, plus the
 * two facts of the whole log the replay needs: its newest time and its distinct products (the catalogue).
 * Feed it pages with `add`, then ask.
 */
export class PurchaseIndex {
  private readonly byUser = new Map<string, UserPurchases>();
  private readonly hashes = new Map<string, string>();
  private readonly products = new Set<string>();
  private sorted = true;
  private last = Number.NEGATIVE_INFINITY;
  private lineCount = 0;

  constructor(private readonly hash: (userId: string) => string = hashUserId) {}

  static of(lines: Iterable<PurchaseLine>, hash?: (userId: string) => string): PurchaseIndex {
    return new PurchaseIndex(hash).add(lines);
  }

  add(lines: Iterable<PurchaseLine>): this {
    for (const line of lines) {
      this.lineCount++;
      this.products.add(line.productId);
      if (line.timeUnixMs > this.last) this.last = line.timeUnixMs;
      if (!line.userId || !(line.quantity > 0)) continue;
      let key = this.hashes.get(line.userId);
      if (key === undefined) this.hashes.set(line.userId, (key = this.hash(line.userId)));
      let user = this.byUser.get(key);
      if (!user) this.byUser.set(key, (user = { times: [], products: [] }));
      if (user.times.length > 0 && line.timeUnixMs < user.times.at(-1)!) this.sorted = false;
      user.times.push(line.timeUnixMs);
      user.products.push(line.productId);
    }
    return this;
  }

  /** Lines seen (every line, bought or not). */
  get lines(): number {
    return this.lineCount;
  }

  /** Newest time in the log (-Infinity when empty): horizons ending after it are not over yet. */
  get lastUnixMs(): number {
    return this.last;
  }

  /** Distinct product ids in the log. */
  get catalogueSize(): number {
    return this.products.size;
  }

  /** Distinct products the user (by hash) bought at a time in (afterUnixMs, untilUnixMs]. */
  bought(userHash: string, afterUnixMs: number, untilUnixMs: number): Set<string> {
    this.sort();
    const out = new Set<string>();
    const user = this.byUser.get(userHash);
    if (!user) return out;
    // First purchase strictly after `afterUnixMs`.
    let lo = 0;
    let hi = user.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (user.times[mid]! <= afterUnixMs) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < user.times.length && user.times[i]! <= untilUnixMs; i++) out.add(user.products[i]!);
    return out;
  }

  private sort(): void {
    if (this.sorted) return;
    for (const user of this.byUser.values()) {
      const order = user.times.map((_, i) => i).sort((a, b) => user.times[a]! - user.times[b]!);
      user.times = order.map((i) => user.times[i]!);
      user.products = order.map((i) => user.products[i]!);
    }
    this.sorted = true;
  }
}
