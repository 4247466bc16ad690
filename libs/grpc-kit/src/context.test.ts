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
    // Each handler has asked for its signal (so each is watching the drain).
    for (const [context] of contexts) expect(context.signal.aborted).toBe(false);
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

  it('makes no signal, timer or listener for a call whose signal nobody asks for, and one asked for late starts as the call stands', async () => {
    const call = serverCall(Date.now() + 30);
    const [context, dispose] = createCallContext(call, '/m', 30_000, drain);
    expect(call.listenerCount('cancelled')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // First asked for after the deadline: aborted at once.
    expect((context.signal.reason as Error).message).toBe('deadline exceeded');
    dispose();

    const watched = serverCall(Date.now() + 5000);
    const [live, disposeLive] = createCallContext(watched, '/m', 30_000, drain);
    expect(live.signal.aborted).toBe(false);
    expect(watched.listenerCount('cancelled')).toBe(1);
    disposeLive();
    expect(watched.listenerCount('cancelled')).toBe(0);
    // After the call is done nothing aborts its signal.
    watched.emit('cancelled');
    expect(live.signal.aborted).toBe(false);

    const [soon, disposeSoon] = createCallContext(serverCall(Date.now() + 20), '/m', 30_000, drain);
    expect(soon.signal.aborted).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((soon.signal.reason as Error).message).toBe('deadline exceeded');
    disposeSoon();
  });
});
