// Store records → proto messages.
import type { features } from '@aisle/contracts';
import type { ProductRecord, UserContext, UserVersion } from '@aisle/feature-store';

export function userContextMessage(context: UserContext, featureAgeMs: number): features.GetUserContextResponse {
  return {
    known: context.known,
    profile: context.profile ? { ...context.profile } : undefined,
    recent: context.recent.map((purchase) => ({ ...purchase })),
    products: context.products.map((stats) => ({ ...stats })),
    featureAgeMs,
    version: context.version,
    notModified: false,
  };
}

/** The answer to a conditional read whose version is still current: the caller keeps its copy. */
export function notModifiedMessage(current: UserVersion, featureAgeMs: number): features.GetUserContextResponse {
  return { known: true, recent: [], products: [], featureAgeMs, version: current.version, notModified: true };
}

export function productMessage(product: ProductRecord): features.Product {
  return { ...product };
}
