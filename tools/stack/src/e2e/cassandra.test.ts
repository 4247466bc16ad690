// The same stack on the real Cassandra node: data loaded through Ingest into Cassandra, models
// registered in Cassandra's registry tables and fetched by the model services from there. The four
// processes export their traces to a real OTLP receiver started here, and serve Prometheus metrics.
import { describeCassandra, uniqueKeyspace } from '@aisle/config/testing';
import { hashUserId } from '@aisle/telemetry';
import { spanAttribute, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from '@aisle/telemetry/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client } from 'cassandra-driver';
import type { ranker } from '@aisle/contracts';
import { PROBE_USER } from '../prepare';
import { startStack, type Stack } from '../stack';
import { expectWellFormed, rank, STATE, stateOf } from './rank-flow';
import { SMALL_TRAINING, STACK_SLICE, UNCACHED_RANKER_ENV } from './settings';

const SERVER = 2;
const CLIENT = 3;

/** What the ranker calls in one Rank of a known user (grpc-js instrumentation span names). */
const DOWNSTREAM: [name: string, service: string][] = [
  ['grpc.aisle.features.v1.FeatureService/GetUserContext', 'feature-service'],
  ['grpc.aisle.features.v1.FeatureService/Popular', 'feature-service'],
  ['grpc.aisle.features.v1.FeatureService/BatchGetProducts', 'feature-service'],
  ['grpc.aisle.copurchase.v1.CopurchaseService/Candidates', 'copurchase-model-service'],
  ['grpc.aisle.affinity.v1.AffinityService/Score', 'affinity-model-service'],
];

const isCassandra = (span: OtlpSpan) => spanAttribute(span, 'db.system.name') === 'cassandra';

describeCassandra('whole stack on Cassandra', (target) => {
  const keyspace = uniqueKeyspace('e2e');
  let stack: Stack;
  let receiver: OtlpReceiver;
  let response: ranker.RankResponse;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    stack = await startStack({
      storeEnv: { AISLE_STORE: 'cassandra', AISLE_CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','), AISLE_CASSANDRA_DATACENTER: target.localDataCenter, AISLE_CASSANDRA_KEYSPACE: keyspace },
      limit: STACK_SLICE,
      trainArgs: SMALL_TRAINING,
      rankerEnv: UNCACHED_RANKER_ENV,
      // Succeeded calls are logged at debug: this suite checks those lines carry the trace id.
      serviceEnv: { ...receiver.env, LOG_LEVEL: 'debug' },
    });
    response = await rank(stack.ranker.address, { userId: PROBE_USER, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 } });
  }, 900_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
    const client = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  });

  it('ranks a real customer with every source answering', () => {
    expectWellFormed(response, 10);
    expect(response.coldStart).toBe(false);
    for (const source of ['features', 'copurchase', 'popular', 'affinity', 'catalog']) expect(stateOf(response, source), source).toBe(STATE.SOURCE_STATE_OK);
    expect(response.featureAgeMs).toBeGreaterThanOrEqual(0);
  });

  it('makes one trace of the Rank: ranker → parallel client calls → their servers → Cassandra queries', async () => {
    expect(response.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await receiver.waitForTrace(response.traceId, (trace) => {
      const names = new Set(trace.map((span) => `${span.kind}:${span.name}`));
      return DOWNSTREAM.every(([name]) => names.has(`${SERVER}:${name}`) && names.has(`${CLIENT}:${name}`)) && trace.some(isCassandra) && names.has(`${SERVER}:grpc.aisle.ranker.v1.RankerService/Rank`);
    });
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const ancestors = (span: OtlpSpan): OtlpSpan[] => {
      const chain: OtlpSpan[] = [];
      for (let parent = byId.get(span.parentSpanId ?? ''); parent; parent = byId.get(parent.parentSpanId ?? '')) chain.push(parent);
      return chain;
    };
    const describe = () => spans.map((span) => `${span.service} ${span.kind} ${span.name} ${span.spanId} ← ${span.parentSpanId ?? ''}`).join('\n');

    // The root: the ranker's server span (the test's own client is not traced).
    const root = spans.find((span) => span.service === 'ranker' && span.kind === SERVER && span.name === 'grpc.aisle.ranker.v1.RankerService/Rank');
    expect(root, describe()).toBeDefined();
    expect(byId.has(root!.parentSpanId ?? '')).toBe(false);
    for (const span of spans) if (span !== root) expect(ancestors(span), `${span.name} hangs under the root\n${describe()}`).toContain(root);

    // Each downstream: a client span in the ranker, directly under its server span, and the
    // downstream's server span as that client span's child, in the downstream's own process.
    const clientSpans = new Map<string, OtlpSpan>();
    for (const [name, service] of DOWNSTREAM) {
      const client = spans.find((span) => span.service === 'ranker' && span.kind === CLIENT && span.name === name);
      expect(client, `${name}\n${describe()}`).toBeDefined();
      expect(client!.parentSpanId).toBe(root!.spanId);
      const server = spans.find((span) => span.kind === SERVER && span.name === name && span.parentSpanId === client!.spanId);
      expect(server, `${name} server span\n${describe()}`).toBeDefined();
      expect(server!.service).toBe(service);
      clientSpans.set(name, client!);
    }

    // The fan-out ran in parallel: the score-stage calls overlap in time (each started before the other ended).
    const overlap = (a: OtlpSpan, b: OtlpSpan) => BigInt(a.startTimeUnixNano) < BigInt(b.endTimeUnixNano) && BigInt(b.startTimeUnixNano) < BigInt(a.endTimeUnixNano);
    expect(overlap(clientSpans.get(DOWNSTREAM[4]![0])!, clientSpans.get(DOWNSTREAM[2]![0])!), 'Score and BatchGetProducts overlap').toBe(true);
    expect(overlap(clientSpans.get(DOWNSTREAM[3]![0])!, clientSpans.get(DOWNSTREAM[1]![0])!), 'Candidates and Popular overlap').toBe(true);
    // ...and after the user context, which they depend on. Compared to the millisecond: a span time may
    // come truncated to one (a CI run had Candidates start at …352000000 ns, after a user context
    // that ended at …352127438 ns), and a later start can never fall in an earlier millisecond.
    const userContext = clientSpans.get(DOWNSTREAM[0]![0])!;
    const ms = (nanos: string) => BigInt(nanos) / 1_000_000n;
    expect(ms(clientSpans.get(DOWNSTREAM[3]![0])!.startTimeUnixNano)).toBeGreaterThanOrEqual(ms(userContext.endTimeUnixNano));

    // Cassandra query spans sit under the feature service's server span that issued them, named by
    // statement kind and table, with placeholders only: no user data in any statement.
    const queries = spans.filter(isCassandra);
    const userContextServer = spans.find((span) => span.kind === SERVER && span.parentSpanId === userContext.spanId)!;
    const userQueries = queries.filter((span) => ancestors(span).includes(userContextServer));
    expect(userQueries.length, describe()).toBeGreaterThan(0);
    for (const query of queries) {
      expect(query.service).toBe('feature-service');
      expect(ancestors(query).some((span) => span.service === 'feature-service' && span.kind === SERVER), query.name).toBe(true);
      expect(query.name).toMatch(/^(SELECT|INSERT|UPDATE|DELETE|BATCH)( \w+)?$/);
      expect(spanAttribute(query, 'db.collection.name')).toBeTruthy();
    }
    expect(userQueries.map((span) => span.name)).toContain('SELECT user_purchases');
    const userStatement = String(spanAttribute(userQueries.find((span) => span.name === 'SELECT user_purchases')!, 'db.query.text'));
    expect(userStatement).toMatch(/WHERE user_id = \?/);
    // The raw user id appears nowhere in the trace; its hash identifies the user on the root span.
    expect(JSON.stringify(spans)).not.toContain(`"${PROBE_USER}"`);
    expect(JSON.stringify(spans)).not.toMatch(new RegExp(`[^0-9a-f]${PROBE_USER}[^0-9]`));

    // Aisle's attributes on the root span.
    expect(spanAttribute(root!, 'aisle.user.hash')).toBe(hashUserId(PROBE_USER));
    expect(Number(spanAttribute(root!, 'aisle.rank.k'))).toBe(10);
    expect(Number(spanAttribute(root!, 'aisle.candidates.count'))).toBeGreaterThan(0);
    for (const source of ['copurchase', 'repeat', 'popular']) expect(spanAttribute(root!, `aisle.candidates.${source}.count`), source).toBeDefined();
    for (const source of ['features', 'copurchase', 'popular', 'affinity', 'catalog']) expect(spanAttribute(root!, `aisle.source.${source}.state`), source).toBe('OK');
    for (const model of response.models) expect(spanAttribute(root!, `aisle.model.${model.model}.version`), model.model).toBe(model.version);
    const products = spans.find((span) => span.kind === SERVER && span.parentSpanId === clientSpans.get(DOWNSTREAM[2]![0])!.spanId)!;
    expect(Number(spanAttribute(products, 'aisle.cache.products.hits')) + Number(spanAttribute(products, 'aisle.cache.products.misses'))).toBeGreaterThan(0);

    // One JSON log line per request (at debug when it succeeded), carrying the trace id: the ranker's
    // line for this Rank, and the feature service's for the call it served within it.
    const logLine = (logs: string[], method: string) =>
      logs.map((text) => JSON.parse(text) as Record<string, unknown>).find((entry) => entry.msg === 'rpc' && entry.method === method && entry.trace_id === response.traceId);
    expect(logLine(stack.ranker.logs.filter((text) => text.startsWith('{')), '/aisle.ranker.v1.RankerService/Rank'), stack.ranker.logs.join('\n')).toMatchObject({ code: 'OK', span_id: root!.spanId });
    expect(logLine(stack.features.logs.filter((text) => text.startsWith('{')), '/aisle.features.v1.FeatureService/GetUserContext')).toMatchObject({ span_id: userContextServer.spanId });

    // Health checks (the harness probes every service) are never traced.
    expect(receiver.spans.filter((span) => span.name.includes('grpc.health'))).toEqual([]);
  });

  it('serves RPC, model and Rank metrics on each service Prometheus endpoint', async () => {
    const scrape = async (logs: string[]) => {
      const line = logs.find((text) => text.includes('"msg":"metrics endpoint listening"'));
      expect(line, logs.join('\n')).toBeDefined();
      const { metricsAddress } = JSON.parse(line!) as { metricsAddress: string };
      const reply = await fetch(`http://${metricsAddress}/metrics`);
      expect(reply.status).toBe(200);
      return reply.text();
    };
    const rankerMetrics = await scrape(stack.ranker.logs);
    expect(rankerMetrics).toMatch(/^rpc_server_duration\w*_count\{[^}]*rpc_method="\/aisle\.ranker\.v1\.RankerService\/Rank"[^}]*\} [1-9]/m);
    expect(rankerMetrics).toMatch(/^aisle_rank_candidates_count\{[^}]*aisle_candidates_source="copurchase"[^}]*\} [1-9]/m);
    expect(rankerMetrics).toMatch(/^aisle_rank_feature_age\w*_count\{[^}]*\} [1-9]/m);
    const affinityMetrics = await scrape(stack.affinity.logs);
    expect(affinityMetrics).toMatch(/^aisle_model_inference_duration\w*_count\{[^}]*aisle_model_operation="score"[^}]*\} [1-9]/m);
    const featureMetrics = await scrape(stack.features.logs);
    expect(featureMetrics).toMatch(/^aisle_cache_lookups_total\{[^}]*aisle_cache_name="products"[^}]*\} [1-9]/m);
    expect(featureMetrics).toMatch(/^aisle_ingest_lag\w*_count\{[^}]*\} [1-9]/m);
  });
});
