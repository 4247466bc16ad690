import { copurchase } from '@aisle/contracts';
import { service, type ServiceBinding } from '@aisle/grpc-kit';
import type { ModelVersions } from '@aisle/model-serving';
import type { EmbeddingIndex } from './domain/embedding-index';
import { copurchaseHandlers } from './handlers/copurchase-handlers';

export const COPURCHASE_SERVICE = 'aisle.copurchase.v1.CopurchaseService';

/** The gRPC binding of CopurchaseService over the hot-swapped production embedding index and pinned versions. */
export function copurchaseService(models: ModelVersions<EmbeddingIndex>): ServiceBinding {
  return service(COPURCHASE_SERVICE, copurchase.CopurchaseServiceService, copurchaseHandlers(models));
}
