// The typed client internal backends use to call the ranker: a deadline on every call (300 ms
// unless said otherwise), retries on UNAVAILABLE (Rank only reads), one channel reused.
import type { Metadata } from '@grpc/grpc-js';
import { ranker } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';

export type RankRequest = ranker.RankRequest;
export type RankResponse = ranker.RankResponse;

export interface RankerClientOptions {
  /** Deadline of each call unless the call gives its own (default 300 ms). */
  timeoutMs?: number;
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

export function createRankerClient(address: string, options: RankerClientOptions = {}): RankerClient {
  const client = createClient(ranker.RankerServiceClient, address, { service: 'aisle.ranker.v1.RankerService', idempotentMethods: ['Rank'] });
  const defaultTimeout = options.timeoutMs ?? 300;
  return {
    rank: (request, call = {}) =>
      unaryCall(client, client.rank, ranker.RankRequest.fromPartial(request), {
        deadline: Date.now() + (call.timeoutMs ?? defaultTimeout),
        signal: call.signal,
        metadata: call.metadata,
      }),
    close: () => client.close(),
  };
}
