// Request validation shared by every handler: each check names the field it rejects.
import { InvalidArgumentError } from './errors';

// Ids are printable and bounded; control characters would poison logs and keys.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

export function requireId(value: string, field: string, maxLength = 64): string {
  if (value.length === 0) throw new InvalidArgumentError(field, 'must not be empty');
  if (value.length > maxLength) throw new InvalidArgumentError(field, `must be at most ${maxLength} characters`);
  if (CONTROL.test(value)) throw new InvalidArgumentError(field, 'must not contain control characters');
  return value;
}

export function requireIntInRange(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new InvalidArgumentError(field, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function requireMaxItems<T>(values: readonly T[], field: string, max: number, min = 0): readonly T[] {
  if (values.length > max) throw new InvalidArgumentError(field, `must have at most ${max} items, got ${values.length}`);
  if (values.length < min) throw new InvalidArgumentError(field, `must have at least ${min} item${min === 1 ? '' : 's'}`);
  return values;
}

/** Validates a list of ids (each as requireId) and returns them without duplicates, in order. */
export function requireIds(values: readonly string[], field: string, max: number): string[] {
  requireMaxItems(values, field, max);
  values.forEach((value, index) => requireId(value, `${field}[${index}]`));
  return [...new Set(values)];
}

/** A time in ms since the epoch: a whole number after 0. */
export function requirePositiveTime(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidArgumentError(field, `must be a positive time in ms since the epoch, got ${value}`);
  return value;
}

export function requireFinite(value: number, field: string, opts: { min?: number } = {}): number {
  if (!Number.isFinite(value)) throw new InvalidArgumentError(field, `must be a finite number, got ${value}`);
  if (opts.min !== undefined && value < opts.min) throw new InvalidArgumentError(field, `must be at least ${opts.min}, got ${value}`);
  return value;
}

/** Optional free text (may be empty): bounded and without control characters (e.g. a country). */
export function requireText(value: string, field: string, maxLength: number): string {
  if (value.length > maxLength) throw new InvalidArgumentError(field, `must be at most ${maxLength} characters`);
  if (CONTROL.test(value)) throw new InvalidArgumentError(field, 'must not contain control characters');
  return value;
}
