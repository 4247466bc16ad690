// Streams a dataset into Ingest in batches, several batches in flight, and tallies the outcome.
import { LineNumbering, toTransactionLine, type RetailLine } from '@aisle/retail-data';
import type { features } from '@aisle/contracts';
import { skipReason, type SkipReason } from './to-lines';

export type IngestFn = (lines: features.TransactionLine[]) => Promise<Pick<features.IngestResponse, 'applied' | 'duplicates' | 'rejected'>>;

export interface LoadOptions {
  batchSize: number;
  concurrency: number;
  /** Stop after this many file records (a slice); undefined = the whole file. */
  limit?: number;
  onProgress?: (tally: LoadTally) => void;
}

export interface LoadTally {
  read: number;
  skipped: Record<SkipReason, number>;
  sent: number;
  applied: number;
  duplicates: number;
  rejected: number;
}

export async function loadLines(source: AsyncIterable<RetailLine>, ingest: IngestFn, options: LoadOptions): Promise<LoadTally> {
  const tally: LoadTally = { read: 0, skipped: { cancellation: 0, anonymous: 0, 'not-clean': 0 }, sent: 0, applied: 0, duplicates: 0, rejected: 0 };
  const numbering = new LineNumbering();
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const send = async (batch: features.TransactionLine[]) => {
    const response = await ingest(batch);
    tally.sent += batch.length;
    tally.applied += response.applied;
    tally.duplicates += response.duplicates;
    tally.rejected += response.rejected.length;
    options.onProgress?.(tally);
  };
  const dispatch = async (batch: features.TransactionLine[]) => {
    const pending: Promise<void> = send(batch).catch((error: unknown) => void (failure ??= error)).finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    if (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
  };

  let batch: features.TransactionLine[] = [];
  for await (const line of source) {
    if (options.limit !== undefined && tally.read >= options.limit) break;
    tally.read++;
    const lineId = numbering.next(line.invoiceNo);
    const reason = skipReason(line);
    if (reason) {
      tally.skipped[reason]++;
      continue;
    }
    batch.push(toTransactionLine(line, lineId));
    if (batch.length >= options.batchSize) {
      await dispatch(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await dispatch(batch);
  await Promise.all(inFlight);
  if (failure) throw failure;
  return tally;
}

export interface RetryOptions {
  attempts: number;
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** Whether a failure may pass (Ingest is idempotent by line id, so UNAVAILABLE can be retried). */
  retryable: (error: unknown) => boolean;
  onRetry?: (error: unknown, attempt: number) => void;
}

/**
 * Retries a batch through a store outage longer than the gRPC client's own quick retries. A retried
 * batch that had partly landed reports those lines as duplicates: the store holds each line once.
 */
export function retryTransient(ingest: IngestFn, options: RetryOptions): IngestFn {
  return async (lines) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ingest(lines);
      } catch (error) {
        if (attempt >= options.attempts || !options.retryable(error)) throw error;
        options.onRetry?.(error, attempt);
        const backoff = Math.min(options.maxBackoffMs, options.firstBackoffMs * 2 ** (attempt - 1));
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
  };
}
