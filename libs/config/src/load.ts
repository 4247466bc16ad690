import type { Field } from './fields';

export type ConfigShape = Record<string, Field<unknown>>;
export type ConfigOf<S extends ConfigShape> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Raised when one or more variables are missing or malformed; the message names every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads every variable of `shape` (keys are environment variable names) and returns them typed.
 * All variables are checked before failing, so one start-up shows every mistake at once.
 */
export function loadConfig<S extends ConfigShape>(shape: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, field] of Object.entries(shape)) {
    try {
      values[name] = field(env[name]);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as ConfigOf<S>;
}
