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

// The calls in flight on a server, each aborted when the server drains. One listener on the drain
// signal serves them all: a listener per call put as many listeners on that one signal as calls in
// flight (Node warns of a leak past ten) and cost an EventTarget add and remove per call.
const drainWatchers = new WeakMap<AbortSignal, Set<() => void>>();

function onDrain(drain: AbortSignal, abort: () => void): () => void {
  let watchers = drainWatchers.get(drain);
  if (!watchers) {
    const all = new Set<() => void>();
    drain.addEventListener('abort', () => all.forEach((watcher) => watcher()), { once: true });
    drainWatchers.set(drain, (watchers = all));
  }
  watchers.add(abort);
  return () => watchers.delete(abort);
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
  const stopWatchingDrain = onDrain(drain, () => abort('server draining'));
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
      stopWatchingDrain();
    },
  ];
}
