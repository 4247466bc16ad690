// Answers the ranker computed, kept for the same request while the user's data has not changed. A
// Rank still reads the user every time, but conditionally: the feature service answers "not
// modified" from one key read when the version the answer was computed on is still current, and the
// ranker then skips the candidate and scoring calls. A new purchase or an erasure changes the version,
// so the next Rank computes afresh; what the version does not cover (model promotions, popularity,
// the catalogue) is bounded by the time-to-live. A degraded answer (a source late or failed) is held
// only briefly: under overload that is what lets the cache fill and the load fall, instead of every
// request computing another degraded answer. Each entry's lifetime is cut by up to a quarter at
// random, so answers computed together do not all expire together.
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

export interface AnswerCacheSettings {
  maxEntries: number;
  /** Lifetime of a whole answer. */
  ttlMs: number;
  /** Lifetime of a degraded answer (at most ttlMs). */
  degradedTtlMs: number;
}

export class AnswerCache<T> {
  private readonly entries: LRUCache<string, HeldAnswer<T>>;

  constructor(
    private readonly settings: AnswerCacheSettings,
    private readonly random: () => number = Math.random,
  ) {
    this.entries = new LRUCache({ max: Math.max(1, settings.maxEntries), ttl: settings.ttlMs });
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

  /** Holds `held` for the whole or the degraded lifetime, less up to a quarter of it at random. */
  set(key: string, held: HeldAnswer<T>, whole: boolean): void {
    const lifetime = whole ? this.settings.ttlMs : Math.min(this.settings.degradedTtlMs, this.settings.ttlMs);
    if (lifetime <= 0) return void this.entries.delete(key);
    this.entries.set(key, held, { ttl: Math.max(1, Math.round(lifetime * (1 - 0.25 * this.random()))) });
  }

  /** Milliseconds until the entry for `key` expires (0 when there is none). */
  remainingMs(key: string): number {
    return this.entries.has(key) ? this.entries.getRemainingTTL(key) : 0;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
