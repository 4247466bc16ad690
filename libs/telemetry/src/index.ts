export { startTelemetry, shutdownTelemetry } from './bootstrap';
export type { TelemetryOptions } from './bootstrap';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { ATTR, hashUserId } from './attributes';
export { meter, tracer, currentTraceId, withSpan } from './api';
