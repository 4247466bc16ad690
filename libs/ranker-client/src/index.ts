// The typed client internal backends use to call the ranker: a deadline on every call (300 ms
// unless said otherwise), up to two retries on UNAVAILABLE or RESOURCE_EXHAUSTED (Rank only reads;
// throttled as gRPC's retry throttling does), one channel reused, and the
// caller's credentials: a bearer token and/or TLS (mutual TLS with a client certificate).
import { readFileSync } from 'node:fs';
import { Metadata } from '@grpc/grpc-js';
import { ranker } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';

export type RankRequest = ranker.RankRequest;
export type RankResponse = ranker.RankResponse;

export interface RankerTlsOptions {
  /** PEM CA bundle that signed the ranker's certificate (system roots when absent). */
  caFile?: string;
  /** This caller's certificate and key, for mutual TLS. */
  certFile?: string;
  keyFile?: string;
  /** Name expected in the ranker's certificate when it differs from the address's host. */
  serverName?: string;
}

export interface RankerClientOptions {
  /** Deadline of each call unless the call gives its own (default 300 ms). */
  timeoutMs?: number;
  /**
   * This caller's token, sent as `authorization: Bearer <token>` when the ranker checks callers
   * (AISLE_RANKER_CALLERS_FILE). Load it from a secret file or the environment; use it with TLS.
   */
  token?: string;
  /** TLS to the ranker. Absent: the process's AISLE_TLS_* settings (plaintext when those are unset). */
  tls?: RankerTlsOptions;
}

export interface RankCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  metadata?: Metadata;
}

export interface RankerClient {
  rank(request: Partial<RankRequest> & Pick<RankRequest, 'userId' | 'k'>, options?: RankCallOptions): Promise<RankResponse>;
  close(): void;
}

function tlsSettings(tls: RankerTlsOptions) {
  const read = (path: string | undefined) => (path ? readFileSync(path) : undefined);
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) throw new Error('ranker client: tls.certFile and tls.keyFile go together');
  return { ca: read(tls.caFile), cert: read(tls.certFile), key: read(tls.keyFile), serverName: tls.serverName, clientAuth: 'none' as const };
}

export function createRankerClient(address: string, options: RankerClientOptions = {}): RankerClient {
  const client = createClient(ranker.RankerServiceClient, address, {
    service: 'aisle.ranker.v1.RankerService',
    idempotentMethods: ['Rank'],
    // A shed call was refused before any work; within the caller's deadline it is worth one more try.
    retryShed: true,
    tls: options.tls ? tlsSettings(options.tls) : undefined,
  });
  const defaultTimeout = options.timeoutMs ?? 300;
  const withToken = (metadata: Metadata | undefined) => {
    if (!options.token) return metadata;
    const merged = metadata?.clone() ?? new Metadata();
    merged.set('authorization', `Bearer ${options.token}`);
    return merged;
  };
  return {
    rank: (request, call = {}) =>
      unaryCall(client, client.rank, ranker.RankRequest.fromPartial(request), {
        deadline: Date.now() + (call.timeoutMs ?? defaultTimeout),
        signal: call.signal,
        metadata: withToken(call.metadata),
      }),
    close: () => client.close(),
  };
}
