import { Writable } from 'node:stream';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { slates } from '@aisle/contracts';
import { createLogger } from '@aisle/telemetry';
import { describe, expect, it } from 'vitest';
import { SlateLog, type AppendSlates } from './slate-log';

const logger = createLogger('slate-log-test', new Writable({ write: (_chunk, _encoding, done) => done() }));
const slate = (id: number) => slates.Slate.fromPartial({ slateId: `s${id}`, requestId: `s${id}`, userHash: 'h', servedUnixMs: 1, served: ['P'], k: 1 });
const grpcError = (code: status): ServiceError => Object.assign(new Error(status[code]), { code, details: status[code], metadata: new Metadata() });
const settings = { capacity: 5, batchSize: 2, flushIntervalMs: 60_000, callTimeoutMs: 1000 };

/** A slate log that records what reached it, and fails the calls the test says. */
function recordingLog(failWith: (call: number) => ServiceError | undefined) {
  const received: string[] = [];
  let calls = 0;
  const append: AppendSlates = async (batch) => {
    const error = failWith(++calls);
    if (error) throw error;
    received.push(...batch.map((s) => s.slateId));
  };
  return { received, append };
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
});
