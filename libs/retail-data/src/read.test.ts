import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATASET_PATH } from './dataset-path';
import { loadRetailLines, readRetailLines } from './read';

const dir = mkdtempSync(join(tmpdir(), 'retail-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gz(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, gzipSync(Buffer.from(text, 'utf8')));
  return file;
}

const HEADER = 'InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n';

describe('readRetailLines', () => {
  it('points at the shipped file', () => {
    expect(DEFAULT_DATASET_PATH.endsWith(join('retail-data', 'data', 'online_retail.csv.gz'))).toBe(true);
  });

  it('parses quoting the way the shipped file uses it', async () => {
    const file = gz(
      'small.csv.gz',
      HEADER +
        '536381,82567,"AIRLINE LOUNGE,METAL SIGN",2,2010-12-01 09:41:00,2.1,15311,United Kingdom\n' +
        '536477,22041,"RECORD FRAME 7"" SINGLE SIZE ",48,2010-12-01 12:27:00,2.1,16210,United Kingdom\n' +
        'C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,,United Kingdom\n',
    );
    const lines = await loadRetailLines(file);
    expect(lines.map((l) => [l.invoiceNo, l.description, l.quantity, l.customerId])).toEqual([
      ['536381', 'AIRLINE LOUNGE,METAL SIGN', 2, '15311'],
      ['536477', 'RECORD FRAME 7" SINGLE SIZE ', 48, '16210'],
      ['C536379', 'Discount', -1, null],
    ]);
  });

  it('rejects a wrong header, a malformed record, a missing file and a non-gzip file', async () => {
    await expect(loadRetailLines(gz('hdr.csv.gz', 'a,b,c\n1,2,3\n'))).rejects.toThrow(/unexpected CSV header/);
    await expect(loadRetailLines(gz('bad.csv.gz', HEADER + '1,10001,x,NaN,2011-01-01 10:00:00,1,1,X\n'))).rejects.toThrow(
      /record 1: Quantity "NaN"/,
    );
    await expect(loadRetailLines(gz('empty.csv.gz', ''))).rejects.toThrow(/empty CSV/);
    await expect(loadRetailLines(join(dir, 'missing.csv.gz'))).rejects.toThrow(/ENOENT/);
    const plain = join(dir, 'plain.csv.gz');
    writeFileSync(plain, HEADER);
    await expect(loadRetailLines(plain)).rejects.toThrow(/incorrect header check/);
  });

  it('can be abandoned early without hanging', async () => {
    const seen: string[] = [];
    for await (const line of readRetailLines()) {
      seen.push(line.stockCode);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['85123A', '71053', '84406B']);
  });
});
