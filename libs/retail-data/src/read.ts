import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { DEFAULT_DATASET_PATH } from './dataset-path';
import { assertRetailHeader, toRetailLine } from './parse-record';
import type { RetailLine } from './retail-line';

/**
 * Streams the lines of a gzip-compressed Online Retail CSV, one `RetailLine` at a time, without
 * holding the file in memory (for ingest). Lines come in file order, which is chronological.
 *
 * Any read, gunzip or parse error, and any malformed record, rejects the iteration; nothing is
 * skipped silently, so counts downstream are always counts of the whole file.
 */
export async function* readRetailLines(file: string = DEFAULT_DATASET_PATH): AsyncGenerator<RetailLine, void, undefined> {
  // Arrays, not `columns: true`: no object per row from the parser, and the header is checked once here.
  const parser = parse({ bom: true });
  // `pipeline` forwards errors from the file and gunzip stages into the parser we iterate, and tears
  // everything down if the consumer stops early (the resulting premature-close error is not ours to report).
  pipeline(createReadStream(file), createGunzip(), parser, () => undefined);
  let recordNo = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (recordNo === 0) assertRetailHeader(record);
    else yield toRetailLine(record, recordNo);
    recordNo += 1;
  }
  if (recordNo === 0) throw new Error(`${file}: empty CSV, no header`);
}

/** Reads the whole file into an array (about 540k objects for the shipped dataset). */
export async function loadRetailLines(file: string = DEFAULT_DATASET_PATH): Promise<RetailLine[]> {
  const lines: RetailLine[] = [];
  for await (const line of readRetailLines(file)) lines.push(line);
  return lines;
}
