// Validation of Ingest lines: each bad line is rejected with the field and the reason; good lines
// become store lines. Limits are the ones features.proto documents.
import { InvalidArgumentError, requireFinite, requireId, requirePositiveTime } from '@aisle/grpc-kit';
import type { features } from '@aisle/contracts';
import type { TransactionLine } from '@aisle/feature-store';

export const MAX_LINES = 5000;
const MAX_TEXT = 512;
const MAX_COUNTRY = 64;

export interface Rejection {
  index: number;
  lineId: string;
  field: string;
  reason: string;
}

function maxLength(value: string, field: string, max: number): string {
  if (value.length > max) throw new InvalidArgumentError(field, `must be at most ${max} characters`);
  return value;
}

/** The store line for a valid proto line; throws InvalidArgumentError naming the first bad field. */
export function toStoreLine(line: features.TransactionLine): TransactionLine {
  const lineId = requireId(line.lineId, 'line_id', 128);
  const invoiceNo = requireId(line.invoiceNo, 'invoice_no');
  const productId = requireId(line.productId, 'product_id');
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new InvalidArgumentError('quantity', `must be a positive whole number, got ${line.quantity}`);
  const unitPrice = requireFinite(line.unitPrice, 'unit_price', { min: 0 });
  requirePositiveTime(line.timeUnixMs, 'time_unix_ms');
  const userId = line.userId === '' ? null : requireId(line.userId, 'user_id');
  return {
    lineId,
    invoiceNo,
    productId,
    description: maxLength(line.description, 'description', MAX_TEXT),
    quantity: line.quantity,
    unitPrice,
    timeUnixMs: line.timeUnixMs,
    userId,
    country: maxLength(line.country, 'country', MAX_COUNTRY),
  };
}

export function validateLines(lines: readonly features.TransactionLine[]): { valid: TransactionLine[]; rejected: Rejection[] } {
  const valid: TransactionLine[] = [];
  const rejected: Rejection[] = [];
  lines.forEach((line, index) => {
    try {
      valid.push(toStoreLine(line));
    } catch (error) {
      if (!(error instanceof InvalidArgumentError)) throw error;
      rejected.push({ index, lineId: line.lineId, field: error.field, reason: error.message.slice(error.field.length + 2) });
    }
  });
  return { valid, rejected };
}
