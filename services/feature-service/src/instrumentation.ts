// Loaded first by main.ts, so grpc-js and cassandra-driver are patched before anything requires them.
import { METRICS_PORTS } from '@aisle/config';
import { startTelemetry } from '@aisle/telemetry';

startTelemetry({ serviceName: 'feature-service', metricsPort: METRICS_PORTS.features });
