// AffinityService handlers: validate, score against the model version this request holds (production,
// or the registered version its `model_version` names), map back. One `models.use` per request: a hot
// swap or an eviction never mixes versions within a response.
import type { affinity, common } from '@aisle/contracts';
import type { AsyncService } from '@aisle/grpc-kit';
import { timedInference, type LoadedModel, type ModelVersions } from '@aisle/model-serving';
import type { AffinityModel } from '../domain/affinity-model';
import { validScoreRequest } from './validate';

type Service = AsyncService<typeof affinity.AffinityServiceService>;

function versionOf(loaded: LoadedModel<AffinityModel>): common.ModelVersion {
  return { model: loaded.info.id?.model ?? '', version: loaded.info.id?.version ?? '' };
}

export function affinityHandlers(models: ModelVersions<AffinityModel>, now: () => number = Date.now): Service {
  return {
    score: async (request) => {
      const valid = validScoreRequest(request, now());
      return models.use(valid.modelVersion, (loaded) => {
        const result = timedInference(loaded, 'score', (affinity) => affinity.score(valid.features, valid.candidates, valid.explainTop));
        const version = versionOf(loaded);
        return {
          // CandidateScore is the proto's AffinityScore field for field (the compiler checks): no per-candidate copy.
          scores: result.scores,
          defaultedFeatures: result.defaulted,
          unknownProductIds: result.unknownProducts,
          model: version,
        };
      });
    },
    // Always about production: pinned versions are an experiment's business, not the service's identity.
    getModelInfo: async () => models.use('', (loaded) => ({ info: loaded.info })),
  };
}
