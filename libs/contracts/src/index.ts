// Generated gRPC contracts of every Aisle service, one namespace per proto package.
// The code under src/gen is produced by `nx run contracts:generate` (buf + ts-proto): never edit it.
import { join } from 'node:path';

export * as common from './gen/aisle/common/v1/common';
export * as features from './gen/aisle/features/v1/features';
export * as registry from './gen/aisle/features/v1/registry';
export * as slates from './gen/aisle/features/v1/slates';
export * as copurchase from './gen/aisle/copurchase/v1/copurchase';
export * as affinity from './gen/aisle/affinity/v1/affinity';
export * as ranker from './gen/aisle/ranker/v1/ranker';

/** Binary FileDescriptorSet of every Aisle proto (built by buf), served by gRPC server reflection. */
export const DESCRIPTOR_SET_PATH = join(__dirname, '..', 'descriptors', 'aisle.binpb');

/**
 * True when a decoded message (or any message nested in it) carried fields this contract does not
 * define. Run on every request a server receives, so it allocates nothing and skips bytes fields
 * (a model artifact's chunk is a Uint8Array of up to a few MB, not a message).
 */
export function hasUnknownFields(message: unknown): boolean {
  if (message === null || typeof message !== 'object' || ArrayBuffer.isView(message)) return false;
  if (Array.isArray(message)) {
    for (const item of message) if (hasUnknownFields(item)) return true;
    return false;
  }
  const record = message as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (key === '_unknownFields') {
      if (value && Object.keys(value).length > 0) return true;
    } else if (typeof value === 'object' && hasUnknownFields(value)) return true;
  }
  return false;
}
