// Command-line options of the loader.
import { parseArgs } from 'node:util';
import { defaultAddress } from '@aisle/config';
import { DEFAULT_DATASET_PATH } from '@aisle/retail-data';

export interface LoaderArgs {
  address: string;
  file: string;
  batchSize: number;
  concurrency: number;
  limit?: number;
  progress: boolean;
}

const USAGE = 'usage: tsx tools/load-dataset/src/main.ts [--address host:port] [--file online_retail.csv.gz] [--batch 5000] [--concurrency 8] [--limit N] [--no-progress]';

function positive(name: string, text: string | undefined, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name} must be a whole number from 1 to ${max}, got "${text}"\n${USAGE}`);
  return value;
}

export function parseLoaderArgs(argv: string[]): LoaderArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      address: { type: 'string' },
      file: { type: 'string' },
      batch: { type: 'string' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      'no-progress': { type: 'boolean' },
    },
    strict: true,
  });
  return {
    address: values.address ?? process.env.AISLE_FEATURES_ADDRESS ?? defaultAddress('features'),
    file: values.file ?? DEFAULT_DATASET_PATH,
    batchSize: positive('batch', values.batch, 5000, 5000),
    concurrency: positive('concurrency', values.concurrency, 8, 64),
    limit: values.limit === undefined ? undefined : positive('limit', values.limit, 0, Number.MAX_SAFE_INTEGER),
    progress: !values['no-progress'],
  };
}
