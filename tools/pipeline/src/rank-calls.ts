// Calling the real ranker the way OR-temporal-v1 asks: the "all" view gets Rank(k); the "new" view
// Rank(k, exclude_purchased, the user's train items as exclude_product_ids). Counts how answers were
// built, so a report can say whether any source failed or timed out.
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
}

export class RankerCaller {
  private readonly client: RankerClient;
  readonly tally: RankTally = { calls: 0, coldStarts: 0, sourceStates: {}, models: {}, details: [] };

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

  recommender(k: number): Recommender {
    return async (userId, options) => (await this.rank(userId, k, options.exclude)).items.map((item) => item.productId);
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
