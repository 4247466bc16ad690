export { startTelemetry, shutdownTelemetry } from './bootstrap';
export type { TelemetryOptions } from './bootstrap';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { ATTR, hashUserId } from './attributes';
export { annotateActiveSpan, currentTraceId, meter, tracer, withSpan } from './api';
