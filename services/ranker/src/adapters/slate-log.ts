// The ranker's slate log: every served slate (and every shadow slate) is queued here and appended to
// the feature service's SlateLogService in batches, off the request path. The queue is bounded: when
// the store is slow or away, new slates are dropped and counted, and a Rank never waits or fails
// because of logging. A batch that failed for a transient reason goes back to the queue (AppendSlates
// is idempotent by slate id, so a batch that landed before its answer was lost is stored once).
// A held answer served again (the user's data unchanged) is not a new row each time: its servings are
// counted, and after `repeatWindowMs` they go out as one row with the page, the count and the first and
// last serving times, so reuse at thousands of calls a second costs the store a row per page and window.
import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import type { slates } from '@aisle/contracts';
import { isServiceError } from '@aisle/grpc-kit';
import { detached, meter, type Logger } from '@aisle/telemetry';

export interface SlateLogSettings {
  /** Slates waiting to be sent at most; beyond it new slates are dropped. */
  capacity: number;
  /** Slates per AppendSlates call. */
  batchSize: number;
  /** How often the queue is sent when it is not full enough for a batch. */
  flushIntervalMs: number;
  /** Deadline of one AppendSlates call. */
  callTimeoutMs: number;
  /** Later servings of one page are counted this long, then logged as one row. */
  repeatWindowMs: number;
}

export type AppendSlates = (batch: slates.Slate[], deadline: number) => Promise<unknown>;
export type DropReason = 'queue_full' | 'rejected' | 'stopped';

const logged = meter.createCounter('aisle.slates.logged', { description: 'Slates the ranker appended to the slate log' });
const dropped = meter.createCounter('aisle.slates.dropped', { description: 'Slates the ranker dropped instead of logging, by reason' });
const TRANSIENT = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.CANCELLED]);

/** Later servings of one logged page, counted until they are logged as one row. */
interface Repeats {
  slate: slates.Slate;
  servings: number;
  firstMs: number;
  lastMs: number;
}

export class SlateLog {
  private queue: slates.Slate[] = [];
  /** By the slate id that first served the page; insertion order is the order of first servings. */
  private repeats = new Map<string, Repeats>();
  private sending: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Totals since start, for tests and the stop log line. */
  readonly counts = { logged: 0, repeats: 0, dropped: { queue_full: 0, rejected: 0, stopped: 0 } as Record<DropReason, number> };

  constructor(
    private readonly append: AppendSlates,
    private readonly settings: SlateLogSettings,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => {
      this.releaseRepeats(Date.now() - settings.repeatWindowMs);
      void this.flush();
    }, settings.flushIntervalMs);
    this.timer.unref();
  }

  /** Queues a slate; never blocks. False when it was dropped. */
  offer(slate: slates.Slate): boolean {
    if (this.stopped) {
      this.drop('stopped', 1);
      return false;
    }
    if (!this.enqueue(slate)) return false;
    // Offered inside a Rank; the batch it completes belongs to no Rank's trace.
    if (this.queue.length >= this.settings.batchSize) void detached(() => this.flush());
    return true;
  }

  /**
   * Counts one more serving of `slate`, a page logged before (served again from a held answer); never
   * blocks. Pages counted at once are bounded by the capacity; a serving beyond it is dropped.
   */
  repeat(slate: slates.Slate, atMs = Date.now()): void {
    const counted = this.repeats.get(slate.slateId);
    if (counted) {
      counted.servings++;
      counted.lastMs = Math.max(counted.lastMs, atMs);
      return;
    }
    if (this.stopped || this.repeats.size >= this.settings.capacity) return this.drop(this.stopped ? 'stopped' : 'queue_full', 1);
    this.repeats.set(slate.slateId, { slate, servings: 1, firstMs: atMs, lastMs: atMs });
  }

  /** Rows queued to send, and pages whose later servings are being counted. */
  get pending(): number {
    return this.queue.length + this.repeats.size;
  }

  /** Sends what is queued, one batch at a time; a call in flight is joined, not doubled. */
  flush(): Promise<void> {
    this.sending ??= this.sendAll().finally(() => (this.sending = undefined));
    return this.sending;
  }

  /** Stops taking slates and sends what is queued and counted, for at most `graceMs`; the rest is dropped. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.releaseRepeats(Number.POSITIVE_INFINITY);
    await Promise.race([this.flush(), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
    if (this.queue.length > 0) {
      this.drop('stopped', this.queue.length);
      this.queue = [];
    }
  }

  /** Queues one row for each page whose counting began at or before `cutoffMs`. */
  releaseRepeats(cutoffMs: number): void {
    for (const [slateId, counted] of this.repeats) {
      if (counted.firstMs > cutoffMs) break;
      this.repeats.delete(slateId);
      const id = randomUUID();
      const row = { ...counted.slate, slateId: id, requestId: id, servedUnixMs: counted.firstMs, lastServedUnixMs: counted.lastMs, servings: counted.servings, repeatOf: slateId };
      if (this.enqueue(row)) this.counts.repeats += counted.servings;
    }
  }

  /** Puts a row at the back of the queue; false (and counted as dropped) when the queue is full. */
  private enqueue(row: slates.Slate): boolean {
    if (this.queue.length >= this.settings.capacity) {
      this.drop('queue_full', 1);
      return false;
    }
    this.queue.push(row);
    return true;
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.settings.batchSize);
      try {
        await this.append(batch, Date.now() + this.settings.callTimeoutMs);
        this.counts.logged += batch.length;
        logged.add(batch.length);
      } catch (error) {
        if (isServiceError(error) && !TRANSIENT.has(error.code)) {
          // A batch the log refuses would be refused again: drop it and say why.
          this.logger.warn({ err: error, slates: batch.length }, 'slate log refused a batch; dropped');
          this.drop('rejected', batch.length);
          continue;
        }
        // Back to the front, as far as there is room; newer slates past the capacity are dropped.
        const room = Math.max(0, this.settings.capacity - this.queue.length);
        this.queue.unshift(...batch.slice(0, room));
        if (batch.length > room) this.drop('queue_full', batch.length - room);
        this.logger.warn({ err: error, queued: this.queue.length }, 'slate log unavailable; will retry');
        return;
      }
    }
  }

  private drop(reason: DropReason, count: number): void {
    this.counts.dropped[reason] += count;
    dropped.add(count, { reason });
  }
}
