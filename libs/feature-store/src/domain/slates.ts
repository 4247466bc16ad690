// What both stores share about logged slates: the protobuf payload, the day bucket a slate is filed
// under, and how a user id finds its slates (by the hash the ranker logged, never the id itself).
import { slates } from '@aisle/contracts';
import { hashUserId } from '@aisle/telemetry';
import type { Slate } from '../types';

export const encodeSlate = (slate: Slate): Uint8Array => slates.Slate.encode(slate).finish();
export const decodeSlate = (bytes: Uint8Array): Slate => slates.Slate.decode(bytes);

/** UTC day of a time, "YYYY-MM-DD": the Cassandra partition of a slate. */
export const slateDay = (unixMs: number): string => new Date(unixMs).toISOString().slice(0, 10);

/** Every UTC day that [fromUnixMs, toUnixMs) touches, oldest first. */
export function daysBetween(fromUnixMs: number, toUnixMs: number): string[] {
  const days: string[] = [];
  if (toUnixMs <= fromUnixMs) return days;
  const DAY = 86_400_000;
  for (let day = Math.floor(fromUnixMs / DAY) * DAY; day < toUnixMs; day += DAY) days.push(slateDay(day));
  return days;
}

/** The key a user's slates are logged under. */
export const slateUserKey = (userId: string): string => hashUserId(userId);
