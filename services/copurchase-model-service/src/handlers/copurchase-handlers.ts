// CopurchaseService handlers: validate, resolve product ids against the model version this request
// holds (production, or the registered version its `model_version` names), call the domain, map back.
// One `models.use` per request: a hot swap or an eviction never mixes versions.
import type { common, copurchase } from '@aisle/contracts';
import { requireIds, requireIntInRange, type AsyncService } from '@aisle/grpc-kit';
import { requireModelVersion, timedInference, type LoadedModel, type ModelVersions } from '@aisle/model-serving';
import type { EmbeddingIndex } from '../domain/embedding-index';
import { resolveSeeds } from '../domain/seeds';
import { LIMITS } from './limits';
import { validSeeds } from './validate';

type Service = AsyncService<typeof copurchase.CopurchaseServiceService>;

function versionOf(loaded: LoadedModel<EmbeddingIndex>): common.ModelVersion {
  return { model: loaded.info.id?.model ?? '', version: loaded.info.id?.version ?? '' };
}

export function copurchaseHandlers(models: ModelVersions<EmbeddingIndex>): Service {
  return {
    candidates: async (request) => {
      const seeds = validSeeds(request.seeds);
      const limit = requireIntInRange(request.limit, 'limit', LIMITS.minLimit, LIMITS.maxLimit);
      const exclude = requireIds(request.excludeProductIds, 'exclude_product_ids', LIMITS.excluded);
      const version = requireModelVersion(request.modelVersion);
      return models.use(version, (loaded) => timedInference(loaded, 'candidates', (index) => {
        const { known, unknown } = resolveSeeds(index, seeds);
        const excluded: number[] = [];
        for (const productId of exclude) {
          const row = index.indexOf(productId);
          if (row !== undefined) excluded.push(row);
        }
        const best = index.candidates(known, limit, excluded);
        return {
          candidates: best.map(({ index: row, score }) => ({ productId: index.ids[row], score })),
          unknownProductIds: unknown,
          model: versionOf(loaded),
        };
      }));
    },

    score: async (request) => {
      const seeds = validSeeds(request.seeds);
      const candidateIds = requireIds(request.candidateIds, 'candidate_ids', LIMITS.candidates);
      const version = requireModelVersion(request.modelVersion);
      return models.use(version, (loaded) => timedInference(loaded, 'score', (index) => {
        const { known, unknown: unknownSeeds } = resolveSeeds(index, seeds);
        // A Set (in insertion order), not Array.includes: up to 1,000 unknown candidates would make that quadratic.
        const unknown = new Set(unknownSeeds);
        const rows: number[] = [];
        const scored: string[] = [];
        for (const productId of candidateIds) {
          const row = index.indexOf(productId);
          if (row === undefined) unknown.add(productId);
          else {
            rows.push(row);
            scored.push(productId);
          }
        }
        // No known seed: nothing to be bought together with, so no scores (not zeros that look like data).
        const scores = known.length === 0 ? [] : index.score(known, rows).map((score, i) => ({ productId: scored[i], score }));
        return { scores, unknownProductIds: [...unknown], model: versionOf(loaded) };
      }));
    },

    // Always about production: pinned versions are an experiment's business, not the service's identity.
    getModelInfo: async () => ({ info: models.info() }),
  };
}
