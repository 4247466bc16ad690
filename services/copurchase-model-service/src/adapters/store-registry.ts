// Registers a copurchase artifact in the feature store's model registry. Everything the registry
// records comes from the artifact's own metadata, so a file trained offline registers the same way.
import { publishModelVersion, type FeatureStore } from '@aisle/feature-store';
import { sha256Hex } from '@aisle/model-serving';
import { decodeCopurchaseArtifact } from './artifact-codec';

export interface Registered {
  readonly version: string;
  readonly checksum: string;
  readonly previousProduction?: string;
}

/** Version id of an artifact: its creation time and checksum, so the same bytes always get the same id. */
export function versionOf(bytes: Uint8Array, createdUnixMs: number): string {
  const stamp = new Date(createdUnixMs).toISOString().replace(/[-:]/g, '').slice(0, 13);
  return `${stamp}-${sha256Hex(bytes).slice(0, 12)}`;
}

export async function registerArtifact(bytes: Uint8Array, options: { promote: boolean; promotedBy: string; store?: FeatureStore }): Promise<Registered> {
  const { metadata } = decodeCopurchaseArtifact(bytes);
  const published = await publishModelVersion(
    {
      id: { model: 'copurchase', version: versionOf(bytes, metadata.createdUnixMs) },
      trainStartUnixMs: metadata.trainStartUnixMs,
      trainEndUnixMs: metadata.trainEndUnixMs,
      trainingRows: metadata.trainingRows,
      inputHash: metadata.inputHash,
      codeVersion: metadata.codeVersion,
      parameters: { ...metadata.parameters },
      metrics: { ...metadata.metrics },
    },
    bytes,
    options,
  );
  return { version: published.info.version, checksum: published.info.checksum, previousProduction: options.promote ? published.previousVersion : undefined };
}
