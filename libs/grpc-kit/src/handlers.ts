// Turns async handlers `(request, context) => Promise<response>` into grpc-js handlers. This is the
// single place where errors become statuses, calls are logged (succeeded ones at debug) and timed,
// callers are checked and load is shed.
import { Metadata, status, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedHandleCall } from '@grpc/grpc-js';
import { hasUnknownFields } from '@aisle/contracts';
import { currentTraceId, meter, type Logger } from '@aisle/telemetry';
import type { Authenticate } from './auth';
import { createCallContext, notStartedReason, type CallContext } from './context';
import { DeadlineExceededError, InvalidArgumentError, toStatus } from './errors';
import type { OverloadGuard } from './overload';

export type UnaryHandler<Req, Res> = (request: Req, context: CallContext) => Promise<Res>;
export type ServerStreamHandler<Req, Res> = (request: Req, context: CallContext) => AsyncIterable<Res>;

interface MethodShape {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestDeserialize: (buffer: Buffer) => unknown;
  responseSerialize: (value: never) => Buffer;
}
type RequestOf<M> = M extends { requestDeserialize: (buffer: Buffer) => infer R } ? R : never;
type ResponseOf<M> = M extends { responseSerialize: (value: infer R) => Buffer } ? R : never;

/** The async implementation of a ts-proto service definition (unary and server-streaming methods). */
export type AsyncService<S> = {
  [K in keyof S]: S[K] extends { responseStream: true } ? ServerStreamHandler<RequestOf<S[K]>, ResponseOf<S[K]>> : UnaryHandler<RequestOf<S[K]>, ResponseOf<S[K]>>;
};

export interface HandlerOptions {
  logger: Logger;
  /** Cap on any call's deadline, so a caller without one cannot hold resources forever. */
  maxDeadlineMs: number;
  /** Calls in flight beyond this are refused with RESOURCE_EXHAUSTED (0 = unlimited). */
  maxConcurrentCalls: number;
  /** Aborted when the server starts draining. */
  drain: AbortSignal;
  /** Calls in flight, shared by every service of one server (the limit is per server). */
  load: { inFlight: number };
  /** Refuses a share of new calls while the event loop runs late (absent = never). */
  overload?: OverloadGuard;
  /** Checks the caller before anything else; returns its name (absent = no caller authentication). */
  authenticate?: Authenticate;
}

/** What a request that could not be decoded becomes, so that it is refused as INVALID_ARGUMENT, not INTERNAL. */
class UndecodableRequest {
  constructor(readonly reason: string) {}
}

/**
 * The definition with a deserializer that never throws. grpc-js answers a throwing deserializer with
 * INTERNAL, but bytes that are not a valid message (truncated, wrong wire types, int64 beyond 2^53)
 * are the caller's mistake: the handler wrapper refuses them with INVALID_ARGUMENT naming "request".
 */
export function tolerantDefinition<S extends Record<string, MethodShape>>(definition: S): S {
  const copy: Record<string, MethodShape> = {};
  for (const [name, method] of Object.entries(definition)) {
    copy[name] = {
      ...method,
      requestDeserialize: (buffer: Buffer) => {
        try {
          return method.requestDeserialize(buffer);
        } catch (error) {
          return new UndecodableRequest(error instanceof Error ? error.message : String(error));
        }
      },
    };
  }
  return copy as S;
}

type AuthContextCall = { getAuthContext?: () => { sslPeerCertificate?: import('node:tls').PeerCertificate } | null };

const rpcDuration = meter.createHistogram('rpc.server.duration', {
  description: 'Duration of Aisle RPCs handled by this server',
  unit: 'ms',
  advice: { explicitBucketBoundaries: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000] },
});
const shedCalls = meter.createCounter('aisle.rpc.shed', { description: 'Calls refused with RESOURCE_EXHAUSTED, by reason (concurrency limit, event-loop delay)' });

