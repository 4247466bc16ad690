// Loaded first by main.ts: OpenTelemetry must patch grpc-js before anything requires it.
import { startTelemetry } from '@aisle/telemetry';

startTelemetry({ serviceName: 'affinity-model-service' });
