// Field parsers for environment variables. Each takes the raw string (undefined when unset) and
// returns the typed value or throws an Error whose message says what was expected.
export type Field<T> = (raw: string | undefined) => T;

function orDefault<T>(raw: string | undefined, fallback: T | undefined, parse: (raw: string) => T): T {
  if (raw === undefined || raw.trim() === '') {
    if (fallback === undefined) throw new Error('is required');
    return fallback;
  }
  return parse(raw.trim());
}

export function text(fallback?: string, opts: { maxLength?: number } = {}): Field<string> {
  return (raw) =>
    orDefault(raw, fallback, (value) => {
      if (opts.maxLength !== undefined && value.length > opts.maxLength) throw new Error(`must be at most ${opts.maxLength} characters`);
      return value;
    });
}

export function integer(fallback: number | undefined, opts: { min?: number; max?: number } = {}): Field<number> {
  const min = opts.min ?? Number.MIN_SAFE_INTEGER;
  const max = opts.max ?? Number.MAX_SAFE_INTEGER;
  return (raw) =>
    orDefault(raw, fallback, (value) => {
      if (!/^-?\d+$/.test(value)) throw new Error(`must be a whole number, got "${value}"`);
      const parsed = Number(value);
      if (parsed < min || parsed > max) throw new Error(`must be between ${min} and ${max}, got ${parsed}`);
      return parsed;
    });
}

/** A TCP port; 0 asks the OS for a free one (used by tests). */
export function port(fallback?: number): Field<number> {
  return integer(fallback, { min: 0, max: 65535 });
}

/** A duration in milliseconds, written as a number of ms or with a unit: "250ms", "2s", "5m". */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of "250ms", "2s", "5m", "36h" or "30d" (a bare number is milliseconds); NaN for anything else. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  return match ? Number(match[1]) * DURATION_UNITS[match[2] ?? 'ms']! : Number.NaN;
}

export function duration(fallback?: number, opts: { min?: number; max?: number } = {}): Field<number> {
  return (raw) =>
    orDefault(raw, fallback, (value) => {
      const ms = parseDuration(value);
      if (Number.isNaN(ms)) throw new Error(`must be a duration such as 250ms, 2s, 5m or 30d, got "${value}"`);
      if (opts.min !== undefined && ms < opts.min) throw new Error(`must be at least ${opts.min}ms, got ${ms}ms`);
      if (opts.max !== undefined && ms > opts.max) throw new Error(`must be at most ${opts.max}ms, got ${ms}ms`);
      return ms;
    });
}

export function bool(fallback?: boolean): Field<boolean> {
  return (raw) =>
    orDefault(raw, fallback, (value) => {
      const lower = value.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(lower)) return true;
      if (['0', 'false', 'no', 'off'].includes(lower)) return false;
      throw new Error(`must be true or false, got "${value}"`);
    });
}

export function oneOf<const T extends string>(choices: readonly T[], fallback?: T): Field<T> {
  return (raw) =>
    orDefault(raw, fallback, (value) => {
      if (!(choices as readonly string[]).includes(value)) throw new Error(`must be one of ${choices.join(', ')}, got "${value}"`);
      return value as T;
    });
}

/** A comma-separated list, each item parsed by `item`. */
export function listOf<T>(item: Field<T>, fallback?: T[]): Field<T[]> {
  return (raw) =>
    orDefault(raw, fallback, (value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => item(part)),
    );
}
