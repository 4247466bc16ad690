import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { runMain, startService } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { registrySource } from '@aisle/model-serving';
import { loadBlend } from './adapters/blend-source';
import { startRegistryBlend } from './adapters/registry-blend';
import { grpcDownstreams } from './adapters/downstream';
import { features } from '@aisle/contracts';
import { keepPopularWarm, PopularCache } from './adapters/popular-cache';
import { ProductCache } from './adapters/product-cache';
import { AnswerCache } from './adapters/answer-cache';
import { VersionChecks } from './adapters/version-checks';
import type { ReusableAnswer } from './flow/rank';
import { ExperimentsFile } from './experiments/experiments-file';
import { SlateLog } from './adapters/slate-log';
import { loadRankerConfig } from './config';
import { rankerService } from './server';

const logger = createLogger('ranker');

runMain(logger, async () => {
  const settings = loadServerSettings('ranker');
  const config = loadRankerConfig();
  const downstreams = grpcDownstreams({ features: config.AISLE_FEATURES_ADDRESS, copurchase: config.AISLE_COPURCHASE_ADDRESS, affinity: config.AISLE_AFFINITY_ADDRESS });
  const fileBlend = loadBlend(config.AISLE_BLEND_FILE);
  const registry = config.AISLE_BLEND_MODEL === 'none' ? undefined : registrySource(config.AISLE_FEATURES_ADDRESS);
  // A first answer from the registry before serving, but never a start-up that waits on it for long.
  const noRegistry = { production: async () => undefined, fetch: () => Promise.reject(new Error('no blend registry')) };
  const blend = await startRegistryBlend(fileBlend, { model: config.AISLE_BLEND_MODEL, source: registry?.source ?? noRegistry, pollIntervalMs: registry ? config.AISLE_MODEL_POLL_INTERVAL : 0, firstPollMs: registry ? 3000 : 0, logger });
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
  const experiments = config.AISLE_EXPERIMENTS_FILE ? new ExperimentsFile(config.AISLE_EXPERIMENTS_FILE, logger) : undefined;
  experiments?.watch(config.AISLE_EXPERIMENTS_POLL);
  const slateLog = config.AISLE_SLATE_LOG
    ? new SlateLog(
        (batch, deadline) => downstreams.appendSlates(batch, deadline),
        { capacity: config.AISLE_SLATE_LOG_QUEUE, batchSize: config.AISLE_SLATE_LOG_BATCH, flushIntervalMs: config.AISLE_SLATE_LOG_INTERVAL, callTimeoutMs: 5_000, repeatWindowMs: config.AISLE_SLATE_LOG_REPEAT_WINDOW },
        logger,
      )
    : undefined;
  const deps = {
    downstreams,
    slateLog: slateLog && { log: slateLog, candidates: config.AISLE_SLATE_LOG_CANDIDATES },
    experiments: experiments && (() => experiments.current()),
    popularCache,
    productCache: new ProductCache(config.AISLE_RANK_PRODUCT_CACHE_ENTRIES, config.AISLE_RANK_PRODUCT_CACHE_TTL),
    answers:
      config.AISLE_RANK_ANSWER_CACHE_TTL > 0
        ? {
            cache: new AnswerCache<ReusableAnswer>({
              maxEntries: config.AISLE_RANK_ANSWER_CACHE_ENTRIES,
              ttlMs: config.AISLE_RANK_ANSWER_CACHE_TTL,
              degradedTtlMs: config.AISLE_RANK_ANSWER_CACHE_DEGRADED_TTL,
              refreshConcurrency: config.AISLE_RANK_ANSWER_REFRESH_CONCURRENCY,
            }),
            versions: new VersionChecks((userIds, bound) => downstreams.userVersions(userIds, bound), config.AISLE_RANK_VERSION_CHECK_WINDOW),
          }
        : undefined,
    blend: () => blend.current().value,
    settings: {
      budgetMs: config.AISLE_RANK_BUDGET,
      stageBudgetMs: { userContext: config.AISLE_RANK_BUDGET_USER_CONTEXT, candidates: config.AISLE_RANK_BUDGET_CANDIDATES, scores: config.AISLE_RANK_BUDGET_SCORES },
      mergeReserveMs: config.AISLE_RANK_MERGE_RESERVE,
      popularReuseMs: config.AISLE_RANK_POPULAR_REUSE,
      maxPerFamily: config.AISLE_RANK_MAX_PER_FAMILY,
      shadowBudgetMs: config.AISLE_SHADOW_BUDGET,
      shadowMaxInFlight: config.AISLE_SHADOW_MAX_INFLIGHT,
    },
  };
  await startService({ logger, settings, services: [rankerService(deps)], onStopped: async () => {
      stopWarming();
      await slateLog?.stop(2_000);
      void blend.stop();
      experiments?.stop();
      registry?.close();
      downstreams.close();
    },
  });
});
