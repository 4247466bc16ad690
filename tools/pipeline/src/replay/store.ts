// The replay over a feature store: its logged slates in a served-time window joined with its whole
// transaction log.
import type { FeatureStore, Slate } from '@aisle/feature-store';
import { DAY_MS } from '@aisle/retail-data';
import { PurchaseIndex, type PurchaseLine } from './purchases';
import { DEFAULT_REPLAY_OPTIONS, replay, type ReplayOptions, type ReplayResult } from './replay';

/** How far back the replay reads when no start is given (slates expire anyway; Cassandra reads one partition per day). */
export const DEFAULT_WINDOW_MS = 90 * DAY_MS;

export async function readSlates(store: FeatureStore, fromUnixMs: number, toUnixMs: number): Promise<Slate[]> {
  const out: Slate[] = [];
  // The replay scores the served order only: the candidates' signals are dropped as pages arrive.
  for await (const page of store.slates(fromUnixMs, toUnixMs)) for (const slate of page) out.push({ ...slate, candidates: [] });
  return out;
}

export async function readPurchases(store: FeatureStore): Promise<PurchaseIndex> {
  const index = new PurchaseIndex();
  for await (const page of store.transactionLines()) index.add(page);
  return index;
}

export type StoreReplayOptions = Partial<ReplayOptions> & { fromUnixMs: number; toUnixMs: number };

/** The replay of the store's slates served in [fromUnixMs, toUnixMs); `lines` when the caller has read the log already. */
export async function replayStore(store: FeatureStore, options: StoreReplayOptions, lines?: Iterable<PurchaseLine>): Promise<ReplayResult> {
  const slates = await readSlates(store, options.fromUnixMs, options.toUnixMs);
  const purchases = lines ? PurchaseIndex.of(lines) : await readPurchases(store);
  return replay(slates, purchases, { ...DEFAULT_REPLAY_OPTIONS, ...options });
}
