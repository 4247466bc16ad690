// Store records → proto messages.
import type { common, features } from '@aisle/contracts';
import type { ModelVersionInfo, ProductRecord, UserContext } from '@aisle/feature-store';

export function userContextMessage(context: UserContext, featureAgeMs: number): features.GetUserContextResponse {
  return {
    known: context.known,
    profile: context.profile ? { ...context.profile } : undefined,
    recent: context.recent.map((purchase) => ({ ...purchase })),
    products: context.products.map((stats) => ({ ...stats })),
    featureAgeMs,
  };
}

export function productMessage(product: ProductRecord): features.Product {
  return { ...product };
}

export function modelInfoMessage(info: ModelVersionInfo): common.ModelInfo {
  return {
    id: { model: info.model, version: info.version },
    createdUnixMs: info.createdUnixMs,
    trainStartUnixMs: info.trainStartUnixMs,
    trainEndUnixMs: info.trainEndUnixMs,
    trainingRows: info.trainingRows,
    inputHash: info.inputHash,
    codeVersion: info.codeVersion,
    parameters: { ...info.parameters },
    metrics: { ...info.metrics },
    checksum: info.checksum,
    stage: info.stage,
    // The registry does not know who loaded a version; serving processes report that themselves.
    loadedUnixMs: 0,
    // Absent until the version has been production (promoted, or rolled back to).
    ...(info.promotedUnixMs > 0 ? { promotedBy: info.promotedBy, promotedUnixMs: info.promotedUnixMs } : {}),
    sizeBytes: info.sizeBytes,
  };
}
