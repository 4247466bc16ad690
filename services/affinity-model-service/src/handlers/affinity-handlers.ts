// AffinityService handlers: validate, score against the model version this request holds, map back.
// One `model.use` per request: a hot swap never mixes versions within a response.
import type { affinity, common } from '@aisle/contracts';
import type { AsyncService } from '@aisle/grpc-kit';
import { timedInference, type HotSwapModel, type LoadedModel } from '@aisle/model-serving';
import type { AffinityModel } from '../domain/affinity-model';
import { validScoreRequest } from './validate';

type Service = AsyncService<typeof affinity.AffinityServiceService>;

function versionOf(loaded: LoadedModel<AffinityModel>): common.ModelVersion {
  return { model: loaded.info.id?.model ?? '', version: loaded.info.id?.version ?? '' };
}

export function affinityHandlers(model: HotSwapModel<AffinityModel>, now: () => number = Date.now): Service {
  return {
    score: async (request) => {
      const valid = validScoreRequest(request, now());
      return model.use((loaded) => {
        const result = timedInference(loaded, 'score', (affinity) => affinity.score(valid.features, valid.candidates, valid.explainTop));
        const version = versionOf(loaded);
        return {
          scores: result.scores.map((s) => ({ productId: s.productId, probability: s.probability, contributions: s.contributions })),
          defaultedFeatures: result.defaulted,
          unknownProductIds: result.unknownProducts,
          model: version,
        };
      });
    },
    getModelInfo: async () => model.use((loaded) => ({ info: loaded.info })),
  };
}
