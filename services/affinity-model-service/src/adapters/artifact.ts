// The affinity model artifact, in the shared Aisle envelope (@aisle/model-serving):
//   metadata: { format: "aisle.affinity/1", info, features }
//   payload:  gzip(JSON { defaults, productTable, model: <XGBoost JSON model>, wasmModelBase64? })
// The envelope checks the payload's SHA-256; the registry's checksum covers the whole artifact and is
// verified by HotSwapModel (or `loadArtifactFile`) before decoding.
import { gunzipSync, gzipSync } from 'node:zlib';
import { ArtifactError, decodeArtifact as openEnvelope, encodeArtifact as sealEnvelope } from '@aisle/model-serving';
import type { AffinityArtifactContent, AffinityModelInfo } from '../domain/affinity-model';
import { validateXgbJson } from '../domain/xgboost-json';

export { ArtifactError, sha256Hex as sha256 } from '@aisle/model-serving';

export const ARTIFACT_FORMAT = 'aisle.affinity/1';

interface Metadata {
  format: string;
  info: AffinityModelInfo;
  features: string[];
}

export function encodeArtifact(content: AffinityArtifactContent): Buffer {
  const metadata: Metadata = { format: ARTIFACT_FORMAT, info: content.info, features: content.features };
  const payload = gzipSync(
    JSON.stringify({
      defaults: content.defaults,
      productTable: content.productTable,
      model: content.model,
      wasmModelBase64: content.wasmModel ? Buffer.from(content.wasmModel).toString('base64') : undefined,
    }),
    { level: 9 },
  );
  return sealEnvelope(metadata, payload);
}

/** Opens and validates an artifact; throws ArtifactError if it is not a whole affinity artifact. */
export function decodeArtifact(bytes: Uint8Array): AffinityArtifactContent {
  const { metadata, payload } = openEnvelope<Metadata>(bytes);
  if (metadata.format !== ARTIFACT_FORMAT) throw new ArtifactError(`not an affinity artifact (format ${JSON.stringify(metadata.format)})`);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(gunzipSync(payload).toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ArtifactError(`affinity payload is not gzip-compressed JSON: ${(error as Error).message}`);
  }
  for (const key of ['defaults', 'productTable', 'model']) if (body[key] === undefined) throw new ArtifactError(`affinity payload lacks "${key}"`);
  try {
    validateXgbJson(body.model);
  } catch (error) {
    throw new ArtifactError((error as Error).message);
  }
  const wasm = body.wasmModelBase64;
  return {
    info: metadata.info,
    features: metadata.features,
    defaults: body.defaults as AffinityArtifactContent['defaults'],
    productTable: body.productTable as AffinityArtifactContent['productTable'],
    model: body.model as AffinityArtifactContent['model'],
    wasmModel: typeof wasm === 'string' ? new Uint8Array(Buffer.from(wasm, 'base64')) : undefined,
  };
}
