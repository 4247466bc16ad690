// Loaded first by main.ts: OpenTelemetry must patch grpc-js before anything requires it.
import { METRICS_PORTS } from '@aisle/config';
import { startTelemetry } from '@aisle/telemetry';

startTelemetry({ serviceName: 'affinity-model-service', metricsPort: METRICS_PORTS.affinity });
