// Whether held answers are still current, asked for many users in one call: every check made in one
// turn of the event loop goes into one GetUserVersions call. Under load many Ranks arrive per turn,
// so the feature service sees one call for all of them; a lone Rank waits for nothing (its check
// leaves at the end of the same turn).
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

  constructor(
    private readonly fetch: Fetch,
    /** Users per call at most (GetUserVersions takes up to 1,000). */
    private readonly maxBatch = 500,
  ) {}

  check(userId: string, bound: CallBound): Promise<CurrentVersion> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ userId, bound, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (let start = 0; start < waiting.length; start += this.maxBatch) void this.send(waiting.slice(start, start + this.maxBatch));
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
