// The one place store errors become typed gRPC errors.
import { FailedPreconditionError, NotFoundError, UnavailableError } from '@aisle/grpc-kit';
import { StoreNotFoundError, StorePreconditionError, StoreUnavailableError } from '@aisle/feature-store';

export function toRpcError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return new UnavailableError(error.message);
  if (error instanceof StoreNotFoundError) return new NotFoundError(error.message);
  if (error instanceof StorePreconditionError) return new FailedPreconditionError(error.message);
  return error;
}

/** Awaits a store call, mapping its failure. */
export async function fromStore<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw toRpcError(error);
  }
}
