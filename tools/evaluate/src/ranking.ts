// Calling the real ranker for evaluation: the request each view needs, and a tally of how the
// answers were built (non-OK sources, cold starts, which generators proposed the hits).
import { common, type ranker } from '@aisle/contracts';
import { createRankerClient, type RankerClient } from '@aisle/ranker-client';
import type { Recommender } from '@aisle/retail-data';

const STATES = Object.fromEntries(Object.entries(common.SourceState).map(([name, value]) => [value, name.replace('SOURCE_STATE_', '')]));

/** The ranker refuses more excluded ids than this (LIMITS.exclude). */
export const MAX_EXCLUDE = 1000;

export interface RankTally {
  calls: number;
  failedCalls: number;
  coldStarts: number;
  /** "source=STATE" → count, for every state other than OK. */
  sourceStates: Record<string, number>;
  /** Items returned, and relevant items returned, by candidate generator. */
  itemsBySource: Record<string, { items: number; hits: number }>;
  /** Rank latency seen by the client, ms. */
  latenciesMs: number[];
}

export function newTally(): RankTally {
  return { calls: 0, failedCalls: 0, coldStarts: 0, sourceStates: {}, itemsBySource: {}, latenciesMs: [] };
}

export interface RankContext {
  /** Country of each user's latest purchase before the cut (what a backend knows about its customer). */
  countries: ReadonlyMap<string, string>;
  /** The evaluation clock: the cut in ms (dataset clock). */
  timeUnixMs: number;
}

export class RankerCaller {
  private readonly client: RankerClient;

  constructor(
    address: string,
    private readonly context: RankContext,
    readonly tally: RankTally = newTally(),
  ) {
    this.client = createRankerClient(address, { timeoutMs: 30_000 });
  }

  /** One Rank; `exclude` non-empty means the "new" view: nothing the user bought, nor the excluded ids. */
  async rank(userId: string, k: number, exclude: ReadonlySet<string>, truth?: ReadonlySet<string>): Promise<ranker.RankResponse> {
    const fresh = exclude.size > 0;
    const started = performance.now();
    this.tally.calls++;
    let response: ranker.RankResponse;
    try {
      response = await this.client.rank({
        userId,
        k,
        excludeProductIds: fresh ? [...exclude].slice(0, MAX_EXCLUDE) : [],
        context: { country: this.context.countries.get(userId) ?? '', timeUnixMs: this.context.timeUnixMs },
        options: { excludePurchased: fresh, explain: false, fresh: true },
      });
    } catch (error) {
      this.tally.failedCalls++;
      throw error;
    }
    this.tally.latenciesMs.push(performance.now() - started);
    if (response.coldStart) this.tally.coldStarts++;
    for (const source of response.sources) {
      const state = STATES[source.state] ?? String(source.state);
      if (state === 'OK') continue;
      const key = `${source.source}=${state}`;
      this.tally.sourceStates[key] = (this.tally.sourceStates[key] ?? 0) + 1;
    }
    if (truth) {
      for (const item of response.items.slice(0, 10)) {
        for (const source of item.candidateSources) {
          const entry = (this.tally.itemsBySource[source] ??= { items: 0, hits: 0 });
          entry.items++;
          if (truth.has(item.productId)) entry.hits++;
        }
      }
    }
    return response;
  }

  /** A protocol Recommender: the "all" view gets Rank(k), the "new" view Rank(k, exclude_purchased, exclude ids). */
  recommender(k: number, truthOf: (userId: string, fresh: boolean) => ReadonlySet<string> | undefined): Recommender {
    return async (userId, options) => {
      const fresh = options.exclude.size > 0;
      const response = await this.rank(userId, k, options.exclude, truthOf(userId, fresh));
      return response.items.map((item) => item.productId);
    };
  }

  close(): void {
    this.client.close();
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
