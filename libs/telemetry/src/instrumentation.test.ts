// Proves the bootstrap really patches grpc-js and cassandra-driver in a CommonJS process: a child
// process loads the built telemetry lib first, then makes a gRPC call (and a Cassandra query when a
// node is available), exporting spans as OTLP/HTTP JSON to a receiver started here.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { cassandraTestTarget } from '@aisle/config/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

const received: OtlpSpan[] = [];
let receiver: Server;
let endpoint: string;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
        for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

const CHILD = `
const telemetry = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
telemetry.startTelemetry({ serviceName: 'telemetry-test' });
const grpc = require('@grpc/grpc-js');
const { HealthImplementation, service: healthService } = require('grpc-health-check');
(async () => {
  const server = new grpc.Server();
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  const echo = { path: '/test.Echo/Say', requestStream: false, responseStream: false,
    requestSerialize: (v) => Buffer.from(v), requestDeserialize: (b) => b.toString(),
    responseSerialize: (v) => Buffer.from(v), responseDeserialize: (b) => b.toString() };
  server.addService({ say: echo }, { say: (call, cb) => cb(null, 'echo:' + call.request) });
  const port = await new Promise((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => e ? reject(e) : resolve(p)));
  const Client = grpc.makeGenericClientConstructor({ say: echo }, 'Echo');
  const client = new Client('127.0.0.1:' + port, grpc.credentials.createInsecure());
  await new Promise((resolve, reject) => client.say('hi', (e, r) => e ? reject(e) : resolve(r)));
  const Health = grpc.makeGenericClientConstructor(healthService, 'Health');
  const health = new Health('127.0.0.1:' + port, grpc.credentials.createInsecure());
  await new Promise((resolve, reject) => health.check({ service: '' }, (e, r) => e ? reject(e) : resolve(r)));
  if (process.env.CASSANDRA_POINTS) {
    const cassandra = require('cassandra-driver');
    const db = new cassandra.Client({ contactPoints: process.env.CASSANDRA_POINTS.split(','), localDataCenter: process.env.CASSANDRA_DC });
    await db.connect();
    await db.execute('SELECT release_version FROM system.local WHERE key = ?', ['local'], { prepare: true });
    await db.shutdown();
  }
  client.close(); health.close();
  server.forceShutdown();
  await telemetry.shutdownTelemetry();
})().catch((error) => { console.error(error); process.exit(1); });
`;

function runChild(env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-e', CHILD], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '100', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

describe('telemetry bootstrap', () => {
  const cassandra = cassandraTestTarget();

  it(`patches grpc-js${cassandra ? ' and cassandra-driver' : ''} (client and server spans in one trace, health untraced)`, async () => {
    const result = await runChild(cassandra ? { CASSANDRA_POINTS: cassandra.contactPoints.join(','), CASSANDRA_DC: cassandra.localDataCenter } : {});
    expect(result.code, result.output).toBe(0);

    const client = received.find((span) => span.name === 'grpc.test.Echo/Say' && span.kind === 3);
    const server = received.find((span) => span.name === 'grpc.test.Echo/Say' && span.kind === 2);
    expect(client, JSON.stringify(received.map((span) => span.name))).toBeDefined();
    expect(server).toBeDefined();
    expect(server!.traceId).toBe(client!.traceId);
    expect(server!.parentSpanId).toBe(client!.spanId);
    expect(attribute(server!, 'rpc.method')).toBe('Say');
    expect(received.some((span) => span.name.includes('Health'))).toBe(false);

    if (cassandra) {
      const query = received.find((span) => String(attribute(span, 'db.system') ?? attribute(span, 'db.system.name')) === 'cassandra' && span.name !== 'cassandra-driver.connect');
      expect(query, JSON.stringify(received.map((span) => span.name))).toBeDefined();
      expect(JSON.stringify(query!.attributes)).not.toContain('"local"');
    }
  }, 60_000);
});
