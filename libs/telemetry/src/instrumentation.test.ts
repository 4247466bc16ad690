// Proves the bootstrap really patches grpc-js and cassandra-driver in a CommonJS process: a child
// process loads the built telemetry lib first, then makes a gRPC call (and a Cassandra query when a
// node is available), exporting spans as OTLP/HTTP JSON to a receiver started here.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cassandraTestTarget } from '@aisle/config/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spanAttribute as attribute, startOtlpReceiver, type OtlpReceiver } from './testing';

let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});

afterAll(() => receiver.close());

const CHILD = `
const telemetry = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
telemetry.startTelemetry({ serviceName: 'telemetry-test', metricsPort: 9464 });
const grpc = require('@grpc/grpc-js');
console.log('GRPC_PATCHED ' + Boolean(grpc.Server.prototype.register.__wrapped));
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
    await db.execute('SELECT host_id FROM system.peers_v2 WHERE peer = ?', ['10.98.76.54'], { prepare: true });
    await db.shutdown();
  }
  telemetry.meter.createCounter('aisle.test.calls').add(3, { 'aisle.test.kind': 'echo' });
  const metricsAddress = await telemetry.metricsAddress();
  if (metricsAddress) {
    const scrape = await fetch('http://' + metricsAddress + '/metrics');
    console.log('SCRAPE ' + JSON.stringify({ status: scrape.status, body: await scrape.text() }));
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
      env: { ...process.env, ...receiver.env, OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', AISLE_METRICS_PORT: '0', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

describe('telemetry bootstrap', () => {
  const cassandra = cassandraTestTarget();

  it(`patches grpc-js${cassandra ? ' and cassandra-driver' : ''} (client and server spans in one trace, health untraced)`, async () => {
    const result = await runChild(cassandra ? { CASSANDRA_POINTS: cassandra.contactPoints.join(','), CASSANDRA_DC: cassandra.localDataCenter } : {});
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('GRPC_PATCHED true');

    const client = receiver.spans.find((span) => span.name === 'grpc.test.Echo/Say' && span.kind === 3);
    const server = receiver.spans.find((span) => span.name === 'grpc.test.Echo/Say' && span.kind === 2);
    expect(client, JSON.stringify(receiver.spans.map((span) => span.name))).toBeDefined();
    expect(server).toBeDefined();
    expect(server!.traceId).toBe(client!.traceId);
    expect(server!.parentSpanId).toBe(client!.spanId);
    expect(attribute(server!, 'rpc.method')).toBe('Say');
    expect(receiver.spans.some((span) => span.name.includes('Health'))).toBe(false);

    if (cassandra) {
      const query = receiver.spans.find((span) => String(attribute(span, 'db.system') ?? attribute(span, 'db.system.name')) === 'cassandra' && span.name !== 'cassandra-driver.connect');
      expect(query, JSON.stringify(receiver.spans.map((span) => span.name))).toBeDefined();
      // Named by statement kind and table; the text keeps its placeholder, never the bound value.
      expect(query!.name).toBe('SELECT peers_v2');
      expect(attribute(query!, 'db.operation.name')).toBe('SELECT');
      expect(attribute(query!, 'db.collection.name')).toBe('peers_v2');
      expect(attribute(query!, 'db.query.text')).toBe('SELECT host_id FROM system.peers_v2 WHERE peer = ?');
      expect(JSON.stringify(query!.attributes)).not.toContain('10.98.76.54');
    }
  }, 60_000);

  it('serves metrics in the Prometheus text format on AISLE_METRICS_PORT', async () => {
    const result = await runChild({});
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('"msg":"metrics endpoint listening"');
    const line = result.output.split('\n').find((text) => text.startsWith('SCRAPE '));
    expect(line, result.output).toBeDefined();
    const scrape = JSON.parse(line!.slice('SCRAPE '.length)) as { status: number; body: string };
    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(/^aisle_test_calls_total\{[^}]*aisle_test_kind="echo"[^}]*\} 3/m);
  }, 60_000);

  it('installs no span plumbing when OTEL_TRACES_EXPORTER=none, and still serves metrics', async () => {
    const before = receiver.spans.length;
    const result = await runChild({ OTEL_TRACES_EXPORTER: 'none' });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('GRPC_PATCHED false');
    expect(receiver.spans.slice(before)).toEqual([]);
    const line = result.output.split('\n').find((text) => text.startsWith('SCRAPE '));
    expect((JSON.parse(line!.slice('SCRAPE '.length)) as { body: string }).body).toMatch(/^aisle_test_calls_total\{[^}]*\} 3/m);
  }, 60_000);

  it('pushes metrics over OTLP when OTEL_METRICS_EXPORTER=otlp', async () => {
    const result = await runChild({ OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '200', AISLE_METRICS_PORT: 'off' });
    expect(result.code, result.output).toBe(0);
    // The SDK flushes on shutdown at the latest: the counter the child added arrives.
    await expect.poll(() => receiver.metricNames, { timeout: 5000 }).toContain('aisle.test.calls');
  }, 60_000);

  it('samples by parent-based trace-id ratio from OTEL_TRACES_SAMPLER', async () => {
    const before = receiver.spans.length;
    const result = await runChild({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0', AISLE_METRICS_PORT: 'off' });
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain('metrics endpoint listening');
    // Ratio 0: the root client span is dropped, and the server span follows its parent's decision.
    expect(receiver.spans.slice(before).filter((span) => span.name === 'grpc.test.Echo/Say')).toEqual([]);
  }, 60_000);
});
