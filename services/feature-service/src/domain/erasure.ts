// Which registered model versions learned from a user's data: those whose training window held one
// of the user's lines, created after that line. Per product the store keeps the user's first and
// last purchase, so a window that falls between two purchases of one product also counts: the answer
// may name a version that saw none of the user's lines, never miss one that did.
import type { ModelVersionInfo, UserProductStats } from '@aisle/feature-store';

export function versionsTrainedOn(products: readonly UserProductStats[], versions: readonly ModelVersionInfo[]): ModelVersionInfo[] {
  return versions.filter((version) => {
    const start = version.trainStartUnixMs;
    // A version without a recorded end trained on everything before its creation.
    const end = Math.min(version.trainEndUnixMs > 0 ? version.trainEndUnixMs : Infinity, version.createdUnixMs);
    return products.some((product) => product.firstUnixMs < end && product.lastUnixMs >= start);
  });
}
