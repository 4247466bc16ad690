// copurchase-model-service: settings → registry client → production model (hot-swapped) → server.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { registry } from '@aisle/contracts';
import { createClient, runMain, startService } from '@aisle/grpc-kit';
import { grpcModelSource, HotSwapModel } from '@aisle/model-serving';
import { createLogger, shutdownTelemetry } from '@aisle/telemetry';
import { decodeCopurchaseArtifact } from './adapters/artifact-codec';
import { copurchaseService } from './server';
import { loadCopurchaseSettings } from './settings';

const logger = createLogger('copurchase-model-service');

runMain(logger, async () => {
  const settings = loadServerSettings('copurchase');
  const own = loadCopurchaseSettings();
  const client = createClient(registry.ModelRegistryServiceClient, own.registryAddress, {
    service: 'aisle.features.v1.ModelRegistryService',
    idempotentMethods: ['GetModelVersion', 'FetchArtifact'],
  });
  const model = await HotSwapModel.start({
    model: own.modelName,
    source: grpcModelSource(client),
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
      client.close();
      await shutdownTelemetry();
    },
  });
});
