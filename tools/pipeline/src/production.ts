// What is in production now, as the ranker serves it: the registry's copurchase and affinity versions
// and its blend, or the ranker's shipped blend file while the registry has no blend.
import { readFileSync } from 'node:fs';
import type { FeatureStore, ModelVersionInfo } from '@aisle/feature-store';
import { sha256 } from './hash';
import { SHIPPED_BLEND_FILE } from './paths';

export const BLEND_MODEL = 'blend';

export interface ProductionModel {
  version: string;
  checksum: string;
  info?: ModelVersionInfo;
}

export interface Production {
  copurchase?: ProductionModel;
  affinity?: ProductionModel;
  /** The registry's blend, or the shipped file (`info` undefined, version "file:<its version>"). */
  blend: ProductionModel & { json: string };
}

export async function readArtifact(store: FeatureStore, model: string, version: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of store.readArtifact(model, version)) chunks.push(chunk.data);
  return Buffer.concat(chunks);
}

export async function currentProduction(store: FeatureStore): Promise<Production> {
  const model = async (name: string): Promise<ProductionModel | undefined> => {
    const info = await store.getModelVersion(name);
    return info ? { version: info.version, checksum: info.checksum, info } : undefined;
  };
  const blendInfo = await store.getModelVersion(BLEND_MODEL);
  let blend: Production['blend'];
  if (blendInfo) {
    const json = (await readArtifact(store, BLEND_MODEL, blendInfo.version)).toString('utf8');
    blend = { version: blendInfo.version, checksum: blendInfo.checksum, info: blendInfo, json };
  } else {
    const json = readFileSync(SHIPPED_BLEND_FILE, 'utf8');
    blend = { version: `file:${(JSON.parse(json) as { version?: string }).version ?? 'shipped'}`, checksum: sha256(json), json };
  }
  return { copurchase: await model('copurchase'), affinity: await model('affinity'), blend };
}
