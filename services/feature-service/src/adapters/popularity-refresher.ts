// Recomputes the popularity rankings in the background: soon after writes through this instance
// (marked dirty), and at least every maxAge for writes through other instances. One run at a time,
// and a run is a full scan of the product lines, so runs are spaced by at least ten times the last
// run's duration: refreshing never takes more than ~10% of the store's time, even during a bulk load.
import type { Logger } from '@aisle/telemetry';
import type { FeatureStore } from '@aisle/feature-store';

export class PopularityRefresher {
  private dirty = true;
  private lastRun = 0;
  private lastDurationMs = 0;
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: FeatureStore,
    private readonly logger: Logger,
    private readonly options: { intervalMs: number; maxAgeMs: number; onRefreshed: () => void },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
    void this.tick();
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Refreshes now (or waits for the run in progress, then runs again if writes came in meanwhile). */
  async refreshNow(): Promise<void> {
    if (this.running) await this.running;
    this.running = this.run().finally(() => (this.running = undefined));
    await this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    if (Date.now() - this.lastRun < this.lastDurationMs * 10) return;
    if (!this.dirty && Date.now() - this.lastRun < this.options.maxAgeMs) return;
    await this.refreshNow().catch((error: unknown) => this.logger.warn({ err: error }, 'popularity refresh failed; will retry'));
  }

  private async run(): Promise<void> {
    this.dirty = false;
    const started = Date.now();
    try {
      const scanned = await this.store.refreshPopularity();
      this.lastRun = Date.now();
      this.lastDurationMs = this.lastRun - started;
      this.options.onRefreshed();
      this.logger.info({ scanned, ms: this.lastRun - started }, 'popularity refreshed');
    } catch (error) {
      this.dirty = true;
      throw error;
    }
  }
}
