import { Writable } from 'node:stream';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { slates } from '@aisle/contracts';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { SlateLog, type AppendSlates } from './slate-log';

const logger = createLogger('slate-log-test', new Writable({ write: (_chunk, _encoding, done) => done() }));
const slate = (id: number) => slates.Slate.fromPartial({ slateId: `s${id}`, requestId: `s${id}`, userHash: 'h', servedUnixMs: 1, served: ['P'], k: 1 });
const grpcError = (code: status): ServiceError => Object.assign(new Error(status[code]), { code, details: status[code], metadata: new Metadata() });
const settings = { capacity: 5, batchSize: 2, flushIntervalMs: 60_000, callTimeoutMs: 1000, repeatWindowMs: 10_000 };

/** A slate log that records what reached it, and fails the calls the test says. */
function recordingLog(failWith: (call: number) => ServiceError | undefined) {
  const received: string[] = [];
  const rows: slates.Slate[] = [];
  let calls = 0;
  const append: AppendSlates = async (batch) => {
    const error = failWith(++calls);
    if (error) throw error;
    received.push(...batch.map((s) => s.slateId));
    rows.push(...batch);
  };
  return { received, rows, append };
}

describe('SlateLog', () => {
  it('sends every offered slate once, in batches', async () => {
    const { received, append } = recordingLog(() => undefined);
    const log = new SlateLog(append, settings, logger);
    for (let i = 0; i < 5; i++) expect(log.offer(slate(i))).toBe(true);
    await log.flush();
    expect(received).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(log.counts.logged).toBe(5);
    await log.stop(100);
  });

  it('drops and counts what does not fit while the store is away, and never blocks the caller', async () => {
    let away = true;
    const { received, append } = recordingLog(() => (away ? grpcError(status.UNAVAILABLE) : undefined));
    const log = new SlateLog(append, { ...settings, batchSize: 10 }, logger);
    const accepted = Array.from({ length: 8 }, (_, i) => log.offer(slate(i)));
    await log.flush();
    // The failed batch went back to the queue: still 5 waiting, 3 dropped when full.
    expect(accepted.filter(Boolean)).toHaveLength(5);
    expect(log.pending).toBe(5);
    expect(log.counts.dropped.queue_full).toBe(3);
    away = false;
    await log.flush();
    expect(received.sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(log.pending).toBe(0);
    await log.stop(100);
  });

  it('drops a batch the log refuses instead of retrying it for ever, and goes on with the next', async () => {
    const { received, append } = recordingLog((call) => (call === 1 ? grpcError(status.INVALID_ARGUMENT) : undefined));
    const log = new SlateLog(append, settings, logger);
    for (let i = 0; i < 4; i++) log.offer(slate(i));
    await log.flush();
    expect(log.counts.dropped.rejected).toBe(2);
    expect(received).toEqual(['s2', 's3']);
    await log.stop(100);
  });

  it('sends what is queued on stop, then refuses new slates', async () => {
    const { received, append } = recordingLog(() => undefined);
    const log = new SlateLog(append, { ...settings, batchSize: 100 }, logger);
    log.offer(slate(1));
    await log.stop(1000);
    expect(received).toEqual(['s1']);
    expect(log.offer(slate(2))).toBe(false);
    expect(log.counts.dropped.stopped).toBe(1);
  });

  it('logs the later servings of a page as one row per window, with their count and first and last times', async () => {
    const { rows, append } = recordingLog(() => undefined);
    const log = new SlateLog(append, { ...settings, batchSize: 100 }, logger);
    const page = { ...slate(1), candidates: [{ productId: 'P', score: 1, copurchase: 0, affinity: 0.5, popularity: 0, repeat: 0, context: 0, sources: ['popular'] }] };
    log.repeat(page, 1_000);
    log.repeat(page, 4_000);
    log.repeat(slate(2), 5_000);
    log.repeat(page, 9_000);
    // Counting began at 1,000 for s1 and 5,000 for s2: a cutoff of 2,000 releases s1 only.
    log.releaseRepeats(2_000);
    await log.flush();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toEqual({ ...page, slateId: row.slateId, requestId: row.slateId, servedUnixMs: 1_000, lastServedUnixMs: 9_000, servings: 3, repeatOf: 's1' });
    expect(row.slateId).not.toBe('s1');
    // Served again after its row went: counted afresh, in a row of its own.
    log.repeat(page, 12_000);
    await log.stop(1000);
    expect(rows.map((r) => [r.repeatOf, r.servings, r.servedUnixMs])).toEqual([
      ['s1', 3, 1_000],
      ['s2', 1, 5_000],
      ['s1', 1, 12_000],
    ]);
    expect(new Set(rows.map((r) => r.slateId)).size).toBe(3);
    expect(log.counts.repeats).toBe(5);
  });

  it('counts at most `capacity` pages at once and drops servings of pages beyond it', async () => {
    const { rows, append } = recordingLog(() => undefined);
    const log = new SlateLog(append, { ...settings, capacity: 2, batchSize: 100 }, logger);
    log.repeat(slate(1), 1);
    log.repeat(slate(2), 1);
    log.repeat(slate(3), 1);
    log.repeat(slate(1), 2);
    expect(log.counts.dropped.queue_full).toBe(1);
    expect(log.pending).toBe(2);
    await log.stop(1000);
    expect(rows.map((r) => [r.repeatOf, r.servings])).toEqual([
      ['s1', 2],
      ['s2', 1],
    ]);
    log.repeat(slate(1), 3);
    expect(log.counts.dropped.stopped).toBe(1);
  });
});
