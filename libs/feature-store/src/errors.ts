// Store errors callers can act on. The service maps them to gRPC statuses in one place; the store
// never speaks gRPC.

/** The backing database cannot be reached or did not answer in time; the caller may retry. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The named thing (model version, ...) does not exist. */
export class StoreNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreNotFoundError';
  }
}

/** The request is valid but the state does not allow it (e.g. rollback with no previous version). */
export class StorePreconditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorePreconditionError';
  }
}
