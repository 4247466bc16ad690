// Ingest writes as UNLOGGED batches: rows of one partition together (a single mutation on the
// replica), and small multi-partition groups for the log, whose partitions are one row each. Batches
// stay far below Cassandra's batch_size_warn_threshold (5 KiB) for typical lines.
import type { Client } from 'cassandra-driver';

export interface Statement {
  query: string;
  params: unknown[];
}

/** Groups statements by `key` into batches of at most `max` statements each. */
export function groupIntoBatches<T>(items: readonly T[], key: (item: T) => string, toStatement: (item: T) => Statement, max: number): Statement[][] {
  const groups = new Map<string, Statement[][]>();
  for (const item of items) {
    const k = key(item);
    let batches = groups.get(k);
    if (!batches) groups.set(k, (batches = [[]]));
    if (batches[batches.length - 1]!.length >= max) batches.push([]);
    batches[batches.length - 1]!.push(toStatement(item));
  }
  return [...groups.values()].flat();
}

/**
 * Runs `fn` on every item with at most `limit` calls in flight, in item order; rejects on the first
 * failure, and starts no item after it.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Runs every batch with at most `concurrency` in flight; rejects on the first failure. */
export async function executeBatches(client: Client, batches: Statement[][], concurrency: number, executionProfile: string): Promise<void> {
  await forEachLimit(batches, concurrency, (batch) =>
    batch.length === 1 ? client.execute(batch[0]!.query, batch[0]!.params, { prepare: true, executionProfile }) : client.batch(batch, { prepare: true, logged: false, executionProfile }),
  );
}
