// What the bench asks a load-generator process to do, and what it answers: plain data over IPC.
import type { RawPhase } from './stats';

/** What a job calls. Every gRPC target is called over its own grpc-js channel from the load process. */
export type Target =
  | { kind: 'echo'; address: string }
  /** `fresh`: every answer computed (RankOptions.fresh), none reused from the ranker's answer cache. */
  | { kind: 'rank'; address: string; users: string[]; fresh?: boolean }
  | { kind: 'getUserContext'; address: string; users: string[] }
  | { kind: 'batchGetProducts'; address: string; productIds: string[] }
  | { kind: 'candidates'; address: string; featuresAddress: string; users: string[] }
  | { kind: 'affinityScore'; address: string; featuresAddress: string; users: string[]; productIds: string[] }
  /** The blend and page selection of one Rank, in the load process itself (no I/O). */
  | { kind: 'blend'; productIds: string[] }
  /** GetUserContext's store read, in the load process itself, on the store these variables name. */
  | { kind: 'storeRead'; storeEnv: Record<string, string>; users: string[] };

export type Shape = { kind: 'closed'; concurrency: number } | { kind: 'open'; rate: number };

export interface Job {
  target: Target;
  shape: Shape;
  seconds: number;
  /** Deadline of every gRPC call, ms after it is issued. */
  deadlineMs: number;
}

export type WorkerRequest = { id: number; job: Job } | { id: number; close: true };
export type WorkerResponse = { id: number; result: RawPhase } | { id: number; error: string };
