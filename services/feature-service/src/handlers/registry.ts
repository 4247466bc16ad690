// aisle.features.v1.ModelRegistryService over the store's registry tables.
import { NotFoundError, requireId, requireIntInRange, type AsyncService } from '@aisle/grpc-kit';
import type { registry } from '@aisle/contracts';
import { modelInfoMessage, type FeatureStore } from '@aisle/feature-store';
import { fromStore, toRpcError } from './store-errors';

const DEFAULT_VERSIONS = 50;

export function registryHandlers(store: FeatureStore): AsyncService<typeof registry.ModelRegistryServiceService> {
  return {
    listModelVersions: async (request) => {
      const model = requireId(request.model, 'model');
      const limit = requireIntInRange(request.limit, 'limit', 0, 500) || DEFAULT_VERSIONS;
      return { versions: (await fromStore(store.listModelVersions(model, limit))).map(modelInfoMessage) };
    },

    getModelVersion: async (request) => {
      const model = requireId(request.model, 'model');
      const version = request.version === '' ? undefined : requireId(request.version, 'version');
      const info = await fromStore(store.getModelVersion(model, version));
      if (!info) throw new NotFoundError(version ? `model ${model} has no version ${version}` : `model ${model} has no production version`);
      return { info: modelInfoMessage(info) };
    },

    fetchArtifact: async function* (request, context) {
      const model = requireId(request.model, 'model');
      const version = requireId(request.version, 'version');
      try {
        for await (const chunk of store.readArtifact(model, version)) {
          if (context.signal.aborted) return;
          yield { index: chunk.index, count: chunk.count, data: Buffer.from(chunk.data) };
        }
      } catch (error) {
        throw toRpcError(error);
      }
    },

    promoteModelVersion: async (request) => {
      const model = requireId(request.model, 'model');
      const version = requireId(request.version, 'version');
      const promotedBy = requireId(request.promotedBy, 'promoted_by');
      const promotion = await fromStore(store.promoteModelVersion(model, version, promotedBy));
      return { info: modelInfoMessage(promotion.info), previousVersion: promotion.previousVersion };
    },

    rollbackModel: async (request) => {
      const model = requireId(request.model, 'model');
      const promotedBy = requireId(request.promotedBy, 'promoted_by');
      const rollback = await fromStore(store.rollbackModel(model, promotedBy));
      return { info: modelInfoMessage(rollback.info), rolledBackVersion: rollback.rolledBackVersion };
    },
  };
}
