import { createHash } from 'node:crypto';
import { status, type ServiceError } from '@grpc/grpc-js';
import { loadTlsSettings } from '@aisle/config';
import { ranker } from '@aisle/contracts';
import { createServer, ResourceExhaustedError, service, type AisleServer, type CallContext } from '@aisle/grpc-kit';
import { createTestPki, type TestPki } from '@aisle/grpc-kit/testing';
import { createLogger } from '@aisle/telemetry';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('retries a call the ranker shed (RESOURCE_EXHAUSTED), and gives up after three attempts', async () => {
    let attempts = 0;
    let shedFirst = 0;
    const shedding = createServer({
      logger: silent,
      services: [
        service('aisle.ranker.v1.RankerService', ranker.RankerServiceService, {
          rank: async (request) => {
            attempts++;
            if (shedFirst-- > 0) throw new ResourceExhaustedError('server overloaded');
            return ranker.RankResponse.fromPartial({ items: [{ productId: request.userId, score: 1 }] });
          },
        }),
      ],
    });
    const client = createRankerClient(`127.0.0.1:${await shedding.listen('127.0.0.1:0')}`, { timeoutMs: 2000 });
    try {
      shedFirst = 1;
      expect((await client.rank({ userId: '17850', k: 3 })).items[0]?.productId).toBe('17850');
      expect(attempts).toBe(2);
      attempts = 0;
      shedFirst = 10;
      const error = await client.rank({ userId: '17850', k: 3 }).then(
        () => undefined,
        (caught: ServiceError) => caught,
      );
      expect(error?.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(attempts).toBe(3);
    } finally {
      client.close();
      await shedding.drain(100);
    }
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

describe('createRankerClient with credentials', () => {
  const token = 'tok-3b7e9a1c';
  let pki: TestPki;
  let server: AisleServer;
  let address = '';
  let tls: { caFile: string; certFile: string; keyFile: string };

  // Made here, not while collecting, so the first suite's tight deadline never competes with key generation.
  beforeAll(async () => {
    pki = createTestPki();
    const callerCert = pki.client('checkout.aisle.internal');
    tls = { caFile: pki.caFile, certFile: callerCert.certFile, keyFile: callerCert.keyFile };
    server = createServer({
      logger: silent,
      tls: loadTlsSettings({ AISLE_TLS_CERT_FILE: pki.server.certFile, AISLE_TLS_KEY_FILE: pki.server.keyFile, AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CLIENT_AUTH: 'require' }),
      callers: [{ name: 'checkout', tokenSha256: createHash('sha256').update(token).digest('hex'), methods: ['Rank'] }],
      services: [
        service('aisle.ranker.v1.RankerService', ranker.RankerServiceService, {
          rank: async (_request, context) => ranker.RankResponse.fromPartial({ traceId: context.caller ?? '' }),
        }),
      ],
    });
    address = `127.0.0.1:${await server.listen('127.0.0.1:0')}`;
  });
  afterAll(async () => {
    await server?.drain(100);
    pki?.remove();
  });
  const code = (promise: Promise<unknown>) => promise.then(() => status.OK, (error: ServiceError) => error.code);

  it('sends its token over mutual TLS and is recognised as its caller', async () => {
    const client = createRankerClient(address, { timeoutMs: 5000, token, tls });
    const response = await client.rank({ userId: '17850', k: 3 });
    client.close();
    expect(response.traceId).toBe('checkout');
  });

  it('is refused without the token (UNAUTHENTICATED) and without a client certificate (UNAVAILABLE)', async () => {
    const noToken = createRankerClient(address, { timeoutMs: 5000, tls });
    const noCertificate = createRankerClient(address, { timeoutMs: 5000, token, tls: { caFile: pki.caFile } });
    expect(await code(noToken.rank({ userId: '17850', k: 3 }))).toBe(status.UNAUTHENTICATED);
    expect(await code(noCertificate.rank({ userId: '17850', k: 3 }))).toBe(status.UNAVAILABLE);
    noToken.close();
    noCertificate.close();
  });
});
