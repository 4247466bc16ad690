// affinity-model-service: settings → model source (registry, or a local file) → production model
// (hot-swapped) → server.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { registry } from '@aisle/contracts';
import { createClient, runMain, startService } from '@aisle/grpc-kit';
import { grpcModelSource, HotSwapModel } from '@aisle/model-serving';
import { createLogger, shutdownTelemetry } from '@aisle/telemetry';
import { fileModelSource } from './adapters/file-source';
import { loadAffinityModel } from './adapters/model-loader';
import { affinityService } from './server';
import { loadAffinitySettings } from './settings';

const logger = createLogger('affinity-model-service');

runMain(logger, async () => {
  const settings = loadServerSettings('affinity');
  const own = loadAffinitySettings();
  const client = own.modelFile
    ? undefined
    : createClient(registry.ModelRegistryServiceClient, own.registryAddress, {
        service: 'aisle.features.v1.ModelRegistryService',
        idempotentMethods: ['GetModelVersion', 'FetchArtifact'],
      });
  const model = await HotSwapModel.start({
    model: own.modelName,
    source: client ? grpcModelSource(client) : fileModelSource(own.modelFile, own.modelName),
    load: (bytes) => loadAffinityModel(bytes, own.engine, own.explanations),
    dispose: (old) => old.dispose(),
    pollIntervalMs: own.pollIntervalMs,
    startTimeoutMs: own.startTimeoutMs,
    logger,
  });
  await startService({
    logger,
    settings,
    services: [affinityService(model)],
    onStopped: async () => {
      await model.stop();
      client?.close();
      await shutdownTelemetry();
    },
  });
});
