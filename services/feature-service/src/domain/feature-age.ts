/** Age of the newest fact about a user: now minus the latest write (0 for an unknown user). */
export function featureAgeMs(lastWriteUnixMs: number, now: number): number {
  return lastWriteUnixMs > 0 ? Math.max(0, now - lastWriteUnixMs) : 0;
}
