// Every span and metric attribute Aisle sets, declared in one place. Semantic conventions
// (rpc.*, db.*) come from the instrumentations; these are Aisle's own, named aisle.<domain>.<field>.
import { createHash } from 'node:crypto';

export const ATTR = {
  USER_HASH: 'aisle.user.hash',
  USER_KNOWN: 'aisle.user.known',
  RANK_K: 'aisle.rank.k',
  RANK_COLD_START: 'aisle.rank.cold_start',
  CANDIDATES_SOURCE: 'aisle.candidates.source',
  CANDIDATES_COUNT: 'aisle.candidates.count',
  SOURCE: 'aisle.source.name',
  SOURCE_STATE: 'aisle.source.state',
  FALLBACK_REASON: 'aisle.fallback.reason',
  MODEL_NAME: 'aisle.model.name',
  MODEL_VERSION: 'aisle.model.version',
  MODEL_OPERATION: 'aisle.model.operation',
  CACHE_NAME: 'aisle.cache.name',
  CACHE_HIT: 'aisle.cache.hit',
  INGEST_LINES: 'aisle.ingest.lines',
  INGEST_OUTCOME: 'aisle.ingest.outcome',
  STORE_KIND: 'aisle.store.kind',
  EXPERIMENT: 'aisle.experiment.name',
  EXPERIMENT_VARIANT: 'aisle.experiment.variant',
} as const;

/** Attributes that carry one value per source or model, named aisle.<domain>.<name>.<field>. */
export const PER = {
  /** State of one Rank source (OK, TIMEOUT, FAILED, FALLBACK, SKIPPED). */
  sourceState: (source: string) => `aisle.source.${source}.state`,
  /** Why a source was not OK (its status detail). */
  fallbackReason: (source: string) => `aisle.source.${source}.fallback_reason`,
  /** Candidates a generator put in the pool. */
  candidates: (source: string) => `aisle.candidates.${source}.count`,
  /** Version of a model a Rank used. */
  modelVersion: (model: string) => `aisle.model.${model}.version`,
  /** Cache hits and misses of one cache within a call. */
  cacheHits: (cache: string) => `aisle.cache.${cache}.hits`,
  cacheMisses: (cache: string) => `aisle.cache.${cache}.misses`,
} as const;

/**
 * A stable, non-reversible stand-in for a user id in traces and logs: user ids never leave a
 * service in clear. The salt (AISLE_USER_HASH_SALT) keeps hashes from being matched across deployments.
 */
export function hashUserId(userId: string): string {
  const salt = process.env.AISLE_USER_HASH_SALT ?? 'aisle';
  return createHash('sha256').update(salt).update('\0').update(userId).digest('hex').slice(0, 16);
}
