// feature-service: config → telemetry → store → server → signals.
import './instrumentation';
import { loadServerSettings } from '@aisle/config';
import { loadStoreConfig, openStore } from '@aisle/feature-store';
import { runMain, startService } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { loadFeatureServiceSettings } from './config';
import { featureServer } from './server';

const logger = createLogger('feature-service');

runMain(logger, async () => {
  const settings = loadServerSettings('features');
  const storeConfig = loadStoreConfig();
  const serviceSettings = loadFeatureServiceSettings();
  const store = openStore(storeConfig);
  const server = featureServer(store, serviceSettings, logger);
  server.refresher.start();
  // In the background: a start never waits for it, and requests for the same products join its reads.
  const warmStarted = performance.now();
  server.reads.warm(serviceSettings.warmProducts).then(
    (products) => logger.info({ products, ms: Math.round(performance.now() - warmStarted) }, 'product cache warmed'),
    (error: unknown) => logger.warn({ err: error }, 'could not warm the product cache'),
  );
  logger.info({ store: storeConfig.kind, ...(storeConfig.kind === 'sqlite' ? { path: storeConfig.path } : { keyspace: storeConfig.keyspace }) }, 'store opened');
  await startService({
    logger,
    settings,
    services: server.services,
    onStopped: async () => {
      await server.refresher.stop();
      await store.close();
    },
  });
});
