import { readFileSync } from 'node:fs';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { common, DESCRIPTOR_SET_PATH, features, hasUnknownFields, ranker } from './index';

describe('contracts', () => {
  it('round-trips a RankRequest through the wire format', () => {
    const request: ranker.RankRequest = {
      userId: '17850',
      k: 10,
      context: { country: 'United Kingdom', timeUnixMs: 1_323_435_000_000 },
      excludeProductIds: ['85123A'],
      options: { excludePurchased: true, explain: false, fresh: false },
    };
    const decoded = ranker.RankRequest.decode(ranker.RankRequest.encode(request).finish());
    expect(decoded).toMatchObject(request);
    expect(hasUnknownFields(decoded)).toBe(false);
  });

  it('keeps fields it does not know, so servers can refuse them', () => {
    // A newer client's field 15 (varint 1) on an IngestRequest line.
    const line = features.TransactionLine.encode({ ...features.TransactionLine.fromPartial({ lineId: 'a' }) }).finish();
    const withExtra = Buffer.concat([Buffer.from(line), Buffer.from([0x78, 0x01])]);
    const request = Buffer.concat([Buffer.from([0x0a, withExtra.length]), withExtra]);
    const decoded = features.IngestRequest.decode(request);
    expect(decoded.lines[0]!.lineId).toBe('a');
    expect(hasUnknownFields(decoded)).toBe(true);
  });

  it('finds unknown fields nested in lists and messages, and reads bytes fields as values', () => {
    const clean = ranker.RankRequest.decode(ranker.RankRequest.encode({ userId: 'u', k: 10, context: { country: 'France', timeUnixMs: 1 }, excludeProductIds: ['a', 'b'] }).finish());
    expect(hasUnknownFields(clean)).toBe(false);
    // A newer client's field 15 inside the nested RequestContext (RankRequest field 3).
    const context = Buffer.concat([Buffer.from(common.RequestContext.encode({ country: 'France', timeUnixMs: 1 }).finish()), Buffer.from([0x78, 0x01])]);
    const nested = ranker.RankRequest.decode(Buffer.concat([Buffer.from([0x1a, context.length]), context]));
    expect(nested.context?.country).toBe('France');
    expect(hasUnknownFields(nested)).toBe(true);
    // A bytes field is a value, not a message: it is not walked (a 4 MB one would be 4 million entries).
    expect(hasUnknownFields({ data: new Uint8Array(4 * 1024 * 1024), _unknownFields: {} })).toBe(false);
    expect(hasUnknownFields([clean, { items: [{ _unknownFields: { 15: [Buffer.from([1])] } }] }])).toBe(true);
  });

  it('ships a descriptor set with every service, for server reflection', () => {
    const definitions = loadFileDescriptorSetFromBuffer(readFileSync(DESCRIPTOR_SET_PATH));
    const services = Object.entries(definitions)
      .filter(([, definition]) => !('format' in definition))
      .map(([name]) => name)
      .sort();
    expect(services).toEqual([
      'aisle.affinity.v1.AffinityService',
      'aisle.copurchase.v1.CopurchaseService',
      'aisle.features.v1.FeatureService',
      'aisle.features.v1.ModelRegistryService',
      'aisle.features.v1.SlateLogService',
      'aisle.ranker.v1.RankerService',
    ]);
  });
});
