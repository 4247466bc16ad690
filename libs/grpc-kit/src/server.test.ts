import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { copurchase } from '@aisle/contracts';
import { createLogger } from '@aisle/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createClient, createServer, InvalidArgumentError, service, unaryCall, type AisleServer, type CallContext } from './index';
import { checkHealth, fileContainingSymbol, listServices, RawClient } from './testing';

const lines: string[] = [];
const logger = createLogger('grpc-kit-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
// Succeeded calls are logged at debug; these tests read those lines.
logger.level = 'debug';
const running: AisleServer[] = [];

async function start(implementation: Partial<Parameters<typeof service<typeof copurchase.CopurchaseServiceService>>[2]>, options: { maxConcurrentCalls?: number; maxDeadlineMs?: number; shedEventLoopDelayMs?: number; shedGraceMs?: number } = {}) {
  const notUsed = async () => {
    throw new Error('not used in this test');
  };
  const server = createServer({
    logger,
    ...options,
    services: [service('aisle.copurchase.v1.CopurchaseService', copurchase.CopurchaseServiceService, { candidates: notUsed, score: notUsed, getModelInfo: notUsed, ...implementation })],
  });
  running.push(server);
  const port = await server.listen('127.0.0.1:0');
  const address = `127.0.0.1:${port}`;
  const client = createClient(copurchase.CopurchaseServiceClient, address, { service: 'aisle.copurchase.v1.CopurchaseService' });
  return { server, address, client };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.drain(100)));
});

function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

