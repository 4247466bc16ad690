// Loaded first by main.ts, so grpc-js and cassandra-driver are patched before anything requires them.
import { startTelemetry } from '@aisle/telemetry';

startTelemetry({ serviceName: 'feature-service' });
