import { errors, types } from 'cassandra-driver';
import { describe, expect, it } from 'vitest';
import { isUnavailable } from './errors';

// The driver's base error is abstract in its typings; connections raise plain instances of it.
class DriverFailure extends errors.DriverError {}

describe('isUnavailable', () => {
  it('treats a connection closed under a request as the store being away', () => {
    const closed = Object.assign(new DriverFailure('Socket was closed'), { isSocketError: true });
    expect(isUnavailable(closed)).toBe(true);
  });

  it('treats timeouts and overload as unavailable, and statement errors as bugs', () => {
    expect(isUnavailable(new errors.OperationTimedOutError('late', '127.0.0.1:9042'))).toBe(true);
    expect(isUnavailable(new errors.ResponseError(types.responseErrorCodes.overloaded, 'busy'))).toBe(true);
    expect(isUnavailable(new errors.ResponseError(types.responseErrorCodes.syntaxError, 'bad cql'))).toBe(false);
    expect(isUnavailable(new DriverFailure('some other driver failure'))).toBe(false);
    expect(isUnavailable(new Error('Socket was closed'))).toBe(false);
  });
});
