// The pipeline's input: every line of the store's transaction log, read once, put in one canonical
// order and hashed. The hash is the identity of the training data (a replayed line changes nothing,
// an erased user changes it); the lines are also written once, in the shipped dataset's CSV format,
// as the file the services' train commands read (--file).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FeatureStore, TransactionLine } from '@aisle/feature-store';
import { formatInvoiceDate, RETAIL_CSV_HEADER, type RetailLine } from '@aisle/retail-data';

export interface Snapshot {
  /** SHA-256 over the canonical rows (every field, times to the millisecond). */
  hash: string;
  lines: TransactionLine[];
  /** The lines as a gzip CSV in the dataset's format. */
  file: string;
  rows: number;
  firstUnixMs: number;
  lastUnixMs: number;
}

/** Line number within its invoice, from the loader's ids "<invoice>:<n>" (0 for other ids). */
function lineNumber(lineId: string): number {
  const n = Number(lineId.slice(lineId.lastIndexOf(':') + 1));
  return Number.isInteger(n) ? n : 0;
}

/** Chronological, then invoice, then position in the invoice: the order of the shipped file. */
export function canonicalOrder(a: TransactionLine, b: TransactionLine): number {
  if (a.timeUnixMs !== b.timeUnixMs) return a.timeUnixMs - b.timeUnixMs;
  if (a.invoiceNo !== b.invoiceNo) return a.invoiceNo < b.invoiceNo ? -1 : 1;
  const n = lineNumber(a.lineId) - lineNumber(b.lineId);
  if (n !== 0) return n;
  return a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0;
}

export function hashLines(sorted: readonly TransactionLine[]): string {
  const hash = createHash('sha256');
  for (const l of sorted) hash.update(`${l.lineId}\u001f${l.invoiceNo}\u001f${l.productId}\u001f${l.description}\u001f${l.quantity}\u001f${l.unitPrice}\u001f${l.timeUnixMs}\u001f${l.userId ?? ''}\u001f${l.country}\n`);
  return hash.digest('hex');
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The lines in the dataset's CSV format (what loadRetailLines reads). Times to the second, as the dataset has them. */
export function toCsv(lines: readonly TransactionLine[]): string {
  const out = [RETAIL_CSV_HEADER.join(',')];
  for (const l of lines) {
    out.push([l.invoiceNo, l.productId, l.description, String(l.quantity), formatInvoiceDate(l.timeUnixMs), String(l.unitPrice), l.userId ?? '', l.country].map(csvField).join(','));
  }
  return out.join('\n') + '\n';
}

export function toRetailLine(l: TransactionLine): RetailLine {
  return { invoiceNo: l.invoiceNo, stockCode: l.productId, description: l.description, quantity: l.quantity, invoiceDate: l.timeUnixMs, unitPrice: l.unitPrice, customerId: l.userId, country: l.country };
}

export async function readStoreLines(store: FeatureStore): Promise<TransactionLine[]> {
  const lines: TransactionLine[] = [];
  for await (const page of store.transactionLines()) for (const line of page) lines.push(line);
  return lines.sort(canonicalOrder);
}

/** Snapshot of the lines (already in canonical order); the CSV is written under `dir` unless it exists. */
export function snapshotOf(lines: TransactionLine[], dir: string): Snapshot {
  if (lines.length === 0) throw new Error('the store holds no transaction lines: nothing to train on');
  const hash = hashLines(lines);
  const file = join(dir, 'snapshots', `${hash.slice(0, 20)}.csv.gz`);
  if (!existsSync(file)) {
    mkdirSync(join(dir, 'snapshots'), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, gzipSync(toCsv(lines), { level: 1 }));
    renameSync(tmp, file);
  }
  return { hash, lines, file, rows: lines.length, firstUnixMs: lines[0]!.timeUnixMs, lastUnixMs: lines.at(-1)!.timeUnixMs };
}
