// The load-generator processes, forked once and reused by every phase: the bench's own process only
// schedules phases and samples /proc, it never makes the measured calls.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Job, WorkerRequest, WorkerResponse } from './jobs';
import { mergePhases, type RawPhase } from './stats';

const TSCONFIG = join(__dirname, '..', 'tsconfig.json');

export interface LoadProcess {
  name: string;
  child: ChildProcess;
  run(job: Job): Promise<RawPhase>;
  close(): Promise<void>;
}

export function startLoadProcess(name: string): LoadProcess {
  const child = fork(join(__dirname, 'worker.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (phase: RawPhase) => void; reject: (error: Error) => void }>();
  child.on('message', (message: WorkerResponse) => {
    const pending = waiting.get(message.id);
    if (!pending) return;
    waiting.delete(message.id);
    if ('error' in message) pending.reject(new Error(`${name}: ${message.error}`));
    else pending.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const pending of waiting.values()) pending.reject(new Error(`${name} exited (${code ?? signal})`));
    waiting.clear();
  });
  const send = (request: WorkerRequest) =>
    new Promise<RawPhase>((resolve, reject) => {
      waiting.set(request.id, { resolve, reject });
      child.send(request);
    });
  return {
    name,
    child,
    run: (job) => send({ id: next++, job }),
    close: async () => {
      if (child.exitCode !== null || !child.connected) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await send({ id: next++, close: true }).catch(() => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs jobs side by side, one per load process, and merges what they measured. */
export async function runTogether(assignments: readonly { load: LoadProcess; job: Job }[]): Promise<RawPhase> {
  return mergePhases(await Promise.all(assignments.map(({ load, job }) => load.run(job))));
}

/** The echo server as its own process (so it pays the same loopback and scheduling costs). */
export async function startEchoProcess(): Promise<{ address: string; pid: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'echo-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk) => resolve((JSON.parse(String(chunk)) as { address: string }).address));
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
  return {
    address,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
