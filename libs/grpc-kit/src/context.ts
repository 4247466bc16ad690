import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';

type ServerSurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'metadata' | 'once' | 'removeListener'>;

/** What a handler knows about its call besides the request. */
export interface CallContext {
  /** Absolute deadline (ms since the epoch): the caller's, capped by the server's maximum. */
  readonly deadline: number;
  /** Aborted when the caller cancels, the deadline passes or the server drains. */
  readonly signal: AbortSignal;
  readonly metadata: Metadata;
  /** Full method path, e.g. "/aisle.ranker.v1.RankerService/Rank". */
  readonly method: string;
  /** The authenticated caller's name, when the server checks callers. */
  readonly caller?: string;
  /** Milliseconds left before the deadline (never negative). */
  remainingMs(): number;
}

/** Builds the context of one call and returns a disposer that clears its timer. */
export function createCallContext(call: ServerSurfaceCall, method: string, maxDeadlineMs: number, drain: AbortSignal, caller?: string): [CallContext, () => void] {
  const now = Date.now();
  const callerDeadline = call.getDeadline();
  const callerMs = callerDeadline instanceof Date ? callerDeadline.getTime() : Number(callerDeadline);
  const deadline = Number.isFinite(callerMs) && callerMs > 0 ? Math.min(callerMs, now + maxDeadlineMs) : now + maxDeadlineMs;

  const controller = new AbortController();
  const abort = (reason: string) => controller.abort(new Error(reason));
  const timer = setTimeout(() => abort('deadline exceeded'), Math.max(0, deadline - now));
  timer.unref();
  const onCancel = () => abort('cancelled by caller');
  call.once('cancelled', onCancel);
  const onDrain = () => abort('server draining');
  drain.addEventListener('abort', onDrain, { once: true });
  // A call that waited in the queue until its caller gave up starts aborted, so no work is done for it.
  if ((call as { cancelled?: boolean }).cancelled) abort('cancelled by caller');
  else if (deadline <= now) abort('deadline exceeded');

  const context: CallContext = {
    deadline,
    signal: controller.signal,
    metadata: call.metadata,
    method,
    caller,
    remainingMs: () => Math.max(0, deadline - Date.now()),
  };
  return [
    context,
    () => {
      clearTimeout(timer);
      call.removeListener('cancelled', onCancel);
      drain.removeEventListener('abort', onDrain);
    },
  ];
}
