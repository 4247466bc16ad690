// Store records → proto messages.
import type { features } from '@aisle/contracts';
import type { ProductRecord, UserContext } from '@aisle/feature-store';

export function userContextMessage(context: UserContext, featureAgeMs: number): features.GetUserContextResponse {
  return {
    known: context.known,
    profile: context.profile ? { ...context.profile } : undefined,
    recent: context.recent.map((purchase) => ({ ...purchase })),
    products: context.products.map((stats) => ({ ...stats })),
    featureAgeMs,
    version: context.version,
  };
}

export function productMessage(product: ProductRecord): features.Product {
  return { ...product };
}
