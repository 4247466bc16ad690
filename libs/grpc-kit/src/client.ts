// The one client factory: keepalive, message limits, retries (throttled) only for methods declared idempotent,
// TLS from AISLE_TLS_* unless told otherwise, and promise-returning calls that always carry a deadline.
import type { TlsSettings } from '@aisle/config';
import { channelSecurity, defaultChannelSecurity } from './tls';
import { Metadata, type CallOptions, type ChannelCredentials, type Client, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';

export interface ClientOptions {
  /** Fully-qualified service name, e.g. "aisle.features.v1.FeatureService". */
  service: string;
  /** Methods safe to retry on UNAVAILABLE (reads, idempotent writes), by their proto name. */
  idempotentMethods?: string[];
  /**
   * Also retry those methods when the server sheds them (RESOURCE_EXHAUSTED: refused before any work
   * was done). For callers with a budget to spare; a ranker fanning out on tight stage budgets has none.
   */
  retryShed?: boolean;
  /** Explicit channel credentials; take precedence over `tls`. */
  credentials?: ChannelCredentials;
  /** TLS of this channel; when neither this nor `credentials` is given, AISLE_TLS_* decide (plaintext when unset). */
  tls?: TlsSettings;
  maxReceiveMessageBytes?: number;
}

type ClientConstructor<C> = new (address: string, credentials: ChannelCredentials, options: Record<string, unknown>) => C;

export function createClient<C extends Client>(Constructor: ClientConstructor<C>, address: string, options: ClientOptions): C {
  const serviceConfig = {
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: options.idempotentMethods?.length
      ? [
          {
            name: options.idempotentMethods.map((method) => ({ service: options.service, method })),
            retryPolicy: {
              maxAttempts: 3,
              initialBackoff: '0.01s',
              maxBackoff: '0.2s',
              backoffMultiplier: 2,
              retryableStatusCodes: options.retryShed ? ['UNAVAILABLE', 'RESOURCE_EXHAUSTED'] : ['UNAVAILABLE'],
            },
          },
        ]
      : [],
    // gRPC retry throttling (A6): each failed call spends a token, each success earns a tenth of one,
    // and retries stop while fewer than half of the 10 remain, so a server that is down or shedding
    // most calls is not sent up to three times the load.
    retryThrottling: { maxTokens: 10, tokenRatio: 0.1 },
  };
  const security = options.credentials ? { credentials: options.credentials, options: {} } : options.tls ? channelSecurity(options.tls) : defaultChannelSecurity();
  return new Constructor(address, security.credentials, {
    ...security.options,
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 16 * 1024 * 1024,
    'grpc.enable_retries': 1,
    // No channelz bookkeeping per call (nothing here serves channelz). Servers keep it: with it off,
    // grpc-js (1.14) stops tracking sessions, and forceShutdown, which ends a drain, no longer cancels
    // the calls still in flight.
    'grpc.enable_channelz': 0,
  });
}

export interface CallSettings {
  /** Absolute deadline, ms since the epoch. Required: no Aisle call waits forever. */
  deadline: number;
  /** Cancels the call when aborted (e.g. the caller's own call was cancelled). */
  signal?: AbortSignal;
  metadata?: Metadata;
}

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;

/** Calls a unary method of `client` and resolves with its response. */
export function unaryCall<Req, Res>(client: Client, method: UnaryMethod<Req, Res>, request: Req, settings: CallSettings): Promise<Res> {
  return new Promise((resolve, reject) => {
    const call = method.call(client, request, settings.metadata ?? new Metadata(), { deadline: settings.deadline }, (error, response) => {
      settings.signal?.removeEventListener('abort', cancel);
      if (error) reject(error);
      else resolve(response);
    });
    const cancel = () => call.cancel();
    if (settings.signal?.aborted) call.cancel();
    else settings.signal?.addEventListener('abort', cancel, { once: true });
  });
}

/** A deadline `budgetMs` from now, never later than `parentDeadline`. */
export function deadlineWithin(parentDeadline: number, budgetMs: number): number {
  return Math.min(parentDeadline, Date.now() + budgetMs);
}
