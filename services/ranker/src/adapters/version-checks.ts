// Whether held answers are still current, asked for many users in one call. Checks made in one turn
// of the event loop go into one GetUserVersions call, and while `maxInFlight` calls are out the next
// checks wait and leave together when one comes back. A lone Rank waits for nothing (its check leaves
// at the end of the same turn); under load the feature service sees a few calls, each for many users,
// instead of one per Rank (at 2,000 Ranks/s, about one call per Rank took a quarter of a core on
// each side).
import type { features } from '@aisle/contracts';
import type { CallBound } from './downstream';

export interface CurrentVersion {
  version: string;
  featureAgeMs: number;
}

type Fetch = (userIds: string[], bound: CallBound) => Promise<features.GetUserVersionsResponse>;

interface Waiter {
  userId: string;
  bound: CallBound;
  resolve: (current: CurrentVersion) => void;
  reject: (error: unknown) => void;
}

export class VersionChecks {
  private waiting: Waiter[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    private readonly fetch: Fetch,
    /** Users per call at most (GetUserVersions takes up to 1,000). */
    private readonly maxBatch = 500,
    /** Calls out at once; checks made meanwhile wait for one to come back. */
    private readonly maxInFlight = 1,
  ) {}

  check(userId: string, bound: CallBound): Promise<CurrentVersion> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, bound, resolve, reject });
      if (this.scheduled || this.inFlight >= this.maxInFlight) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Calls out now, and checks waiting for one to come back. */
  get pending(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }

  private flush(): void {
    this.scheduled = false;
    while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void this.send(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async send(batch: Waiter[]): Promise<void> {
    // The checks of one turn share a stage budget, so their deadlines are within a millisecond or two:
    // the call carries the earliest. It is not cancelled when one caller goes; the others still wait.
    const deadline = Math.min(...batch.map((waiter) => waiter.bound.deadline));
    const never = new AbortController().signal;
    try {
      const response = await this.fetch(
        batch.map((waiter) => waiter.userId),
        { deadline, signal: never },
      );
      batch.forEach((waiter, i) => {
        const current = response.versions[i];
        if (current?.userId === waiter.userId) waiter.resolve({ version: current.version, featureAgeMs: current.featureAgeMs });
        else waiter.reject(new Error(`GetUserVersions answered ${response.versions.length} entries for ${batch.length} users`));
      });
    } catch (error) {
      for (const waiter of batch) waiter.reject(error);
    }
  }
}
