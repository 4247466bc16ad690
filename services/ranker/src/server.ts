import { ranker } from '@aisle/contracts';
import { service, type ServiceBinding } from '@aisle/grpc-kit';
import type { RankDependencies } from './flow/rank';
import { rankHandler } from './handlers/rank';

export function rankerService(deps: RankDependencies): ServiceBinding {
  return service('aisle.ranker.v1.RankerService', ranker.RankerServiceService, { rank: rankHandler(deps) });
}
