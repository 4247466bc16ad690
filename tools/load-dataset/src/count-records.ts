// Number of data records in a gzip CSV (newlines minus the header), for the progress bar's total.
// Counting bytes is far cheaper than parsing; a quoted newline would only make the ETA approximate.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';

export async function countRecords(file: string): Promise<number> {
  let newlines = 0;
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
  }
  return Math.max(0, newlines - 1);
}
