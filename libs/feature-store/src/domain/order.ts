// One total order for lines, so both stores return the same sequence (and the same float sums).
interface Timed {
  timeUnixMs: number;
  lineId: string;
}

/** Newest first; lines of the same time by line id, so the order never depends on storage. */
export function newestFirst(a: Timed, b: Timed): number {
  return b.timeUnixMs - a.timeUnixMs || (a.lineId < b.lineId ? -1 : a.lineId > b.lineId ? 1 : 0);
}
