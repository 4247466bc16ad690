// Runs one downstream call and turns its outcome into a per-source status instead of an exception:
// the ranker fails open, so a source's failure is data for the response, not an error.
import { status } from '@grpc/grpc-js';
import { common } from '@aisle/contracts';
import { isServiceError } from '@aisle/grpc-kit';

export type SourceState = 'OK' | 'TIMEOUT' | 'FAILED' | 'FALLBACK' | 'SKIPPED';

export interface SourceOutcome<T> {
  state: SourceState;
  value?: T;
  detail: string;
  latencyMs: number;
}

export async function callSource<T>(call: () => Promise<T>): Promise<SourceOutcome<T>> {
  const started = performance.now();
  try {
    const value = await call();
    return { state: 'OK', value, detail: '', latencyMs: performance.now() - started };
  } catch (error) {
    const latencyMs = performance.now() - started;
    if (isServiceError(error)) {
      const timedOut = error.code === status.DEADLINE_EXCEEDED || error.code === status.CANCELLED;
      return { state: timedOut ? 'TIMEOUT' : 'FAILED', detail: `${status[error.code]}: ${error.details}`, latencyMs };
    }
    return { state: 'FAILED', detail: (error as Error).message, latencyMs };
  }
}

export function skipped<T>(detail: string): SourceOutcome<T> {
  return { state: 'SKIPPED', detail, latencyMs: 0 };
}

const STATE_TO_PROTO: Record<SourceState, common.SourceState> = {
  OK: common.SourceState.SOURCE_STATE_OK,
  TIMEOUT: common.SourceState.SOURCE_STATE_TIMEOUT,
  FAILED: common.SourceState.SOURCE_STATE_FAILED,
  FALLBACK: common.SourceState.SOURCE_STATE_FALLBACK,
  SKIPPED: common.SourceState.SOURCE_STATE_SKIPPED,
};

export function toSourceStatus(source: string, outcome: SourceOutcome<unknown>): common.SourceStatus {
  return { source, state: STATE_TO_PROTO[outcome.state], detail: outcome.detail, latencyMs: Math.round(outcome.latencyMs * 1000) / 1000 };
}
