// Starts the real feature server on 127.0.0.1:0 over a given store, with generated clients.
import { Writable } from 'node:stream';
import { createClient, createServer } from '@aisle/grpc-kit';
import { features, registry, slates } from '@aisle/contracts';
import type { FeatureStore } from '@aisle/feature-store';
import { createLogger } from '@aisle/telemetry';
import { loadFeatureServiceSettings } from '../config';
import { featureServer } from '../server';

export async function startFeatureServer(store: FeatureStore) {
  const logger = createLogger('feature-service-test', new Writable({ write: (_chunk, _encoding, done) => done() }));
  const wiring = featureServer(store, loadFeatureServiceSettings({}), logger);
  const server = createServer({ logger, services: wiring.services });
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  const client = createClient(features.FeatureServiceClient, address, { service: 'aisle.features.v1.FeatureService' });
  const registryClient = createClient(registry.ModelRegistryServiceClient, address, { service: 'aisle.features.v1.ModelRegistryService' });
  const slateClient = createClient(slates.SlateLogServiceClient, address, { service: 'aisle.features.v1.SlateLogService', idempotentMethods: ['AppendSlates'] });
  return {
    address,
    client,
    registryClient,
    slateClient,
    refresher: wiring.refresher,
    stop: async () => {
      client.close();
      registryClient.close();
      slateClient.close();
      await wiring.refresher.stop();
      await server.drain(100);
      await store.close();
    },
  };
}
