// The part of better-sqlite3's API this library uses, typed here because @types/better-sqlite3 is not
// in the workspace (with it, this file reduces to the import).
export interface RunResult {
  changes: number;
}

export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

export interface Transaction<T> {
  (): T;
  immediate(): T;
}

export interface Database {
  readonly open: boolean;
  prepare(source: string): Statement;
  exec(source: string): Database;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<T>(fn: () => T): Transaction<T>;
  /** SQLite's online backup into a new file, a few pages at a time with the event loop free. */
  backup(destination: string): Promise<unknown>;
  close(): Database;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped CommonJS module, typed by the interfaces above
const BetterSqlite3 = require('better-sqlite3') as new (path: string) => Database;

export function openDatabase(path: string): Database {
  return new BetterSqlite3(path);
}
