// Calling the real ranker the way OR-temporal-v1 asks: the "all" view gets Rank(k); the "new" view
// Rank(k, exclude_purchased, the user's train items as exclude_product_ids). Counts how answers were
// built, so a report can say whether any source failed or timed out, and which candidate generators
// proposed the items that were hits.
import { common, type ranker } from '@aisle/contracts';
import { createRankerClient, type RankerClient } from '@aisle/ranker-client';
import type { Recommender } from '@aisle/retail-data';

const STATES = Object.fromEntries(Object.entries(common.SourceState).map(([name, value]) => [value, name.replace('SOURCE_STATE_', '')]));
/** The ranker refuses more excluded ids than this. */
const MAX_EXCLUDE = 1000;

export interface RankTally {
  calls: number;
  coldStarts: number;
  /** "source=STATE" → count, for every state other than OK. */
  sourceStates: Record<string, number>;
  /** Model versions the answers reported ("model@version" → count). */
  models: Record<string, number>;
  /** The first few reasons given for non-OK sources. */
  details: string[];
  /**
   * Per candidate generator ("copurchase", "repeat", "popular"): items of the evaluated pages it
   * proposed, and how many of them the user bought in the test window. An item proposed by several
   * generators counts for each. Absent from records written before it was kept.
   */
  itemsBySource?: Record<string, { items: number; hits: number }>;
}

/** The test-window truth of a user in one view (`fresh` = the "new" view). */
export type TruthOf = (userId: string, fresh: boolean) => ReadonlySet<string> | undefined;

export class RankerCaller {
  private readonly client: RankerClient;
  readonly tally: RankTally = { calls: 0, coldStarts: 0, sourceStates: {}, models: {}, details: [], itemsBySource: {} };

  constructor(
    address: string,
    private readonly countries: ReadonlyMap<string, string>,
    private readonly timeUnixMs: number,
  ) {
    this.client = createRankerClient(address, { timeoutMs: 30_000 });
  }

  async rank(userId: string, k: number, exclude: ReadonlySet<string>): Promise<ranker.RankResponse> {
    const fresh = exclude.size > 0;
    this.tally.calls++;
    const response = await this.client.rank({
      userId,
      k,
      excludeProductIds: fresh ? [...exclude].slice(0, MAX_EXCLUDE) : [],
      context: { country: this.countries.get(userId) ?? '', timeUnixMs: this.timeUnixMs },
      options: { excludePurchased: fresh, explain: false, fresh: true },
    });
    if (response.coldStart) this.tally.coldStarts++;
    for (const source of response.sources) {
      const state = STATES[source.state] ?? String(source.state);
      if (state === 'OK' || state === 'SKIPPED') continue;
      this.tally.sourceStates[`${source.source}=${state}`] = (this.tally.sourceStates[`${source.source}=${state}`] ?? 0) + 1;
      if (this.tally.details.length < 5) this.tally.details.push(`${source.source}=${state}: ${source.detail}`);
    }
    for (const model of response.models) this.tally.models[`${model.model}@${model.version}`] = (this.tally.models[`${model.model}@${model.version}`] ?? 0) + 1;
    return response;
  }

  /** A protocol Recommender; with `truthOf`, it also counts hits by candidate generator. */
  recommender(k: number, truthOf?: TruthOf): Recommender {
    return async (userId, options) => {
      const response = await this.rank(userId, k, options.exclude);
      const truth = truthOf?.(userId, options.exclude.size > 0);
      if (truth) tallyHits((this.tally.itemsBySource ??= {}), response.items.slice(0, k), truth);
      return response.items.map((item) => item.productId);
    };
  }

  close(): void {
    this.client.close();
  }
}

/** Country of each customer's latest line before the cut (what a backend knows about its customer). */
export function countriesOf(train: readonly { customerId: string | null; country: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of train) if (line.customerId) out.set(line.customerId, line.country);
  return out;
}

/** Adds one page to a hits-by-generator tally: each generator that proposed an item counts it, and its hit. */
export function tallyHits(bySource: NonNullable<RankTally['itemsBySource']>, items: readonly Pick<ranker.RankedItem, 'productId' | 'candidateSources'>[], truth: ReadonlySet<string>): void {
  for (const item of items) {
    for (const source of item.candidateSources) {
      const entry = (bySource[source] ??= { items: 0, hits: 0 });
      entry.items++;
      if (truth.has(item.productId)) entry.hits++;
    }
  }
}
