// Answers the ranker computed, kept for the same request while the user's data has not changed. A
// Rank still reads the user every time, but conditionally: the feature service answers "not
// modified" from one key read when the version the answer was computed on is still current, and the
// ranker then skips the candidate and scoring calls. A new purchase or an erasure changes the version,
// so the next Rank computes afresh; what the version does not cover (model promotions, popularity,
// the catalogue) is bounded by the time-to-live.
import { LRUCache } from 'lru-cache';

/** The parts of a request an answer depends on, besides the user's data. */
export interface AnswerKeyInput {
  userId: string;
  k: number;
  country: string;
  timeUnixMs: number;
  exclude: ReadonlySet<string>;
  excludePurchased: boolean;
  explain: boolean;
}

export interface HeldAnswer<T> {
  /** The user's version the answer was computed on. */
  userVersion: string;
  /** What else decided it: the experiment variant and the blend version in force. */
  basis: string;
  computedAtMs: number;
  answer: T;
}

export class AnswerCache<T> {
  private readonly entries: LRUCache<string, HeldAnswer<T>>;

  constructor(maxEntries: number, ttlMs: number) {
    this.entries = new LRUCache({ max: Math.max(1, maxEntries), ttl: ttlMs });
  }

  static key(input: AnswerKeyInput): string {
    const exclude = [...input.exclude].sort().join('\u0001');
    return [input.userId, input.k, input.country, input.timeUnixMs, input.excludePurchased ? 1 : 0, input.explain ? 1 : 0, input.exclude.size, exclude].join('\u0000');
  }

  /** The answer held for `key` if it was computed on `basis` (a changed blend or variant misses). */
  get(key: string, basis: string): HeldAnswer<T> | undefined {
    const held = this.entries.get(key);
    return held?.basis === basis ? held : undefined;
  }

  set(key: string, held: HeldAnswer<T>): void {
    this.entries.set(key, held);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
