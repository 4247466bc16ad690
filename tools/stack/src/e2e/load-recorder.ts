// Background load for the fault suites, recording every call: Rank at a fixed concurrency and an
// Ingest stream that retries each batch until it is acknowledged (the way a producer must), so a test
// can inject a fault mid-load and then read off what callers saw.
import { common, features } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { createRankerClient } from '@aisle/ranker-client';

export interface RankSample {
  /** When the call started (ms since epoch). */
  at: number;
  ms: number;
  /** Every source answered (OK, or not needed). */
  full: boolean;
  error?: string;
  states: Record<string, string>;
}

export interface RankLoad {
  samples: RankSample[];
  stop(): Promise<RankSample[]>;
}

export function startRankLoad(address: string, request: { userIds: string[]; deadlineMs: number; concurrency: number }): RankLoad {
  const client = createRankerClient(address, { timeoutMs: request.deadlineMs });
  const samples: RankSample[] = [];
  let running = true;
  let next = 0;
  const worker = async () => {
    while (running) {
      const at = Date.now();
      const started = performance.now();
      try {
        // Fresh answers: a fault must show in the fan-out, not be hidden by an answer held from before it.
        const response = await client.rank({ userId: request.userIds[next++ % request.userIds.length]!, k: 10, context: { country: 'United Kingdom', timeUnixMs: 0 }, options: { excludePurchased: false, explain: false, fresh: true } });
        const states = Object.fromEntries(response.sources.map((source) => [source.source, common.SourceState[source.state].replace('SOURCE_STATE_', '')]));
        samples.push({ at, ms: performance.now() - started, full: Object.values(states).every((state) => state === 'OK' || state === 'SKIPPED'), states });
      } catch (error) {
        samples.push({ at, ms: performance.now() - started, full: false, error: (error as Error).message, states: {} });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const workers = Array.from({ length: request.concurrency }, worker);
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(workers);
      client.close();
      return samples;
    },
  };
}

export interface IngestLoad {
  /** Line ids of every acknowledged batch. */
  acknowledged: Set<string>;
  applied: number;
  duplicates: number;
  failedAttempts: number;
  /** Times (ms since epoch) of failed attempts and of acknowledgements. */
  failures: number[];
  acks: number[];
  /** Stops after the batch in flight is acknowledged (or `giveUpMs` passed). */
  stop(giveUpMs?: number): Promise<void>;
}

/**
 * Batches of `batchSize` new lines for `userId`, one batch at a time, each retried until acknowledged.
 * Every line has quantity 1, so the user's total quantity counts the lines the store holds.
 */
export function startIngestLoad(featuresAddress: string, options: { userId: string; runId: string; batchSize: number }): IngestLoad {
  const client = createClient(features.FeatureServiceClient, featuresAddress, { service: 'aisle.features.v1.FeatureService' });
  const load: Omit<IngestLoad, 'stop'> = { acknowledged: new Set(), applied: 0, duplicates: 0, failedAttempts: 0, failures: [], acks: [] };
  let running = true;
  let giveUpAt = Infinity;
  const base = Date.UTC(2011, 11, 10);
  const loop = async () => {
    for (let batch = 0; running; batch++) {
      const lines: features.TransactionLine[] = Array.from({ length: options.batchSize }, (_, i) => ({
        lineId: `${options.runId}-${batch}-${i}`,
        invoiceNo: `${options.runId}-${batch}`,
        productId: '85123A',
        description: 'WHITE HANGING HEART T-LIGHT HOLDER',
        quantity: 1,
        unitPrice: 2.55,
        timeUnixMs: base + batch * 1000 + i,
        userId: options.userId,
        country: 'United Kingdom',
      }));
      for (;;) {
        try {
          const response = await unaryCall(client, client.ingest, { lines }, { deadline: Date.now() + 3000 });
          load.applied += response.applied;
          load.duplicates += response.duplicates;
          for (const line of lines) load.acknowledged.add(line.lineId);
          load.acks.push(Date.now());
          break;
        } catch {
          load.failedAttempts++;
          load.failures.push(Date.now());
          if (Date.now() > giveUpAt) return;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      }
    }
  };
  const done = loop();
  return Object.assign(load, {
    stop: async (giveUpMs = 90_000) => {
      running = false;
      giveUpAt = Date.now() + giveUpMs;
      await done;
      client.close();
    },
  });
}

export interface FaultFigures {
  fault: string;
  /** Rank calls started between the fault and recovery. */
  calls: number;
  errors: number;
  degraded: number;
  maxLatencyMs: number;
  /** From the fault's end (component back) to the first Rank with every source answering. */
  recoverSeconds: number;
}

export function figures(fault: string, samples: RankSample[], window: { from: number; back: number; to: number }): FaultFigures {
  const during = samples.filter((sample) => sample.at >= window.from && sample.at <= window.to);
  const recovered = samples.find((sample) => sample.at >= window.back && sample.full);
  return {
    fault,
    calls: during.length,
    errors: during.filter((sample) => sample.error).length,
    degraded: during.filter((sample) => !sample.error && !sample.full).length,
    maxLatencyMs: Math.round(Math.max(0, ...during.map((sample) => sample.ms))),
    recoverSeconds: recovered ? Math.round((recovered.at - window.back) / 100) / 10 : NaN,
  };
}
