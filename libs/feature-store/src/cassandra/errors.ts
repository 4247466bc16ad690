// Which driver failures mean "Cassandra is not there right now" (UNAVAILABLE, retry later) rather
// than a bug in a statement.
import { errors, types } from 'cassandra-driver';
import { StoreUnavailableError } from '../errors';

const UNAVAILABLE_CODES = new Set<number>([
  types.responseErrorCodes.unavailableException,
  types.responseErrorCodes.overloaded,
  types.responseErrorCodes.isBootstrapping,
  types.responseErrorCodes.writeTimeout,
  types.responseErrorCodes.readTimeout,
]);

export function isUnavailable(error: unknown): boolean {
  if (error instanceof errors.NoHostAvailableError || error instanceof errors.OperationTimedOutError || error instanceof errors.BusyConnectionError) return true;
  // A connection closed under a request in flight ("Socket was closed"): the node went away or the
  // driver dropped a defunct connection; the statement may be retried on a new one.
  if (error instanceof errors.DriverError && (error as { isSocketError?: boolean }).isSocketError === true) return true;
  return error instanceof errors.ResponseError && UNAVAILABLE_CODES.has(error.code);
}

/** Runs `operation`, turning unavailability into StoreUnavailableError. */
export async function guarded<T>(what: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (isUnavailable(error)) throw new StoreUnavailableError(`cassandra unavailable during ${what}: ${(error as Error).message}`, { cause: error });
    throw error;
  }
}

/** `guarded` for each step of an async iteration. */
export async function* guardedIterable<T>(what: string, source: AsyncIterable<T>): AsyncIterable<T> {
  const iterator = source[Symbol.asyncIterator]();
  for (;;) {
    const next = await guarded(what, () => iterator.next());
    if (next.done) return;
    yield next.value;
  }
}
