// The OpenTelemetry bootstrap every service loads before its own code (from its `instrumentation.ts`,
// the first import of `main.ts`), so grpc-js and cassandra-driver are patched when they are required.
// Traces, sampling and resource attributes come from the standard OTEL_* variables
// (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER=parentbased_traceidratio, ...).
// Metrics go two ways at once: pushed over OTLP (OTEL_METRICS_EXPORTER=otlp|console|none) and served
// for scraping in the Prometheus text format on AISLE_METRICS_PORT (/metrics).
import { createServer, type Server } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter as OtlpGrpcMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CassandraDriverInstrumentation } from '@opentelemetry/instrumentation-cassandra-driver';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type IMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { createLogger } from './logger';
import { describeCassandraSpans } from './redact';

export interface TelemetryOptions {
  /** service.name, unless OTEL_SERVICE_NAME overrides it. */
  serviceName: string;
  serviceVersion?: string;
  /** Port of the Prometheus scrape endpoint when AISLE_METRICS_PORT is not set (see METRICS_PORTS). */
  metricsPort: number;
}

// Health probes and reflection run every few seconds; tracing them would bury real calls.
const UNTRACED_METHODS = ['Check', 'Watch', 'ServerReflectionInfo'];

let sdk: NodeSDK | undefined;
let metricsServer: Server | undefined;
let metricsListening: Promise<string | undefined> = Promise.resolve(undefined);

/** host:port of this process's Prometheus endpoint once it listens; undefined when it is off. */
export function metricsAddress(): Promise<string | undefined> {
  return metricsListening;
}

export function startTelemetry(options: TelemetryOptions): void {
  if (sdk) return;
  process.env.OTEL_SERVICE_NAME ??= options.serviceName;
  const readers: IMetricReader[] = pushReaders();
  const scrape = metricsEndpoint(options.metricsPort);
  if (scrape) readers.push(scrape.exporter);
  // With no trace exporter (OTEL_TRACES_EXPORTER=none) nothing is traced, so the instrumentations and
  // the async context manager are not installed either: an untraced service then pays nothing per call
  // for span plumbing (async context tracking alone hooks every promise). Metrics are unaffected.
  const tracing = (process.env.OTEL_TRACES_EXPORTER ?? '').trim() !== 'none';
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME,
    metricReaders: readers,
    instrumentations: tracing
      ? [
          new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_METHODS }),
          // Its own statement reporting stays off: query spans get kind, table and redacted text instead.
          describeCassandraSpans(new CassandraDriverInstrumentation({ enhancedDatabaseReporting: false })),
        ]
      : [],
    // null: register no context manager (sdk-node's setupContextManager); its type only admits one.
    ...(tracing ? {} : { contextManager: null as unknown as undefined }),
  });
  sdk.start();
  if (scrape) metricsServer = scrape.listen();
}

/** Flushes and stops exporters; called once by the service's shutdown path. */
export async function shutdownTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  const server = metricsServer;
  metricsServer = undefined;
  await Promise.all([current?.shutdown(), server && new Promise<void>((resolve) => server.close(() => resolve()))]);
}

/** OTLP (or console) push exporters named by OTEL_METRICS_EXPORTER (default otlp; `none` = no push). */
function pushReaders(): IMetricReader[] {
  const names = (process.env.OTEL_METRICS_EXPORTER ?? 'otlp').split(',').map((name) => name.trim()).filter(Boolean);
  if (names.includes('none')) return [];
  const interval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000;
  const timeout = Math.min(Number(process.env.OTEL_METRIC_EXPORT_TIMEOUT) || 30_000, interval);
  const reader = (exporter: PushMetricExporter) => new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: interval, exportTimeoutMillis: timeout });
  return names.flatMap((name) => {
    if (name === 'otlp') return [reader(otlpMetricExporter())];
    if (name === 'console') return [reader(new ConsoleMetricExporter())];
    throw new Error(`OTEL_METRICS_EXPORTER: unsupported exporter "${name}" (otlp, console or none; the Prometheus endpoint is AISLE_METRICS_PORT)`);
  });
}

function otlpMetricExporter(): PushMetricExporter {
  const protocol = (process.env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? '').trim() || 'http/protobuf';
  if (protocol === 'grpc') return new OtlpGrpcMetricExporter();
  if (protocol === 'http/json') return new OtlpJsonMetricExporter();
  if (protocol === 'http/protobuf') return new OtlpProtoMetricExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: unsupported protocol "${protocol}" (grpc, http/protobuf or http/json)`);
}

/**
 * The Prometheus scrape endpoint: AISLE_METRICS_PORT (default `fallbackPort`; 0 = any free port, `off`
 * = none) on AISLE_BIND_HOST. Served by a plain HTTP server so that port 0 works and the bound
 * address is logged ("metrics endpoint listening").
 */
function metricsEndpoint(fallbackPort: number): { exporter: PrometheusExporter; listen(): Server } | undefined {
  const raw = (process.env.AISLE_METRICS_PORT ?? String(fallbackPort)).trim();
  if (raw === 'off') return undefined;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65_535) throw new Error(`AISLE_METRICS_PORT: expected a port number (0 = any free port) or "off", got "${raw}"`);
  const host = process.env.AISLE_BIND_HOST ?? '127.0.0.1';
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const listen = () => {
    const log = createLogger(process.env.OTEL_SERVICE_NAME ?? 'telemetry');
    const server = createServer((request, response) => {
      if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') exporter.getMetricsRequestHandler(request, response);
      else response.writeHead(404).end();
    });
    metricsListening = new Promise((resolve) => {
      server.once('error', (error) => {
        log.error({ err: error }, 'metrics endpoint failed');
        resolve(undefined);
      });
      server.listen(port, host, () => {
        const address = server.address();
        const metricsAddress = typeof address === 'object' && address ? `${host}:${address.port}` : String(address);
        log.info({ metricsAddress }, 'metrics endpoint listening');
        resolve(metricsAddress);
      });
    });
    server.unref();
    return server;
  };
  return { exporter, listen };
}
