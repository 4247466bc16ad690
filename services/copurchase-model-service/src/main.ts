// copurchase-model-service: settings → registry → production model (hot-swapped) and requested
// versions (pinned) → server.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { runMain, startService } from '@aisle/grpc-kit';
import { loadRegistrySettings, ModelVersions, registrySource } from '@aisle/model-serving';
import { createLogger } from '@aisle/telemetry';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import { copurchaseService } from './server';

const logger = createLogger('copurchase-model-service');

runMain(logger, async () => {
  const settings = loadServerSettings('copurchase');
  const own = loadRegistrySettings('copurchase');
  const registry = registrySource(own.registryAddress);
  const models = await ModelVersions.start({
    model: own.modelName,
    source: registry.source,
    load: (bytes) => decodeCopurchaseArtifact(bytes).index,
    pollIntervalMs: own.pollIntervalMs,
    startTimeoutMs: own.startTimeoutMs,
    maxPinned: own.pinnedVersions,
    logger,
  });
  await startService({
    logger,
    settings,
    services: [copurchaseService(models)],
    onStopped: async () => {
      await models.stop();
      registry.close();
    },
  });
});
