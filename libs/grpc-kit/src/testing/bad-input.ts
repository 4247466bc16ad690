// A table-driven bad-input suite for one service over real gRPC: each case sends a request (an object
// encoded with the generated serializer, or raw bytes) and expects a status and, for INVALID_ARGUMENT,
// the field it names. Every RPC also gets the generic cases (undecodable bytes, unknown fields, a
// message over the size limit, an expired deadline). The suite then checks that every status it saw
// is documented in the proto comments, that the server is still SERVING with no call left in flight
// after rounds of bad calls, and that random or mutated bytes never get INTERNAL.
import { readFileSync } from 'node:fs';
import { status } from '@grpc/grpc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHealth } from '../probe';
import type { AisleServer } from '../server';
import { RawClient } from './raw-call';

export interface BadInputCase {
  /** Key of the method in the ts-proto service definition, e.g. "rank". */
  rpc: string;
  name: string;
  /** A request message (encoded with the method's serializer) or raw bytes. */
  request: unknown;
  code: status;
  /** For INVALID_ARGUMENT: the field the status must name (details start with "<field>:"). */
  field?: string;
  /** Absolute deadline in ms since the epoch, or a function of now (default 10 s from now). */
  deadline?: (now: number) => number;
}

interface MethodShape {
  path: string;
  responseStream: boolean;
  requestSerialize: (value: never) => Buffer;
}

export interface BadInputSuite {
  /** Fully-qualified service name, e.g. "aisle.ranker.v1.RankerService". */
  service: string;
  definition: Record<string, MethodShape>;
  /** The .proto file whose comments document the statuses of this service. */
  protoFile: string;
  cases: BadInputCase[];
  /** Statuses random requests may get besides OK and INVALID_ARGUMENT, per RPC (e.g. NOT_FOUND). */
  fuzzStatuses?: Record<string, status[]>;
  /** Random requests per RPC (default 60: enough to hit every decoder branch class, cheap on 2 cores). */
  fuzzRuns?: number;
}

export interface BadInputTarget {
  address: string;
  server: AisleServer;
}

/** Largest request a server accepts by default (createServer's maxReceiveMessageBytes). */
const SIZE_LIMIT = 4 * 1024 * 1024;

/** Field 99 as a varint: a field no Aisle request defines. */
const UNKNOWN_FIELD = Buffer.from([0x98, 0x06, 0x01]);
/** Field 1, length-delimited, claiming 2^32 - 1 bytes that never come. */
const TRUNCATED = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]);

let oversizedRequest: Buffer | undefined;
function oversized(): Buffer {
  oversizedRequest ??= encodeOversized();
  return oversizedRequest;
}

function encodeOversized(): Buffer {
  // Field 99, length-delimited, just over the limit.
  const length = SIZE_LIMIT + 1024;
  const header = [0x9a, 0x06];
  let rest = length;
  while (rest > 0x7f) {
    header.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  header.push(rest);
  return Buffer.concat([Buffer.from(header), Buffer.alloc(length, 0x61)]);
}

export function genericCases(rpc: string): BadInputCase[] {
  return [
    { rpc, name: 'undecodable bytes', request: TRUNCATED, code: status.INVALID_ARGUMENT, field: 'request' },
    { rpc, name: 'a field the contract does not define', request: UNKNOWN_FIELD, code: status.INVALID_ARGUMENT, field: 'request' },
    { rpc, name: 'a message over the size limit', request: oversized(), code: status.RESOURCE_EXHAUSTED },
    { rpc, name: 'an expired deadline', request: Buffer.alloc(0), code: status.DEADLINE_EXCEEDED, deadline: (now) => now - 1000 },
  ];
}

/** Status names in the comments above `service <name>` and above each of its `rpc`s. */
export function documentedStatuses(protoFile: string, service: string): { service: Set<string>; rpcs: Map<string, Set<string>> } {
  const lines = readFileSync(protoFile, 'utf8').split('\n');
  const names = Object.keys(status).filter((key) => Number.isNaN(Number(key)));
  const statusesIn = (comment: string[]) => new Set(names.filter((name) => comment.some((line) => new RegExp(`\\b${name}\\b`).test(line))));
  const rpcs = new Map<string, Set<string>>();
  let serviceStatuses = new Set<string>();
  let comment: string[] = [];
  let inService = false;
  const shortName = service.slice(service.lastIndexOf('.') + 1);
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('//')) {
      comment.push(trimmed);
      continue;
    }
    const serviceMatch = /^service\s+(\w+)/.exec(trimmed);
    if (serviceMatch) {
      inService = serviceMatch[1] === shortName;
      if (inService) serviceStatuses = statusesIn(comment);
    }
    const rpcMatch = /^rpc\s+(\w+)\s*\(/.exec(trimmed);
    if (rpcMatch && inService) rpcs.set(rpcMatch[1]!, statusesIn(comment));
    if (trimmed === '}' && inService) inService = false;
    comment = [];
  }
  return { service: serviceStatuses, rpcs };
}

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

