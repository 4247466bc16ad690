// Proto → domain input, validated field by field; every rejection names its field.
import type { common } from '@aisle/contracts';
import { InvalidArgumentError, requireFinite, requireId, requireMaxItems } from '@aisle/grpc-kit';
import type { ProductWeight } from '../domain/seeds';
import { LIMITS } from './limits';

export function validSeeds(seeds: readonly common.ProductRef[]): ProductWeight[] {
  requireMaxItems(seeds, 'seeds', LIMITS.seeds);
  return seeds.map((seed, i) => {
    requireId(seed.productId, `seeds[${i}].product_id`);
    const weight = requireFinite(seed.weight, `seeds[${i}].weight`);
    if (weight < 0) throw new InvalidArgumentError(`seeds[${i}].weight`, `must not be negative, got ${weight}`);
    return { productId: seed.productId, weight };
  });
}
