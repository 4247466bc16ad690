// Answers the ranker computed, kept for the same request while the user's data has not changed. A
// Rank still asks whether the user's version is still the one the answer was computed on (one key
// read, batched: see VersionChecks), and only then skips the candidate and scoring calls. A new
// purchase or an erasure changes the version, so the next Rank computes afresh.
// What the version does not cover (model promotions, popularity, the catalogue) is bounded by the
// lifetime: past it an answer is still served once more while one computation of it runs in the
// background (stale-while-revalidate), so an expiry never makes callers wait, and past twice the
// lifetime it is gone. Each lifetime is cut by up to a quarter at random, so answers computed together
// are not recomputed together, and background refreshes wait in one queue, a few at a time
// (refreshConcurrency): a wave of answers going stale together (say, after a restart's warm-up) never
// takes the machine from the requests being served; a refresh that waits too long only means the
// next request past twice the lifetime computes in the foreground. A degraded answer (a source late
// or failed) lives briefly: under overload that is what lets the load fall instead of every request
// computing another degraded answer; when the user read itself failed there is no version to check,
// and that answer is served as it is until its (brief) lifetime ends. A degraded computation never replaces a whole answer held
// for the same basis and user version (that answer is still right; only its refresh is put off), so a
// busy moment cannot turn whole answers into degraded ones. Identical requests arriving while one is
// computed wait for that computation instead of starting their own.
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
  /** The user's version the answer was computed on ('' when the user read failed: served unchecked). */
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
  /** Background refreshes running at once; the rest wait in order (default 2). */
  refreshConcurrency?: number;
}

/** What one computation gives the cache: the answer (a whole one without userVersion is not held). */
export interface Computed<T, R> {
  held: HeldAnswer<T>;
  whole: boolean;
  result: R;
}

export class AnswerCache<T> {
  private readonly entries: LRUCache<string, { held: HeldAnswer<T>; whole: boolean; refreshAtMs: number }>;
  private readonly computing = new Map<string, { basis: string; done: Promise<HeldAnswer<T> | undefined> }>();
  // Refreshes waiting, oldest first, at most one per key (a Map keeps insertion order).
  private readonly refreshQueue = new Map<string, () => Promise<unknown>>();
  private refreshing = 0;

  constructor(
    private readonly settings: AnswerCacheSettings,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LRUCache({ max: Math.max(1, settings.maxEntries), ttl: Math.max(1, settings.ttlMs * 2) });
  }

  static key(input: AnswerKeyInput): string {
    const exclude = [...input.exclude].sort().join('\u0001');
    return [input.userId, input.k, input.country, input.timeUnixMs, input.excludePurchased ? 1 : 0, input.explain ? 1 : 0, input.exclude.size, exclude].join('\u0000');
  }

  /**
   * The answer held for `key` if it was computed on `basis` (a changed blend or variant misses), and
   * whether its lifetime has passed (serve it, and refresh it in the background).
   */
  get(key: string, basis: string): { held: HeldAnswer<T>; stale: boolean } | undefined {
    const entry = this.entries.get(key);
    if (entry?.held.basis !== basis) return undefined;
    return { held: entry.held, stale: this.now() >= entry.refreshAtMs };
  }

  /** The computation of `key` on `basis` running now, if any: it resolves with its answer (or undefined). */
  running(key: string, basis: string): Promise<HeldAnswer<T> | undefined> | undefined {
    const current = this.computing.get(key);
    return current?.basis === basis ? current.done : undefined;
  }

  /**
   * Queues `work`, a background recomputation of the stale answer for `key`, behind the refreshes
   * already waiting; it runs when fewer than refreshConcurrency run, unless by then the answer was
   * computed again, is being computed, or has gone. Never throws; a key already waiting is not queued twice.
   */
  refreshLater(key: string, work: () => Promise<unknown>): void {
    if (this.refreshQueue.has(key)) return;
    this.refreshQueue.set(key, work);
    this.startRefreshes();
  }

  /** Refreshes running and waiting. */
  get refreshes(): { running: number; waiting: number } {
    return { running: this.refreshing, waiting: this.refreshQueue.size };
  }

  private startRefreshes(): void {
    const limit = Math.max(1, this.settings.refreshConcurrency ?? 2);
    for (const [key, work] of this.refreshQueue) {
      if (this.refreshing >= limit) return;
      this.refreshQueue.delete(key);
      const entry = this.entries.peek(key);
      if (!entry || this.now() < entry.refreshAtMs || this.computing.has(key)) continue;
      this.refreshing++;
      void Promise.resolve()
        .then(work)
        .catch(() => undefined)
        .finally(() => {
          this.refreshing--;
          this.startRefreshes();
        });
    }
  }

  /** Runs `work` as the computation of `key` others may wait for, and holds what it computed. */
  async compute<R>(key: string, basis: string, work: () => Promise<Computed<T, R>>): Promise<R> {
    let finish: (held: HeldAnswer<T> | undefined) => void = () => undefined;
    const entry = { basis, done: new Promise<HeldAnswer<T> | undefined>((resolve) => (finish = resolve)) };
    this.computing.set(key, entry);
    let held: HeldAnswer<T> | undefined;
    try {
      const computed = await work();
      held = computed.held;
      // A whole answer without a version is an unknown user's: the next request must see their first purchase.
      if (held.userVersion !== '' || !computed.whole) this.set(key, held, computed.whole);
      else this.delete(key);
      return computed.result;
    } finally {
      if (this.computing.get(key) === entry) this.computing.delete(key);
      finish(held);
    }
  }

  /**
   * Holds `held` for the whole or the degraded lifetime, less up to a quarter of it at random; a
   * versioned answer stays servable (stale) for as long again, an unversioned one does not.
   */
  set(key: string, held: HeldAnswer<T>, whole: boolean): void {
    const lifetime = whole ? this.settings.ttlMs : Math.min(this.settings.degradedTtlMs, this.settings.ttlMs);
    const current = this.entries.get(key);
    if (!whole && current?.whole && current.held.basis === held.basis && (held.userVersion === '' || held.userVersion === current.held.userVersion)) {
      // Still right for this user's data: kept (to its own end), and refreshed again a degraded lifetime from now.
      if (lifetime > 0) current.refreshAtMs = this.now() + this.jittered(lifetime);
      return;
    }
    if (lifetime <= 0) return void this.entries.delete(key);
    const fresh = this.jittered(lifetime);
    this.entries.set(key, { held, whole, refreshAtMs: this.now() + fresh }, { ttl: held.userVersion === '' ? fresh : fresh * 2 });
  }

  private jittered(lifetimeMs: number): number {
    return Math.max(1, Math.round(lifetimeMs * (1 - 0.25 * this.random())));
  }

  /** Milliseconds until the entry for `key` is stale (negative once it is; undefined when there is none). */
  freshForMs(key: string): number | undefined {
    const entry = this.entries.get(key);
    return entry && entry.refreshAtMs - this.now();
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}
