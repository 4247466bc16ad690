// Loads the shipped Online Retail dataset into a running feature-service through Ingest, with a
// progress bar (rate, ETA). Deterministic line ids make a second run a no-op (all duplicates).
import { Presets, SingleBar } from 'cli-progress';
import { features } from '@aisle/contracts';
import { status } from '@grpc/grpc-js';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { readRetailLines } from '@aisle/retail-data';
import { parseLoaderArgs } from './args';
import { countRecords } from './count-records';
import { loadLines, retryTransient } from './load';

async function main(): Promise<void> {
  const args = parseLoaderArgs(process.argv.slice(2));
  const client = createClient(features.FeatureServiceClient, args.address, { service: 'aisle.features.v1.FeatureService', idempotentMethods: ['Ingest'] });
  const total = Math.min(await countRecords(args.file), args.limit ?? Number.MAX_SAFE_INTEGER);
  const bar = new SingleBar(
    { format: 'load [{bar}] {percentage}% | {value}/{total} lines read | {rate} lines/s | ETA {eta_formatted} | applied {applied} dup {duplicates} rejected {rejected}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    Presets.shades_classic,
  );
  const started = performance.now();
  if (args.progress) bar.start(total, 0, { rate: 0, applied: 0, duplicates: 0, rejected: 0 });
  try {
    const tally = await loadLines(
      readRetailLines(args.file),
      // Ingest is idempotent, so a batch may be retried on UNAVAILABLE: the client's own retries cover
      // a blip, these cover a store that is away for up to about a minute.
      retryTransient((lines) => unaryCall(client, client.ingest, { lines }, { deadline: Date.now() + 60_000 }), {
        attempts: 10,
        firstBackoffMs: 250,
        maxBackoffMs: 10_000,
        retryable: (error) => (error as { code?: number }).code === status.UNAVAILABLE,
        onRetry: (error, attempt) => console.error(`load-dataset: batch attempt ${attempt} failed (${(error as Error).message}); retrying`),
      }),
      {
        batchSize: args.batchSize,
        concurrency: args.concurrency,
        limit: args.limit,
        onProgress: (t) => {
          if (args.progress) bar.update(t.read, { rate: Math.round(t.read / ((performance.now() - started) / 1000)), applied: t.applied, duplicates: t.duplicates, rejected: t.rejected });
        },
      },
    );
    if (args.progress) {
      bar.update(tally.read);
      bar.stop();
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      JSON.stringify({ address: args.address, file: args.file, ...tally, seconds: Math.round(seconds * 10) / 10, linesReadPerSecond: Math.round(tally.read / seconds), linesIngestedPerSecond: Math.round(tally.sent / seconds) }, null, 2),
    );
    if (tally.rejected > 0) process.exitCode = 2;
  } finally {
    if (args.progress) bar.stop();
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(`load-dataset: ${(error as Error).message}`);
  process.exitCode = 1;
});
