/**
 * Timestamps in the dataset are UK local wall-clock times ('YYYY-MM-DD HH:MM:SS') with no zone. We map
 * them to epoch ms *as if they were UTC*, everywhere and consistently: the digits are preserved, results
 * do not depend on the machine's TZ, and the cut date means "midnight of that calendar day in the file's
 * own clock". The true instants differ by one hour during British Summer Time, which no protocol
 * question depends on.
 */

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/;

export const DAY_MS = 24 * 60 * 60 * 1000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses 'YYYY-MM-DD HH:MM:SS' (or just 'YYYY-MM-DD', meaning midnight) to epoch ms, read as UTC. */
export function parseInvoiceDate(text: string): number {
  const m = DATE_TIME.exec(text);
  if (m === null) throw new Error(`invalid date ${JSON.stringify(text)}: expected 'YYYY-MM-DD HH:MM:SS'`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  // The time part is optional; absent groups mean 00:00:00.
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Date.UTC silently rolls over (2011-02-30 → 2011-03-02), so ranges are checked by hand; this is
  // also several times cheaper than a `new Date` round trip, which matters over 541,909 rows.
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new Error(`invalid date ${JSON.stringify(text)}: out of range`);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** A cut given as 'YYYY-MM-DD' ('YYYY-MM-DD HH:MM:SS' also works) or as epoch ms in the same UTC-read clock. */
export type CutDate = string | number;

/** Normalises a cut to epoch ms. */
export function cutToMs(cut: CutDate): number {
  if (typeof cut === 'number') {
    if (!Number.isFinite(cut)) throw new Error(`invalid cut ${cut}: not a finite epoch ms`);
    return cut;
  }
  return parseInvoiceDate(cut);
}

/** Formats epoch ms back to the file's 'YYYY-MM-DD HH:MM:SS' form (UTC-read clock). */
export function formatInvoiceDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
