import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { runMain, startService } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { loadBlend } from './adapters/blend-source';
import { grpcDownstreams } from './adapters/downstream';
import { features } from '@aisle/contracts';
import { keepPopularWarm, PopularCache } from './adapters/popular-cache';
import { loadRankerConfig } from './config';
import { rankerService } from './server';

const logger = createLogger('ranker');

runMain(logger, async () => {
  const settings = loadServerSettings('ranker');
  const config = loadRankerConfig();
  const downstreams = grpcDownstreams({ features: config.AISLE_FEATURES_ADDRESS, copurchase: config.AISLE_COPURCHASE_ADDRESS, affinity: config.AISLE_AFFINITY_ADDRESS });
  const blend = loadBlend(config.AISLE_BLEND_FILE);
  const popularCache = new PopularCache(config.AISLE_POPULAR_CACHE_TTL);
  const window = features.PopularityWindow.POPULARITY_WINDOW_LAST_30_DAYS;
  const stopWarming = keepPopularWarm(
    popularCache,
    async () => ({
      key: PopularCache.key('', window),
      products: (await downstreams.popular({ context: { country: '', timeUnixMs: 0 }, window, limit: 200 }, { deadline: Date.now() + 2000, signal: new AbortController().signal })).products,
    }),
    60_000,
    (error) => logger.warn({ err: error }, 'could not refresh the popular fallback'),
  );
  const deps = {
    downstreams,
    popularCache,
    blend: () => blend,
    settings: {
      budgetMs: config.AISLE_RANK_BUDGET,
      stageBudgetMs: { userContext: config.AISLE_RANK_BUDGET_USER_CONTEXT, candidates: config.AISLE_RANK_BUDGET_CANDIDATES, scores: config.AISLE_RANK_BUDGET_SCORES },
      mergeReserveMs: config.AISLE_RANK_MERGE_RESERVE,
      maxPerFamily: config.AISLE_RANK_MAX_PER_FAMILY,
    },
  };
  await startService({ logger, settings, services: [rankerService(deps)], onStopped: () => {
      stopWarming();
      downstreams.close();
    },
  });
});
