import { EventEmitter } from 'node:events';
import { Metadata, type ServerUnaryCall } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { createCallContext } from './context';

/** A server call as grpc-js hands it over: an emitter with a deadline and a cancelled flag. */
function serverCall(deadline: number, cancelled = false) {
  return Object.assign(new EventEmitter(), { getDeadline: () => deadline, cancelled, metadata: new Metadata() }) as unknown as ServerUnaryCall<unknown, unknown>;
}

describe('createCallContext', () => {
  const drain = new AbortController().signal;

  it('starts live with the caller deadline, and aborts when the caller cancels', () => {
    const call = serverCall(Date.now() + 5000);
    const [context, dispose] = createCallContext(call, '/m', 30_000, drain);
    expect(context.signal.aborted).toBe(false);
    expect(context.remainingMs()).toBeGreaterThan(0);
    call.emit('cancelled');
    expect((context.signal.reason as Error).message).toBe('cancelled by caller');
    dispose();
  });

  it('starts aborted for a call that waited in the queue until its caller gave up or its deadline passed', () => {
    const [cancelled, disposeCancelled] = createCallContext(serverCall(Date.now() + 5000, true), '/m', 30_000, drain);
    expect((cancelled.signal.reason as Error).message).toBe('cancelled by caller');
    const [late, disposeLate] = createCallContext(serverCall(Date.now() - 10), '/m', 30_000, drain);
    expect((late.signal.reason as Error).message).toBe('deadline exceeded');
    disposeCancelled();
    disposeLate();
  });

  it('aborts every call in flight when the server drains, with one listener on the drain signal, and none it has disposed', async () => {
    const draining = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    const contexts = Array.from({ length: 50 }, () => createCallContext(serverCall(Date.now() + 5000), '/m', 30_000, draining.signal));
    const [finished, disposeFinished] = contexts[0]!;
    disposeFinished();
    draining.abort();
    expect(finished.signal.aborted).toBe(false);
    for (const [context, dispose] of contexts.slice(1)) {
      expect((context.signal.reason as Error).message).toBe('server draining');
      dispose();
    }
    // Node emits its listener-leak warning on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });
});
