// A real OTLP/HTTP (JSON) trace receiver for tests: processes under test export their spans to it
// exactly as they would to a Collector (OTEL_EXPORTER_OTLP_ENDPOINT + OTEL_EXPORTER_OTLP_PROTOCOL=http/json).
import { createServer } from 'node:http';

export interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  /** service.name of the process that exported the span. */
  service: string;
}

export interface OtlpReceiver {
  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  endpoint: string;
  /** Environment that makes a process export its traces here, promptly. */
  env: Record<string, string>;
  spans: OtlpSpan[];
  /** Names of the metrics received on /v1/metrics (OTLP/HTTP JSON), in arrival order. */
  metricNames: string[];
  /** Resolves with the spans of `traceId` once `done` accepts them, or rejects after `timeoutMs`. */
  waitForTrace(traceId: string, done: (spans: OtlpSpan[]) => boolean, timeoutMs?: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

type MetricsPayload = { resourceMetrics?: { scopeMetrics?: { metrics?: { name: string }[] }[] }[] };
type Payload = { resourceSpans?: { resource?: { attributes?: OtlpSpan['attributes'] }; scopeSpans?: { spans?: Omit<OtlpSpan, 'service'>[] }[] }[] };

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: OtlpSpan[] = [];
  const metricNames: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Payload;
        for (const resource of payload.resourceSpans ?? []) {
          const service = String(Object.values(resource.resource?.attributes?.find((entry) => entry.key === 'service.name')?.value ?? {})[0] ?? '');
          for (const scope of resource.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ ...span, service });
        }
      } else if (request.url === '/v1/metrics') {
        const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as MetricsPayload;
        for (const resource of payload.resourceMetrics ?? []) for (const scope of resource.scopeMetrics ?? []) for (const metric of scope.metrics ?? []) metricNames.push(metric.name);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    endpoint,
    env: {
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    },
    spans,
    metricNames,
    async waitForTrace(traceId, done, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const trace = spans.filter((span) => span.traceId === traceId);
        if (done(trace)) return trace;
        if (Date.now() > until) throw new Error(`trace ${traceId} incomplete after ${timeoutMs} ms: ${trace.map((span) => `${span.service}:${span.name}`).join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A span attribute's value, whatever its OTLP type. */
export function spanAttribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}
