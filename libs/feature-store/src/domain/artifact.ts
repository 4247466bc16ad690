// Artifacts are stored in fixed-size chunks with a SHA-256 of the whole, checked on every read.
import { createHash } from 'node:crypto';

export const ARTIFACT_CHUNK_BYTES = 512 * 1024;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function splitChunks(bytes: Uint8Array, size = ARTIFACT_CHUNK_BYTES): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
  // An empty artifact is still one (empty) chunk, so a fetch always yields something to verify.
  return chunks.length > 0 ? chunks : [new Uint8Array(0)];
}
