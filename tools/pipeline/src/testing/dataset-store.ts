// Test stores: records of the shipped dataset as the dataset loader loads them (its ids, and only the
// lines OR-temporal-v1 keeps, as tools/load-dataset does), written straight into a SQLite store.
import { SqliteStore, type TransactionLine } from '@aisle/feature-store';
import { isCleanLine, LineNumbering, readRetailLines, toTransactionLine } from '@aisle/retail-data';

/** The clean lines among dataset records [from, to), as store lines. */
export async function datasetLines(from: number, to: number): Promise<TransactionLine[]> {
  const numbering = new LineNumbering();
  const out: TransactionLine[] = [];
  let index = 0;
  for await (const line of readRetailLines()) {
    const id = numbering.next(line.invoiceNo);
    if (index >= from && isCleanLine(line)) {
      const fields = toTransactionLine(line, id);
      out.push({ ...fields, userId: fields.userId === '' ? null : fields.userId });
    }
    if (++index >= to) break;
  }
  return out;
}

export async function writeLines(path: string, lines: readonly TransactionLine[]): Promise<void> {
  const store = new SqliteStore(path);
  try {
    for (let i = 0; i < lines.length; i += 5000) await store.ingest(lines.slice(i, i + 5000));
  } finally {
    await store.close();
  }
}
