// Fetch → verify → load of one model version, the same for the production version and a pinned one:
// bytes that do not match the registered checksum are never handed to the loader.
import { sha256Hex } from './envelope';
import type { ModelSource, ModelVersionInfo } from './source';

export type VerifiedLoad<T> =
  | { outcome: 'loaded'; value: T }
  /** The artifact could not be fetched (registry away): worth another try later. */
  | { outcome: 'unreachable'; error: unknown }
  /** The fetched bytes are not the registered artifact. */
  | { outcome: 'mismatch'; actual: string }
  /** The loader refused the verified bytes. */
  | { outcome: 'unloadable'; error: unknown };

export async function fetchVerifiedModel<T>(
  source: Pick<ModelSource, 'fetch'>,
  model: string,
  info: ModelVersionInfo,
  load: (bytes: Uint8Array, info: ModelVersionInfo) => T | Promise<T>,
): Promise<VerifiedLoad<T>> {
  let bytes: Uint8Array;
  try {
    bytes = await source.fetch(model, info.id?.version ?? '');
  } catch (error) {
    return { outcome: 'unreachable', error };
  }
  const actual = sha256Hex(bytes);
  if (!info.checksum || actual !== info.checksum.toLowerCase()) return { outcome: 'mismatch', actual };
  try {
    return { outcome: 'loaded', value: await load(bytes, info) };
  } catch (error) {
    return { outcome: 'unloadable', error };
  }
}
