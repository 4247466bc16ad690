import { readFileSync } from 'node:fs';
import { loadFileDescriptorSetFromBuffer } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { DESCRIPTOR_SET_PATH, features, hasUnknownFields, ranker } from './index';

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
