// A registry record in the shape ModelRegistryService serves (aisle.common.v1.ModelInfo): one mapping
// for the feature service's handlers and the pipeline's direct access to the store.
import type { common } from '@aisle/contracts';
import type { ModelVersionInfo } from '../types';

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
