// aisle.features.v1.FeatureService: validation and proto ↔ store mapping only.
import { InvalidArgumentError, requireId, requireIds, requireIntInRange, requireMaxItems, type AsyncService } from '@aisle/grpc-kit';
import { features } from '@aisle/contracts';
import { GLOBAL_SCOPE, type FeatureStore, type PopularityWindow } from '@aisle/feature-store';
import { ATTR, hashUserId, withSpan } from '@aisle/telemetry';
import type { CachedReads } from '../adapters/cached-reads';
import type { PopularityRefresher } from '../adapters/popularity-refresher';
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
      const country = request.context?.country ?? '';
      if (country.length > 64) throw new InvalidArgumentError('context.country', 'must be at most 64 characters');
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
      return { applied: result.applied, duplicates: result.duplicates, rejected };
    },

    eraseUser: async (request) => {
      const userId = requireId(request.userId, 'user_id');
      const before = await fromStore(store.getUserContext(userId, 0));
      const counts = await withSpan('feature-store.erase-user', { [ATTR.USER_HASH]: hashUserId(userId), [ATTR.STORE_KIND]: store.kind }, () => fromStore(store.eraseUser(userId)));
      reads.forgetProducts(before.products.map((product) => product.productId));
      reads.forgetRankings();
      refresher.markDirty();
      return counts;
    },
  };
}
