import { SpanStatusCode, metrics, trace, type Attributes, type Span } from '@opentelemetry/api';

/** Aisle's tracer and meter; no-ops until the bootstrap has started the SDK. */
export const tracer = trace.getTracer('aisle');
export const meter = metrics.getMeter('aisle');

/** The active span's trace id, or '' when nothing is traced. */
export function currentTraceId(): string {
  const context = trace.getActiveSpan()?.spanContext();
  return context && trace.isSpanContextValid(context) ? context.traceId : '';
}

/** Runs `fn` inside a new active span that records failures and always ends. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes to the active span (the server span of the current call), if any. */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
