import { affinity } from '@aisle/contracts';
import { service, type ServiceBinding } from '@aisle/grpc-kit';
import type { ModelVersions } from '@aisle/model-serving';
import type { AffinityModel } from './domain/affinity-model';
import { affinityHandlers } from './handlers/affinity-handlers';

export const AFFINITY_SERVICE = 'aisle.affinity.v1.AffinityService';

/** The gRPC binding of AffinityService over the hot-swapped production affinity model and pinned versions. */
export function affinityService(models: ModelVersions<AffinityModel>, now?: () => number): ServiceBinding {
  return service(AFFINITY_SERVICE, affinity.AffinityServiceService, affinityHandlers(models, now));
}
