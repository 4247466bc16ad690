import { describe, expect, it } from 'vitest';
import { ArtifactError, decodeArtifact, encodeArtifact, sha256Hex } from './index';

describe('artifact envelope', () => {
  const payload = Uint8Array.from([1, 2, 3, 250, 251]);

  it('round-trips metadata and payload', () => {
    const bytes = encodeArtifact({ format: 'test/1', products: ['a', 'b'] }, payload);
    const artifact = decodeArtifact<{ format: string; products: string[] }>(bytes);
    expect(artifact.metadata).toEqual({ format: 'test/1', products: ['a', 'b'] });
    expect(Array.from(artifact.payload)).toEqual([1, 2, 3, 250, 251]);
  });

  it('refuses a flipped payload byte, a truncation and foreign bytes', () => {
    const bytes = encodeArtifact({ n: 1 }, payload);
    const flipped = Uint8Array.from(bytes);
    flipped[flipped.length - 1] ^= 0xff;
    expect(() => decodeArtifact(flipped)).toThrow(ArtifactError);
    expect(() => decodeArtifact(bytes.subarray(0, 20))).toThrow(ArtifactError);
    expect(() => decodeArtifact(Buffer.from('{"json":"not an artifact"}'))).toThrow(/magic/);
  });

  it('computes the registry checksum as lower-case hex SHA-256', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
