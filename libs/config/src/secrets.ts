// Secrets (passwords, tokens) come from a variable or from a file named by <VARIABLE>_FILE, the form
// container platforms mount secrets in; never from a default. The value is wrapped so that a config
// object that ends up in a log line prints "[redacted]", not the secret.
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigError } from './load';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: pass it to the driver that needs it, never to a logger. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return '[redacted]';
  }

  toJSON(): string {
    return '[redacted]';
  }

  [inspect.custom](): string {
    return 'Secret([redacted])';
  }
}

/** Reads a file a variable names; a failure names the variable, not the file's content. */
export function readConfigFile(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError([`${variable} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (${path})`]);
  }
}

/**
 * The secret in `name` or in the file `${name}_FILE` (one trailing newline dropped), or undefined
 * when neither is set. Setting both is a mistake and stops start-up.
 */
export function loadSecret(name: string, env: NodeJS.ProcessEnv = process.env): Secret | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`]?.trim();
  if (direct !== undefined && direct !== '' && file) throw new ConfigError([`${name} and ${name}_FILE are both set: use one`]);
  if (file) return new Secret(readConfigFile(`${name}_FILE`, file).toString('utf8').replace(/\r?\n$/, ''));
  return direct ? new Secret(direct) : undefined;
}
