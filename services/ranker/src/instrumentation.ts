// Loaded first by main.ts: OpenTelemetry must patch grpc-js before anything requires it.
import { METRICS_PORTS } from '@aisle/config';
import { startTelemetry } from '@aisle/telemetry';

startTelemetry({ serviceName: 'ranker', metricsPort: METRICS_PORTS.ranker });
