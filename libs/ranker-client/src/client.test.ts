import { status, type ServiceError } from '@grpc/grpc-js';
import { ranker } from '@aisle/contracts';
import { createServer, service, type CallContext } from '@aisle/grpc-kit';
import { createLogger } from '@aisle/telemetry';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createRankerClient } from './index';

const silent = createLogger('ranker-client-test', new Writable({ write: (_chunk, _encoding, done) => done() }));

describe('createRankerClient', () => {
  let seen: { request: ranker.RankRequest; context: CallContext } | undefined;
  const server = createServer({
    logger: silent,
    services: [
      service('aisle.ranker.v1.RankerService', ranker.RankerServiceService, {
        rank: async (request, context) => {
          seen = { request, context };
          return ranker.RankResponse.fromPartial({ items: [{ productId: '85123A', score: 1 }], traceId: 'abc' });
        },
      }),
    ],
  });
  const listening = server.listen('127.0.0.1:0');
  afterAll(() => server.drain(100));

  it('fills defaults, applies the default deadline and returns the typed response', async () => {
    const client = createRankerClient(`127.0.0.1:${await listening}`, { timeoutMs: 400 });
    const before = Date.now();
    const response = await client.rank({ userId: '17850', k: 3 });
    client.close();
    expect(response.items[0]?.productId).toBe('85123A');
    expect(seen?.request).toMatchObject({ userId: '17850', k: 3, excludeProductIds: [] });
    expect(seen!.context.deadline - before).toBeGreaterThan(0);
    expect(seen!.context.deadline - before).toBeLessThanOrEqual(450);
  });

  it('fails with UNAVAILABLE, not a hang, when the ranker is down', async () => {
    const client = createRankerClient('127.0.0.1:1', { timeoutMs: 2000 });
    const error = await client.rank({ userId: '17850', k: 3 }).then(
      () => undefined,
      (caught: ServiceError) => caught,
    );
    client.close();
    expect(error?.code).toBe(status.UNAVAILABLE);
  });
});
