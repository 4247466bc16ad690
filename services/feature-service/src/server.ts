// Wires the store, caches and refresher into the two gRPC services this process serves.
import { service, type ServiceBinding } from '@aisle/grpc-kit';
import { features, registry, slates } from '@aisle/contracts';
import type { FeatureStore } from '@aisle/feature-store';
import type { Logger } from '@aisle/telemetry';
import { CachedReads } from './adapters/cached-reads';
import { PopularityRefresher } from './adapters/popularity-refresher';
import type { FeatureServiceSettings } from './config';
import { featureHandlers } from './handlers/features';
import { registryHandlers } from './handlers/registry';
import { slateLogHandlers } from './handlers/slates';

export interface FeatureServer {
  services: ServiceBinding[];
  refresher: PopularityRefresher;
  reads: CachedReads;
}

export function featureServer(store: FeatureStore, settings: FeatureServiceSettings, logger: Logger): FeatureServer {
  const reads = new CachedReads(store, settings);
  const refresher = new PopularityRefresher(store, logger, {
    intervalMs: settings.popularityRefreshMs,
    maxAgeMs: settings.popularityMaxAgeMs,
    onRefreshed: () => reads.forgetRankings(),
  });
  return {
    reads,
    refresher,
    services: [
      service('aisle.features.v1.FeatureService', features.FeatureServiceService, featureHandlers({ store, reads, refresher, minCountryProducts: settings.minCountryProducts })),
      service('aisle.features.v1.ModelRegistryService', registry.ModelRegistryServiceService, registryHandlers(store)),
      service('aisle.features.v1.SlateLogService', slates.SlateLogServiceService, slateLogHandlers(store, settings.slateTtlSeconds)),
    ],
  };
}
