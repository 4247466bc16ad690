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
  CACHE_NAME: 'aisle.cache.name',
  CACHE_HIT: 'aisle.cache.hit',
  INGEST_LINES: 'aisle.ingest.lines',
  STORE_KIND: 'aisle.store.kind',
} as const;

/**
 * A stable, non-reversible stand-in for a user id in traces and logs: user ids never leave a
 * service in clear. The salt (AISLE_USER_HASH_SALT) keeps hashes from being matched across deployments.
 */
export function hashUserId(userId: string): string {
  const salt = process.env.AISLE_USER_HASH_SALT ?? 'aisle';
  return createHash('sha256').update(salt).update('\0').update(userId).digest('hex').slice(0, 16);
}
