// copurchase-model-service: settings → registry → production model (hot-swapped) → server.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { runMain, startService } from '@aisle/grpc-kit';
import { HotSwapModel, loadRegistrySettings, registrySource } from '@aisle/model-serving';
import { createLogger } from '@aisle/telemetry';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import { copurchaseService } from './server';

const logger = createLogger('copurchase-model-service');

runMain(logger, async () => {
  const settings = loadServerSettings('copurchase');
  const own = loadRegistrySettings('copurchase');
  const registry = registrySource(own.registryAddress);
  const model = await HotSwapModel.start({
    model: own.modelName,
    source: registry.source,
    load: (bytes) => decodeCopurchaseArtifact(bytes).index,
    pollIntervalMs: own.pollIntervalMs,
    startTimeoutMs: own.startTimeoutMs,
    logger,
  });
  await startService({
    logger,
    settings,
    services: [copurchaseService(model)],
    onStopped: async () => {
      await model.stop();
      registry.close();
    },
  });
});
