import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';

type ServerSurfaceCall = Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'metadata' | 'once' | 'removeListener' | 'cancelled'>;

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

/**
 * The context of one call. Its signal is made when something first asks for it: most calls never do
 * (a feature read, a reused Rank answer), and for them no AbortController, deadline timer or cancel
 * listener is made at all (together several microseconds a call, on every call of every service). A
 * signal first asked for late starts aborted if the caller has gone, the deadline has passed or the
 * server is draining; one first asked for after the call was disposed never aborts.
 */
class ServerCallContext implements CallContext {
  private controller: AbortController | undefined;
  private disposed = false;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly call: ServerSurfaceCall,
    private readonly drain: AbortSignal,
    readonly deadline: number,
    readonly method: string,
    readonly caller: string | undefined,
  ) {}

  get metadata(): Metadata {
    return this.call.metadata;
  }

  get signal(): AbortSignal {
    return (this.controller ??= this.watch()).signal;
  }

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  dispose(): void {
    this.disposed = true;
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  private watch(): AbortController {
    const made = new AbortController();
    if (this.disposed) return made;
    const abort = (reason: string) => made.abort(new Error(reason));
    const { call, drain, deadline } = this;
    const already = notStartedReason(call, this) ?? (drain.aborted ? 'server draining' : undefined);
    if (already) abort(already);
    else {
      const timer = setTimeout(() => abort('deadline exceeded'), Math.max(0, deadline - Date.now()));
      timer.unref();
      const onCancel = () => abort('cancelled by caller');
      call.once('cancelled', onCancel);
      const stopWatchingDrain = onDrain(drain, () => abort('server draining'));
      this.stopWatching = () => {
        clearTimeout(timer);
        call.removeListener('cancelled', onCancel);
        stopWatchingDrain();
      };
    }
    return made;
  }
}

/** Builds the context of one call and returns a disposer that stops its watching (if it began). */
export function createCallContext(call: ServerSurfaceCall, method: string, maxDeadlineMs: number, drain: AbortSignal, caller?: string): [CallContext, () => void] {
  const now = Date.now();
  const callerDeadline = call.getDeadline();
  const callerMs = callerDeadline instanceof Date ? callerDeadline.getTime() : Number(callerDeadline);
  const deadline = Number.isFinite(callerMs) && callerMs > 0 ? Math.min(callerMs, now + maxDeadlineMs) : now + maxDeadlineMs;
  const context = new ServerCallContext(call, drain, deadline, method, caller);
  return [context, () => context.dispose()];
}

/**
 * Why a call should not be started at all, without making its signal: its caller has gone or its
 * deadline has passed (a call that waited in the queue until then is not worth any work).
 */
export function notStartedReason(call: ServerSurfaceCall, context: Pick<CallContext, 'deadline'>): string | undefined {
  if (call.cancelled) return 'cancelled by caller';
  if (context.deadline <= Date.now()) return 'deadline exceeded';
  return undefined;
}
