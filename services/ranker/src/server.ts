import { ranker } from '@aisle/contracts';
import { service, type ServiceBinding } from '@aisle/grpc-kit';
import type { RankDependencies } from './flow/rank';
import { rankHandler, serializeRankResponse } from './handlers/rank';

export function rankerService(deps: RankDependencies): ServiceBinding {
  const definition = { ...ranker.RankerServiceService, rank: { ...ranker.RankerServiceService.rank, responseSerialize: serializeRankResponse } };
  return service('aisle.ranker.v1.RankerService', definition, { rank: rankHandler(deps) });
}
