// Typed domain errors and the one place they become gRPC statuses. Handlers throw these; anything
// else that escapes a handler is a bug, reported as INTERNAL without leaking its message.
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export class AisleError extends Error {
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad input; `field` names the offending request field (e.g. "user_id", "lines[3].quantity"). */
export class InvalidArgumentError extends AisleError {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(status.INVALID_ARGUMENT, `${field}: ${reason}`);
  }
}

export class NotFoundError extends AisleError {
  constructor(message: string) {
    super(status.NOT_FOUND, message);
  }
}

export class FailedPreconditionError extends AisleError {
  constructor(message: string) {
    super(status.FAILED_PRECONDITION, message);
  }
}

/** A dependency (database, downstream service) cannot be reached; the caller may retry. */
export class UnavailableError extends AisleError {
  constructor(message: string) {
    super(status.UNAVAILABLE, message);
  }
}

/** Load shed: the server is at its concurrency limit. */
export class ResourceExhaustedError extends AisleError {
  constructor(message: string) {
    super(status.RESOURCE_EXHAUSTED, message);
  }
}

export class DeadlineExceededError extends AisleError {
  constructor(message: string) {
    super(status.DEADLINE_EXCEEDED, message);
  }
}

export class UnauthenticatedError extends AisleError {
  constructor(message: string) {
    super(status.UNAUTHENTICATED, message);
  }
}

export class PermissionDeniedError extends AisleError {
  constructor(message: string) {
    super(status.PERMISSION_DENIED, message);
  }
}

/** True for errors thrown by a grpc-js client call. */
export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error;
}

/** Maps anything a handler threw to the status sent to the caller. */
export function toStatus(error: unknown): { code: status; details: string; metadata: Metadata; internal: boolean } {
  const metadata = new Metadata();
  if (error instanceof AisleError) {
    if (error instanceof InvalidArgumentError) metadata.set('x-invalid-field', error.field);
    return { code: error.code, details: error.message, metadata, internal: false };
  }
  if (isServiceError(error)) {
    // A downstream failure that a handler chose not to handle: pass on its code, not its internals.
    return { code: error.code, details: `downstream: ${error.details}`, metadata, internal: false };
  }
  return { code: status.INTERNAL, details: 'internal error', metadata, internal: true };
}
