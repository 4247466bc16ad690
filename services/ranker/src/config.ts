import { join } from 'node:path';
import { bool, defaultAddress, duration, integer, loadConfig, text } from '@aisle/config';

/**
 * The blend learned on OR-temporal-v1's validation window (2011-10-10 to 2011-11-09) by the
 * training pipeline's blend fit (tools/pipeline); "builtin" selects the hand-set DEFAULT_BLEND instead.
 */
export const LEARNED_BLEND_FILE = join(__dirname, '..', 'blend', 'learned.json');

/** The ranker's own settings (listening settings come from loadServerSettings('ranker')). */
export function loadRankerConfig(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(
    {
      AISLE_FEATURES_ADDRESS: text(defaultAddress('features')),
      AISLE_COPURCHASE_ADDRESS: text(defaultAddress('copurchase')),
      AISLE_AFFINITY_ADDRESS: text(defaultAddress('affinity')),
      AISLE_RANK_BUDGET: duration(250, { min: 10, max: 60_000 }),
      AISLE_RANK_BUDGET_USER_CONTEXT: duration(80, { min: 1, max: 60_000 }),
      AISLE_RANK_BUDGET_CANDIDATES: duration(100, { min: 1, max: 60_000 }),
      AISLE_RANK_BUDGET_SCORES: duration(100, { min: 1, max: 60_000 }),
      AISLE_RANK_MERGE_RESERVE: duration(5, { min: 0, max: 1000 }),
      AISLE_RANK_MAX_PER_FAMILY: integer(2, { min: 1, max: 100 }),
      AISLE_POPULAR_CACHE_TTL: duration(3_600_000, { min: 1000 }),
      /** Popularity lists fetched at most this long ago answer a Rank without a call ("0ms" = call every time). */
      AISLE_RANK_POPULAR_REUSE: duration(10_000, { min: 0, max: 3_600_000 }),
      /** Catalogue facts (product or not, in stock, description) cached per product ("0ms" = no cache). */
      AISLE_RANK_PRODUCT_CACHE_TTL: duration(60_000, { min: 0, max: 86_400_000 }),
      AISLE_RANK_PRODUCT_CACHE_ENTRIES: integer(20_000, { min: 1, max: 10_000_000 }),
      /**
       * How long a computed answer is reused for the same request while the user's data has not changed
       * (it bounds how late a model promotion or new popularity reaches a user); "0ms" = never reused.
       */
      AISLE_RANK_ANSWER_CACHE_TTL: duration(30_000, { min: 0, max: 3_600_000 }),
      /** How long an answer with a late or failed source is reused (capped at the TTL; "0ms" = never). */
      AISLE_RANK_ANSWER_CACHE_DEGRADED_TTL: duration(2_000, { min: 0, max: 3_600_000 }),
      AISLE_RANK_ANSWER_CACHE_ENTRIES: integer(20_000, { min: 1, max: 10_000_000 }),
      /** Background refreshes of stale answers running at once; the rest wait their turn. */
      AISLE_RANK_ANSWER_REFRESH_CONCURRENCY: integer(2, { min: 1, max: 1_000 }),
      /** How long a held answer's version check waits for others to share one GetUserVersions call ("0ms" = until the end of the event-loop turn). */
      AISLE_RANK_VERSION_CHECK_WINDOW: duration(2, { min: 0, max: 1_000 }),
      /** JSON blend weights ({ version, weights }); "builtin" for DEFAULT_BLEND. Served until the registry has a production blend. */
      AISLE_BLEND_FILE: text(LEARNED_BLEND_FILE),
      /** Registry model whose production version is the blend; "none" serves AISLE_BLEND_FILE only. */
      AISLE_BLEND_MODEL: text('blend', { maxLength: 64 }),
      /** JSON experiments ({ experiments: [{ name, start?, stop?, variants: [{ name, share, blend? }] }] }); '' = none. */
      AISLE_EXPERIMENTS_FILE: text(''),
      /** How often the experiments file is checked for changes. */
      AISLE_EXPERIMENTS_POLL: duration(5_000, { min: 100, max: 3_600_000 }),
      /** Log every served slate (and shadow slate) to the feature service's slate log. */
      AISLE_SLATE_LOG: bool(true),
      /** Slates waiting to be sent at most; beyond it new ones are dropped (aisle.slates.dropped). */
      AISLE_SLATE_LOG_QUEUE: integer(10_000, { min: 1, max: 1_000_000 }),
      /** Slates per AppendSlates call. */
      AISLE_SLATE_LOG_BATCH: integer(50, { min: 1, max: 1000 }),
      /** How often queued slates are sent. */
      AISLE_SLATE_LOG_INTERVAL: duration(250, { min: 10, max: 60_000 }),
      /** Best candidates kept per logged slate, with their per-source signals. */
      AISLE_SLATE_LOG_CANDIDATES: integer(20, { min: 0, max: 500 }),
      /** Later servings of a held answer's page are counted this long, then logged as one row. */
      AISLE_SLATE_LOG_REPEAT_WINDOW: duration(10_000, { min: 10, max: 3_600_000 }),
      /** Budget of one shadow scoring, which runs after the answer has gone. */
      AISLE_SHADOW_BUDGET: duration(250, { min: 10, max: 60_000 }),
      /** Shadow scorings running at once at most; a sampled request beyond it skips its shadow. */
      AISLE_SHADOW_MAX_INFLIGHT: integer(8, { min: 1, max: 1000 }),
      /** How often the registry is asked for a new production blend (as the model services poll theirs). */
      AISLE_MODEL_POLL_INTERVAL: duration(30_000, { min: 0, max: 3_600_000 }),
    },
    env,
  );
}

export type RankerConfig = ReturnType<typeof loadRankerConfig>;
