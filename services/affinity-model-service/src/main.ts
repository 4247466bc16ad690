// affinity-model-service: settings → model source (registry, or a local file) → production model
// (hot-swapped) and requested versions (pinned) → server.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { runMain, startService } from '@aisle/grpc-kit';
import { ModelVersions, registrySource } from '@aisle/model-serving';
import { createLogger } from '@aisle/telemetry';
import { fileModelSource } from './adapters/file-source';
import { loadAffinityModel } from './adapters/model-loader';
import { affinityService } from './server';
import { loadAffinitySettings } from './settings';

const logger = createLogger('affinity-model-service');

runMain(logger, async () => {
  const settings = loadServerSettings('affinity');
  const own = loadAffinitySettings();
  const registry = own.modelFile ? undefined : registrySource(own.registryAddress);
  const models = await ModelVersions.start({
    model: own.modelName,
    source: registry ? registry.source : fileModelSource(own.modelFile, own.modelName),
    load: (bytes) => loadAffinityModel(bytes, own.engine, own.explanations),
    dispose: (old) => old.dispose(),
    pollIntervalMs: own.pollIntervalMs,
    startTimeoutMs: own.startTimeoutMs,
    maxPinned: own.pinnedVersions,
    logger,
  });
  await startService({
    logger,
    settings,
    services: [affinityService(models)],
    onStopped: async () => {
      await models.stop();
      registry?.close();
    },
  });
});
