// bigint columns come back as driver Longs; every time and count we store fits a JS number.
import { types } from 'cassandra-driver';

export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (value instanceof types.Long) return value.toNumber();
  return Number(value);
}

export function long(value: number): types.Long {
  return types.Long.fromNumber(value);
}
