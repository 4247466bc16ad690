import { ROOT_CONTEXT, SpanStatusCode, context, metrics, trace, type Attributes, type Meter, type Span } from '@opentelemetry/api';

/** Aisle's tracer; a no-op until the bootstrap has started the SDK. */
export const tracer = trace.getTracer('aisle');

/**
 * Aisle's meter. The metrics API has no proxy provider: a meter taken before the SDK starts stays a
 * no-op forever, and this module is loaded by the bootstrap itself. So every call is forwarded to the
 * meter of the provider registered now; instruments are created at service module load, after the
 * bootstrap ran.
 */
export const meter: Meter = new Proxy({} as Meter, {
  get(_target, property: keyof Meter) {
    const current = metrics.getMeter('aisle');
    const value = current[property];
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
  },
});

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

/**
 * Adds attributes to the active span (the server span of the current call) if it is recording. Pass a
 * function when building them costs something (hashing, mapping): it runs only for a recording span,
 * so with tracing off or the call not sampled the hot path builds nothing.
 */
export function annotateActiveSpan(attributes: Attributes | (() => Attributes)): void {
  const span = trace.getActiveSpan();
  if (!span?.isRecording()) return;
  span.setAttributes(typeof attributes === 'function' ? attributes() : attributes);
}

/**
 * Runs `fn` outside any trace: background work started from a request (a batch flush, a shadow
 * scoring) must not become part of that request's trace.
 */
export function detached<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}