describe('createServer', () => {
  it('answers health and reflection to clients built from the public protos', async () => {
    const { address } = await start({});
    expect(await checkHealth(address)).toBe('SERVING');
    expect(await checkHealth(address, 'aisle.copurchase.v1.CopurchaseService')).toBe('SERVING');
    expect(await listServices(address)).toEqual(['aisle.copurchase.v1.CopurchaseService', 'grpc.health.v1.Health']);
    expect(await fileContainingSymbol(address, 'aisle.copurchase.v1.CopurchaseService')).toBeGreaterThanOrEqual(1);
  });

  it('serves a unary call and logs one line for it', async () => {
    const { client } = await start({
      getModelInfo: async () => ({ info: { id: { model: 'copurchase', version: 'v1' }, createdUnixMs: 0, trainStartUnixMs: 0, trainEndUnixMs: 0, trainingRows: 3, inputHash: '', codeVersion: '', parameters: {}, metrics: {}, checksum: '', stage: 'production', loadedUnixMs: 0 } }),
    });
    const response = await unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 5000 });
    expect(response.info?.id?.version).toBe('v1');
    expect(response.info?.trainingRows).toBe(3);
    expect(lines.some((line) => line.includes('"method":"/aisle.copurchase.v1.CopurchaseService/GetModelInfo"') && line.includes('"code":"OK"'))).toBe(true);
  });

  it('maps typed errors to their status and hides unexpected ones', async () => {
    const { client } = await start({
      candidates: async () => {
        throw new InvalidArgumentError('limit', 'must be between 1 and 500, got 0');
      },
      score: async () => {
        throw new Error('secret database detail');
      },
    });
    const invalid = await failure(unaryCall(client, client.candidates, { seeds: [], limit: 0, excludeProductIds: [], modelVersion: '' }, { deadline: Date.now() + 5000 }));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.details).toBe('limit: must be between 1 and 500, got 0');
    expect(invalid.metadata.get('x-invalid-field')).toEqual(['limit']);
    const internal = await failure(unaryCall(client, client.score, { seeds: [], candidateIds: [], modelVersion: '' }, { deadline: Date.now() + 5000 }));
    expect(internal.code).toBe(status.INTERNAL);
    expect(internal.details).toBe('internal error');
  });

  it('rejects requests carrying fields the contract does not define', async () => {
    const { client } = await start({ getModelInfo: async () => ({}) });
    // Field 99 (varint) is not part of GetModelInfoRequest; ts-proto keys unknown fields by their tag.
    const bogus = { _unknownFields: { [(99 << 3) | 0]: [Buffer.from([0x01])] } };
    const error = await failure(unaryCall(client, client.getModelInfo, bogus, { deadline: Date.now() + 5000 }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toContain('request');
  });

  it('caps deadlines at the server maximum', async () => {
    let seen: CallContext | undefined;
    const { client } = await start(
      {
        getModelInfo: async (_request, context) => {
          seen = context;
          return {};
        },
      },
      { maxDeadlineMs: 1000 },
    );
    const before = Date.now();
    await unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 60_000 });
    expect(seen!.deadline).toBeGreaterThanOrEqual(before + 900);
    expect(seen!.deadline).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it('sheds calls beyond the concurrency limit with RESOURCE_EXHAUSTED', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { client } = await start(
      {
        getModelInfo: async () => {
          await gate;
          return {};
        },
      },
      { maxConcurrentCalls: 1 },
    );
    const first = unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 5000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await failure(unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 5000 }));
    expect(second.code).toBe(status.RESOURCE_EXHAUSTED);
    release();
    await expect(first).resolves.toMatchObject({ info: undefined });
  });

  it('after its start-up grace, refuses new calls at once while its event loop runs late, and takes them again once it catches up', async () => {
    // Client and server share this process, so a call sent "while the loop is blocked" is sent from the
    // blocking handler: it reaches the server right after the block, when the guard's timer has just
    // measured the delay (the delay then halves every 10 ms on time, so waiting for it would be a race).
    let whileBlocked: (() => void) | undefined;
    const { client, address } = await start(
      {
        getModelInfo: async () => ({}),
        score: async () => {
          if (whileBlocked) setImmediate(whileBlocked);
          // Blocks the event loop, as a flood of calls or a long computation would.
          const until = performance.now() + 600;
          while (performance.now() < until);
          return { scores: [], unknownProductIds: [], model: undefined };
        },
      },
      { shedEventLoopDelayMs: 30, shedGraceMs: 1_500 },
    );
    const info = () => unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 5000 });
    const score = () => unaryCall(client, client.score, { seeds: [], candidateIds: [], modelVersion: '' }, { deadline: Date.now() + 5000 });
    // Within the grace after listening (a process warming up), a late event loop refuses nothing.
    await score();
    await expect(info()).resolves.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await expect(info()).resolves.toBeDefined();
    let refused!: Promise<ServiceError>;
    whileBlocked = () => (refused = failure(info()));
    await score();
    whileBlocked = undefined;
    expect((await refused).code).toBe(status.RESOURCE_EXHAUSTED);
    expect((await refused).details).toMatch(/^server overloaded \(its event loop runs \d+ ms late; this turn has run \d+ ms\)$/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(info()).resolves.toBeDefined();
    expect(await checkHealth(address)).toBe('SERVING');
  });

  it('refuses bytes that are not a valid request with INVALID_ARGUMENT naming "request", not INTERNAL', async () => {
    const { address } = await start({ getModelInfo: async () => ({}) });
    const raw = new RawClient(address);
    // CandidatesRequest field 3 is a string: a length prefix far beyond the message cannot be decoded.
    const truncated = await raw.call('/aisle.copurchase.v1.CopurchaseService/Candidates', Buffer.from([0x1a, 0xff, 0xff, 0x03]));
    raw.close();
    expect(truncated.code).toBe(status.INVALID_ARGUMENT);
    expect(truncated.details).toMatch(/^request: is not a valid message/);
    expect(await checkHealth(address)).toBe('SERVING');
  });

  it('beyond the concurrency limit fails fast with RESOURCE_EXHAUSTED and stays healthy', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    const { server, client, address } = await start(
      {
        getModelInfo: async () => {
          entered += 1;
          await gate;
          return {};
        },
      },
      { maxConcurrentCalls: 3 },
    );
    const held = Array.from({ length: 3 }, () => unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 30_000 }));
    while (entered < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.inFlightCalls()).toBe(3);
    // Every extra call is refused while the held ones are still blocked: refusal never waits for capacity.
    const extra = await Promise.all(Array.from({ length: 20 }, () => failure(unaryCall(client, client.candidates, { seeds: [], limit: 1, excludeProductIds: [], modelVersion: '' }, { deadline: Date.now() + 30_000 }))));
    expect(new Set(extra.map((error) => error.code))).toEqual(new Set([status.RESOURCE_EXHAUSTED]));
    expect(extra[0]!.details).toContain('limit of 3 concurrent calls');
    expect(entered).toBe(3);
    expect(await checkHealth(address)).toBe('SERVING');
    release();
    await Promise.all(held);
    expect(server.inFlightCalls()).toBe(0);
    // Capacity is back: the next call is served.
    await expect(unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 5000 })).resolves.toMatchObject({ info: undefined });
  });

  it('drains: in-flight calls finish, late calls are cancelled after the bound', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { server, client } = await start({
      getModelInfo: async () => {
        await gate;
        return {};
      },
      candidates: async (_request, context) => {
        await new Promise((resolve) => context.signal.addEventListener('abort', resolve));
        return { candidates: [], unknownProductIds: [] };
      },
    });
    const finishing = unaryCall(client, client.getModelInfo, {}, { deadline: Date.now() + 10_000 });
    const hanging = failure(unaryCall(client, client.candidates, { seeds: [], limit: 1, excludeProductIds: [], modelVersion: '' }, { deadline: Date.now() + 10_000, metadata: new Metadata() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const drained = server.drain(500);
    release();
    await expect(finishing).resolves.toMatchObject({ info: undefined });
    await drained;
    // The hanging call was cut by the drain, not left to run into its 10-second deadline.
    expect([status.UNAVAILABLE, status.CANCELLED]).toContain((await hanging).code);
  });
});
