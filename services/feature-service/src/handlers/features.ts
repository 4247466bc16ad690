// aisle.features.v1.FeatureService: validation and proto ↔ store mapping only.
import { InvalidArgumentError, requireId, requireIds, requireIntInRange, requireMaxItems, requirePositiveTime, requireText, type AsyncService } from '@aisle/grpc-kit';
import { features } from '@aisle/contracts';
import { GLOBAL_SCOPE, type FeatureStore, type PopularityWindow } from '@aisle/feature-store';
import { ATTR, hashUserId, meter, withSpan } from '@aisle/telemetry';
import type { CachedReads } from '../adapters/cached-reads';
import type { PopularityRefresher } from '../adapters/popularity-refresher';
import { versionsTrainedOn } from '../domain/erasure';
import { featureAgeMs } from '../domain/feature-age';
import { choosePopular } from '../domain/popular';
import { MAX_LINES, validateLines } from './ingest-lines';
import { productMessage, userContextMessage } from './map';
import { fromStore } from './store-errors';

export interface FeatureHandlerDeps {
  store: FeatureStore;
  reads: CachedReads;
  refresher: PopularityRefresher;
  minCountryProducts: number;
}

const DEFAULT_RECENT = 50;
const MAX_USER_VERSIONS = 1000;
const MAX_STOCK_UPDATES = 5000;

async function registeredVersions(store: FeatureStore) {
  const models = await store.listModels();
  return (await Promise.all(models.map((model) => store.listModelVersions(model, 100_000)))).flat();
}

// Ingest lag: from a batch's newest transaction time to its acknowledgement (its lines are then
// visible to the next read). Replays of old data show as large lags, which is what they are.
const ingestLag = meter.createHistogram('aisle.ingest.lag', {
  description: "Time from an ingested batch's newest transaction to its durable acknowledgement",
  unit: 's',
  advice: { explicitBucketBoundaries: [0.1, 1, 10, 60, 600, 3_600, 86_400, 2_592_000] },
});
const ingestedLines = meter.createCounter('aisle.ingest.lines', { description: 'Transaction lines acknowledged by Ingest, by outcome (applied, duplicate, rejected)' });

function windowOf(value: features.PopularityWindow): PopularityWindow {
  switch (value) {
    case features.PopularityWindow.POPULARITY_WINDOW_UNSPECIFIED:
    case features.PopularityWindow.POPULARITY_WINDOW_ALL_TIME:
      return 'all';
    case features.PopularityWindow.POPULARITY_WINDOW_LAST_30_DAYS:
      return 'last30d';
    default:
      throw new InvalidArgumentError('window', `unknown popularity window ${value}`);
  }
}

export function featureHandlers(deps: FeatureHandlerDeps): AsyncService<typeof features.FeatureServiceService> {
  const { store, reads, refresher } = deps;
  return {
    getUserContext: async (request) => {
      const userId = requireId(request.userId, 'user_id');
      const limit = requireIntInRange(request.recentLimit, 'recent_limit', 0, 500) || DEFAULT_RECENT;
      const context = await fromStore(store.getUserContext(userId, limit));
      return userContextMessage(context, featureAgeMs(context.lastWriteUnixMs, Date.now()));
    },

    getUserVersions: async (request) => {
      requireMaxItems(request.userIds, 'user_ids', MAX_USER_VERSIONS, 1);
      const ids = requireIds(request.userIds, 'user_ids', MAX_USER_VERSIONS);
      const found = await fromStore(store.userVersions(ids));
      const now = Date.now();
      return {
        versions: request.userIds.map((userId) => {
          const current = found.get(userId);
          return { userId, version: current?.version ?? '', featureAgeMs: current ? featureAgeMs(current.lastWriteUnixMs, now) : 0 };
        }),
      };
    },

    batchGetProducts: async (request) => {
      const ids = requireIds(request.productIds, 'product_ids', 1000);
      const found = await fromStore(reads.getProducts(ids));
      return {
        products: ids.filter((id) => found.has(id)).map((id) => productMessage(found.get(id)!)),
        unknownProductIds: ids.filter((id) => !found.has(id)),
      };
    },

    popular: async (request) => {
      const limit = requireIntInRange(request.limit, 'limit', 1, 1000);
      const window = windowOf(request.window);
      const country = requireText(request.context?.country ?? '', 'context.country', 64);
      const [countryRanking, globalRanking] = await fromStore(Promise.all([country ? reads.ranking(country, window) : Promise.resolve([]), reads.ranking(GLOBAL_SCOPE, window)]));
      return choosePopular(country, countryRanking, globalRanking, limit, deps.minCountryProducts);
    },

    ingest: async (request) => {
      requireMaxItems(request.lines, 'lines', MAX_LINES, 1);
      const { valid, rejected } = validateLines(request.lines);
      // A batch with nothing valid in it is a bad request as a whole; otherwise bad lines are reported.
      if (valid.length === 0) throw new InvalidArgumentError(`lines[${rejected[0]!.index}].${rejected[0]!.field}`, rejected[0]!.reason);
      const result = await withSpan('feature-store.ingest', { [ATTR.INGEST_LINES]: valid.length, [ATTR.STORE_KIND]: store.kind }, () => fromStore(store.ingest(valid)));
      if (result.applied > 0) {
        reads.forgetProducts(new Set(valid.map((line) => line.productId)));
        refresher.markDirty();
      }
      const newest = valid.reduce((latest, line) => Math.max(latest, line.timeUnixMs), 0);
      ingestLag.record(Math.max(0, Date.now() - newest) / 1000, { [ATTR.STORE_KIND]: store.kind });
      ingestedLines.add(result.applied, { [ATTR.INGEST_OUTCOME]: 'applied' });
      ingestedLines.add(result.duplicates, { [ATTR.INGEST_OUTCOME]: 'duplicate' });
      ingestedLines.add(rejected.length, { [ATTR.INGEST_OUTCOME]: 'rejected' });
      return { applied: result.applied, duplicates: result.duplicates, rejected };
    },

    setStock: async (request) => {
      requireMaxItems(request.updates, 'updates', MAX_STOCK_UPDATES, 1);
      // All or nothing: a feed resends its batch once it is fixed.
      const updates = request.updates.map((update, i) => {
        const updatedUnixMs = requirePositiveTime(update.updatedUnixMs, `updates[${i}].updated_unix_ms`);
        return { productId: requireId(update.productId, `updates[${i}].product_id`), inStock: update.inStock, updatedUnixMs };
      });
      await withSpan('feature-store.set-stock', { [ATTR.STORE_KIND]: store.kind }, () => fromStore(store.setStock(updates)));
      reads.forgetProducts(new Set(updates.map((update) => update.productId)));
      return { accepted: updates.length };
    },

    eraseUser: async (request) => {
      const userId = requireId(request.userId, 'user_id');
      const before = await fromStore(store.getUserContext(userId, 0));
      // Read before erasing: afterwards nothing says when the user bought what.
      const trainedOnUser = before.products.length > 0 ? versionsTrainedOn(before.products, await fromStore(registeredVersions(store))) : [];
      const counts = await withSpan('feature-store.erase-user', { [ATTR.USER_HASH]: hashUserId(userId), [ATTR.STORE_KIND]: store.kind }, () => fromStore(store.eraseUser(userId)));
      reads.forgetProducts(before.products.map((product) => product.productId));
      reads.forgetRankings();
      refresher.markDirty();
      return { ...counts, trainedOnUser: trainedOnUser.map((version) => ({ model: version.model, version: version.version })) };
    },
  };
}
