// The OpenTelemetry bootstrap every service loads before its own code (from its `instrumentation.ts`,
// the first import of `main.ts`), so grpc-js and cassandra-driver are patched when they are required.
// Exporters, sampling and resource attributes come from the standard OTEL_* variables
// (OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_SAMPLER, OTEL_METRICS_EXPORTER=prometheus, ...).
import { CassandraDriverInstrumentation } from '@opentelemetry/instrumentation-cassandra-driver';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface TelemetryOptions {
  /** service.name, unless OTEL_SERVICE_NAME overrides it. */
  serviceName: string;
  serviceVersion?: string;
}

// Health probes and reflection run every few seconds; tracing them would bury real calls.
const UNTRACED_METHODS = ['Check', 'Watch', 'ServerReflectionInfo'];

let sdk: NodeSDK | undefined;

export function startTelemetry(options: TelemetryOptions): void {
  if (sdk) return;
  process.env.OTEL_SERVICE_NAME ??= options.serviceName;
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME,
    instrumentations: [
      new GrpcInstrumentation({ ignoreGrpcMethods: UNTRACED_METHODS }),
      // enhancedDatabaseReporting would attach bound values (user ids) to spans: keep it off.
      new CassandraDriverInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
}

/** Flushes and stops exporters; called once by the service's shutdown path. */
export async function shutdownTelemetry(): Promise<void> {
  const current = sdk;
  sdk = undefined;
  await current?.shutdown();
}
