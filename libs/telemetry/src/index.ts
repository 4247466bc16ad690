export { metricsAddress, shutdownTelemetry, startTelemetry } from './bootstrap';
export type { TelemetryOptions } from './bootstrap';
export { createLogger } from './logger';
export type { Logger } from './logger';
export { ATTR, PER, hashUserId } from './attributes';
export { redactLiterals, summarizeStatement } from './redact';
export type { StatementSummary } from './redact';
export { annotateActiveSpan, currentTraceId, detached, meter, tracer, withSpan } from './api';