/** Wraps every method of `implementation` for `definition`. */
export function bindService<S extends Record<string, MethodShape>>(definition: S, implementation: AsyncService<S>, options: HandlerOptions): Record<string, UntypedHandleCall> {
  const bound: Record<string, UntypedHandleCall> = {};
  const { load } = options;
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name as keyof S] as unknown;
    // Checked before anything else is done for the call, and refused without building an Error: under
    // overload refusing must cost far less than serving.
    const shed = (): Partial<import('@grpc/grpc-js').ServiceError> | undefined => {
      if (options.maxConcurrentCalls > 0 && load.inFlight >= options.maxConcurrentCalls) {
        shedCalls.add(1, { 'rpc.method': method.path, reason: 'concurrency' });
        return { code: status.RESOURCE_EXHAUSTED, details: `server at its limit of ${options.maxConcurrentCalls} concurrent calls` };
      }
      if (options.overload?.shed()) {
        shedCalls.add(1, { 'rpc.method': method.path, reason: 'event_loop_delay' });
        const { delayMs, turnMs } = options.overload;
        return { code: status.RESOURCE_EXHAUSTED, details: `server overloaded (its event loop runs ${Math.round(delayMs)} ms late; this turn has run ${Math.round(turnMs)} ms)` };
      }
      return undefined;
    };
    const run = async (call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>, body: (context: CallContext) => Promise<void>) => {
      const started = performance.now();
      let code: status = status.OK;
      load.inFlight++;
      let caller: string | undefined;
      let dispose = () => undefined as void;
      try {
        if (options.authenticate) caller = options.authenticate(call.metadata, (call as AuthContextCall).getAuthContext?.()?.sslPeerCertificate, method.path);
        if (call.request instanceof UndecodableRequest) throw new InvalidArgumentError('request', `is not a valid message for ${method.path} (${call.request.reason})`);
        if (hasUnknownFields(call.request)) throw new InvalidArgumentError('request', 'contains fields this API does not define');
        const [context, disposeContext] = createCallContext(call, method.path, options.maxDeadlineMs, options.drain, caller);
        dispose = disposeContext;
        // Under overload calls queue up; one whose caller has already gone is not worth starting.
        const late = notStartedReason(call, context);
        if (late) throw new DeadlineExceededError(`not started: ${late} before the server reached it`);
        await body(context);
      } catch (error) {
        code = toStatus(error).code;
        throw error;
      } finally {
        load.inFlight--;
        dispose();
        const ms = performance.now() - started;
        rpcDuration.record(ms, { 'rpc.method': method.path, 'rpc.grpc.status_code': code });
        // One line per call: at debug when it succeeded (thousands a second; rpc.server.duration counts
        // them), at info when it did not.
        const level = code === status.OK ? 'debug' : 'info';
        if (options.logger.isLevelEnabled(level)) options.logger[level]({ method: method.path, code: status[code], ms: Math.round(ms * 100) / 100, ...(caller ? { caller } : {}) }, 'rpc');
      }
    };
    const fail = (error: unknown, reply: (error: Partial<import('@grpc/grpc-js').ServiceError>) => void) => {
      const mapped = toStatus(error);
      if (mapped.internal) options.logger.error({ err: error, method: method.path }, 'unhandled error in handler');
      reply({ code: mapped.code, details: mapped.details, metadata: mapped.metadata });
    };

    if (method.requestStream) throw new Error(`${method.path}: client-streaming methods are not supported`);
    if (method.responseStream) {
      const stream = handler as ServerStreamHandler<unknown, unknown>;
      bound[name] = (call: ServerWritableStream<unknown, unknown>) => {
        const refused = shed();
        if (refused) return void call.emit('error', refused);
        run(call, async (context) => {
          for await (const message of stream(call.request, context)) {
            if (context.signal.aborted) throw context.signal.reason;
            if (!call.write(message)) await new Promise((resolve) => call.once('drain', resolve));
          }
        }).then(
          () => call.end(),
          (error) => fail(error, (serviceError) => call.emit('error', serviceError)),
        );
      };
    } else {
      const unary = handler as UnaryHandler<unknown, unknown>;
      bound[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        const refused = shed();
        if (refused) return callback(refused);
        let response: unknown;
        // The trace id travels back as a trailer, so any caller can find the trace of its call.
        const trailer = new Metadata();
        run(call, async (context) => {
          response = await unary(call.request, context);
          const traceId = currentTraceId();
          if (traceId) trailer.set('x-trace-id', traceId);
        }).then(
          () => callback(null, response, trailer),
          (error) => fail(error, (serviceError) => callback(serviceError)),
        );
      };
    }
  }
  return bound;
}