async function eventually(check: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!check() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return check();
}

export function describeBadInput(suite: BadInputSuite, target: () => BadInputTarget): void {
  const rpcs = Object.keys(suite.definition);
  const cases = [...suite.cases, ...rpcs.flatMap(genericCases)];
  const encode = (testCase: BadInputCase) => (Buffer.isBuffer(testCase.request) ? testCase.request : suite.definition[testCase.rpc]!.requestSerialize(testCase.request as never));
  const send = (client: RawClient, testCase: BadInputCase, request: Buffer = encode(testCase)) => {
    const method = suite.definition[testCase.rpc]!;
    return client.call(method.path, request, { responseStream: method.responseStream, deadline: testCase.deadline?.(Date.now()) });
  };

  describe(`${suite.service}: bad input`, () => {
    it('has cases for every RPC, each status documented in the proto comments', () => {
      const documented = documentedStatuses(suite.protoFile, suite.service);
      for (const rpc of rpcs) {
        expect(
          suite.cases.some((testCase) => testCase.rpc === rpc),
          `no bad-input case for ${rpc}`,
        ).toBe(true);
        const protoName = [...documented.rpcs.keys()].find((name) => lowerFirst(name) === rpc);
        expect(protoName, `${rpc} is not in ${suite.protoFile}`).toBeDefined();
        for (const testCase of cases.filter((entry) => entry.rpc === rpc && entry.code !== status.OK)) {
          const name = status[testCase.code];
          const isDocumented = documented.rpcs.get(protoName!)!.has(name) || documented.service.has(name);
          expect(isDocumented, `${protoName}: ${name} (${testCase.name}) is not documented on the rpc or the service`).toBe(true);
        }
      }
    });

    it.each(cases.map((testCase) => [`${testCase.rpc}: ${testCase.name} → ${status[testCase.code]}${testCase.field ? ` (${testCase.field})` : ''}`, testCase] as const))('%s', async (_title, testCase) => {
      const client = new RawClient(target().address);
      try {
        const outcome = await send(client, testCase);
        expect(status[outcome.code], outcome.details).toBe(status[testCase.code]);
        if (testCase.field !== undefined) {
          expect(outcome.details.startsWith(`${testCase.field}:`), outcome.details).toBe(true);
          expect(outcome.metadata.get('x-invalid-field')).toEqual([testCase.field]);
        }
      } finally {
        client.close();
      }
    });

    it('is still SERVING with no call left in flight after rounds of bad calls', async () => {
      const client = new RawClient(target().address);
      try {
        for (let round = 0; round < 3; round += 1) {
          const outcomes = await Promise.all(cases.map((testCase) => send(client, testCase)));
          outcomes.forEach((outcome, index) => expect(outcome.code, cases[index]!.name).toBe(cases[index]!.code));
        }
      } finally {
        client.close();
      }
      expect(await eventually(() => target().server.inFlightCalls() === 0), `calls still in flight: ${target().server.inFlightCalls()}`).toBe(true);
      expect(await checkHealth(target().address)).toBe('SERVING');
      expect(await checkHealth(target().address, suite.service)).toBe('SERVING');
    });

    it('answers random and mutated requests with OK or a documented status, never INTERNAL', async () => {
      const client = new RawClient(target().address);
      const seeds = suite.cases.filter((testCase) => !Buffer.isBuffer(testCase.request));
      const mutated = fc
        .record({ seed: fc.constantFrom(...seeds), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() })
        .map(({ seed, at, byte, cut }) => {
          const bytes = Buffer.from(encode(seed));
          if (bytes.length === 0) return { rpc: seed.rpc, bytes: Buffer.from([byte]) };
          const index = at % bytes.length;
          if (cut) return { rpc: seed.rpc, bytes: bytes.subarray(0, index) };
          bytes[index] = byte;
          return { rpc: seed.rpc, bytes };
        });
      const random = fc.record({ rpc: fc.constantFrom(...rpcs), bytes: fc.uint8Array({ maxLength: 256 }).map((array) => Buffer.from(array)) });
      try {
        await fc.assert(
          fc.asyncProperty(fc.oneof(mutated, random), async ({ rpc, bytes }) => {
            const outcome = await send(client, { rpc, name: 'fuzz', request: bytes, code: status.OK }, bytes);
            const allowed = [status.OK, status.INVALID_ARGUMENT, ...(suite.fuzzStatuses?.[rpc] ?? [])];
            expect(allowed.map((code) => status[code]), `${rpc} ${bytes.toString('hex')}: ${outcome.details}`).toContain(status[outcome.code]);
          }),
          { numRuns: (suite.fuzzRuns ?? 60) * rpcs.length },
        );
      } finally {
        client.close();
      }
      expect(await eventually(() => target().server.inFlightCalls() === 0)).toBe(true);
      expect(await checkHealth(target().address)).toBe('SERVING');
    });
  });
}
