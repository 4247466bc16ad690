// The artifact envelope every Aisle model is shipped in: a small binary header, the model's JSON
// metadata and its payload bytes, with the payload's SHA-256 inside so a truncated or altered
// artifact is caught by whoever opens it, whatever its payload format.
import { createHash } from 'node:crypto';

const MAGIC = Buffer.from('AISLEART', 'ascii');
const FORMAT_VERSION = 1;
const HASH_BYTES = 32;
// magic | u32 format version | u32 metadata length | metadata | payload sha256 | payload
const HEADER_BYTES = MAGIC.length + 4 + 4;

/** An artifact that cannot be opened: wrong magic, truncated, or its payload does not match its hash. */
export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

export interface Artifact<M> {
  readonly metadata: M;
  readonly payload: Uint8Array;
}

/** Lower-case hex SHA-256 of `bytes` (the registry's `checksum` of a whole artifact). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Packs JSON-serialisable `metadata` and `payload` into one artifact. */
export function encodeArtifact(metadata: unknown, payload: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  header.writeUInt32LE(FORMAT_VERSION, MAGIC.length);
  header.writeUInt32LE(json.length, MAGIC.length + 4);
  const hash = createHash('sha256').update(payload).digest();
  return Buffer.concat([header, json, hash, payload]);
}

/** Opens an artifact made by `encodeArtifact`; throws `ArtifactError` unless it is whole and intact. */
export function decodeArtifact<M>(bytes: Uint8Array): Artifact<M> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES + HASH_BYTES || !buffer.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ArtifactError('not an Aisle artifact (bad magic or too short)');
  }
  const version = buffer.readUInt32LE(MAGIC.length);
  if (version !== FORMAT_VERSION) throw new ArtifactError(`unsupported artifact format version ${version}`);
  const jsonLength = buffer.readUInt32LE(MAGIC.length + 4);
  const hashAt = HEADER_BYTES + jsonLength;
  if (hashAt + HASH_BYTES > buffer.length) throw new ArtifactError('artifact truncated in its metadata');
  const payload = buffer.subarray(hashAt + HASH_BYTES);
  if (!createHash('sha256').update(payload).digest().equals(buffer.subarray(hashAt, hashAt + HASH_BYTES))) {
    throw new ArtifactError('artifact payload does not match its SHA-256');
  }
  let metadata: M;
  try {
    metadata = JSON.parse(buffer.subarray(HEADER_BYTES, hashAt).toString('utf8')) as M;
  } catch {
    throw new ArtifactError('artifact metadata is not valid JSON');
  }
  return { metadata, payload };
}
