// Load shedding by how late the event loop runs. A call limit alone does not protect a Node server
// from an open-loop flood: each call is short, so few are in flight at once, yet calls arrive faster
// than one event loop can take them, wait in the socket for longer than their callers' deadlines, and
// callers cancel them by the thousand (which Node's HTTP/2 rapid-reset guard answers by closing the
// connection). Two measures of that wait, whatever its cause (too many calls, a long computation, too
// little CPU): how late a 10 ms timer fires, and how long the current turn of the event loop has run
// (a flood arrives as one socket read of hundreds of calls, all dispatched in one turn: the last of
// them waited for all the others). New calls are refused at once (RESOURCE_EXHAUSTED, which costs a
// fraction of serving one): every further call of a turn that has run past twice the target while the
// timer runs late by more than the target (a flood: long turn after long turn), and a share of calls
// by the timer's delay alone, none at twice the target and all at four times it. Both clocks are wall
// clocks, which also run on while the machine's other processes hold the CPU, so neither rule acts on
// one long turn or a short delay: at the target itself the timer rule refused a fifth of the calls at
// half the saturation load, and a turn rule without the delay refused an evaluation's Ranks on a busy
// CI machine.
import { performance } from 'node:perf_hooks';

export interface OverloadGuard {
  /** True when this new call should be refused. */
  shed(): boolean;
  /** The smoothed event-loop delay, ms. */
  readonly delayMs: number;
  /** How long the current turn of the event loop has run, ms (0 between turns). */
  readonly turnMs: number;
  /** Starts judging, `graceMs` from now (the server listens); refuses nothing before. */
  start(graceMs?: number): void;
  stop(): void;
}

/**
 * A guard that sheds as the event loop runs late (see above; `targetMs` 0 = never sheds). It starts
 * judging a grace period after the server listens: a process that just started is still warming up
 * (caches, JIT), and its first calls are not an overload.
 */
export function eventLoopGuard(targetMs: number, random: () => number = Math.random, intervalMs = 10): OverloadGuard {
  if (targetMs <= 0) return { shed: () => false, delayMs: 0, turnMs: 0, start: () => undefined, stop: () => undefined };
  let delayMs = 0;
  let judgingFrom = Number.POSITIVE_INFINITY;
  let turnStartedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const endTurn = () => (turnStartedAt = undefined);
  return {
    shed: () => {
      const now = performance.now();
      if (now < judgingFrom) return false;
      if (turnStartedAt === undefined) {
        turnStartedAt = now;
        setImmediate(endTurn);
      } else if (now - turnStartedAt > 2 * targetMs && delayMs > targetMs) return true;
      return delayMs > 2 * targetMs && random() < (delayMs - 2 * targetMs) / (2 * targetMs);
    },
    get delayMs() {
      return delayMs;
    },
    get turnMs() {
      return turnStartedAt === undefined ? 0 : performance.now() - turnStartedAt;
    },
    start: (graceMs = 2_000) => {
      if (timer) return;
      judgingFrom = performance.now() + graceMs;
      let expected = performance.now() + intervalMs;
      timer = setInterval(() => {
        const now = performance.now();
        // Half the newest sample: one long pause (a major GC) does not shed by itself; a run of them does.
        delayMs = 0.5 * delayMs + 0.5 * Math.max(0, now - expected);
        expected = now + intervalMs;
      }, intervalMs);
      timer.unref();
    },
    stop: () => clearInterval(timer),
  };
}
