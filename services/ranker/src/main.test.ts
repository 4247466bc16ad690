// The built ranker as a real process: it starts, answers health and reflection to clients built
// from the public protos, refuses bad input naming the field, and drains on SIGTERM.
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ranker } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';
import { checkHealth, listServices } from '@aisle/grpc-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('ranker process', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    // Downstreams point at a closed port: health and validation do not need them.
    service = await startServiceProcess(join(__dirname, '..', 'dist', 'main.js'), {
      AISLE_RANKER_PORT: '0',
      AISLE_FEATURES_ADDRESS: '127.0.0.1:1',
      AISLE_COPURCHASE_ADDRESS: '127.0.0.1:1',
      AISLE_AFFINITY_ADDRESS: '127.0.0.1:1',
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  it('answers health and lists its service through reflection', async () => {
    expect(await checkHealth(service.address)).toBe('SERVING');
    expect(await checkHealth(service.address, 'aisle.ranker.v1.RankerService')).toBe('SERVING');
    expect(await listServices(service.address)).toEqual(['aisle.ranker.v1.RankerService', 'grpc.health.v1.Health']);
  });

  it('names the bad field for invalid requests', async () => {
    const client = createClient(ranker.RankerServiceClient, service.address, { service: 'aisle.ranker.v1.RankerService' });
    const cases: [Partial<ranker.RankRequest>, string][] = [
      [{ userId: '', k: 10 }, 'user_id'],
      [{ userId: 'x'.repeat(65), k: 10 }, 'user_id'],
      [{ userId: '17850', k: 0 }, 'k'],
      [{ userId: '17850', k: 101 }, 'k'],
      [{ userId: '17850', k: 10, excludeProductIds: Array.from({ length: 1001 }, (_, i) => String(i)) }, 'exclude_product_ids'],
      [{ userId: '17850', k: 10, excludeProductIds: [''] }, 'exclude_product_ids[0]'],
    ];
    for (const [request, field] of cases) {
      const error = await unaryCall(client, client.rank, ranker.RankRequest.fromPartial(request), { deadline: Date.now() + 5000 }).then(
        () => undefined,
        (caught: ServiceError) => caught,
      );
      expect(error?.code, field).toBe(status.INVALID_ARGUMENT);
      expect(error?.details.startsWith(`${field}:`), error?.details).toBe(true);
    }
    client.close();
  });

  it('fails open when every downstream is unreachable: cold start, statuses say why', async () => {
    const client = createClient(ranker.RankerServiceClient, service.address, { service: 'aisle.ranker.v1.RankerService' });
    const response = await unaryCall(client, client.rank, ranker.RankRequest.fromPartial({ userId: '17850', k: 5 }), { deadline: Date.now() + 5000 });
    client.close();
    expect(response.items).toEqual([]);
    expect(response.coldStart).toBe(true);
    const features = response.sources.find((source) => source.source === 'features');
    expect(features?.state).toBe(3 /* FAILED */);
    expect(features?.detail).toContain('UNAVAILABLE');
    expect(response.timings.map((timing) => timing.stage)).toEqual(['user_context', 'candidates', 'scores', 'merge']);
  });

  it('drains and exits 0 on SIGTERM', async () => {
    expect(await service.stop()).toBe(0);
    expect(service.logs.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });
});
