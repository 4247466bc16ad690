// Starts a built service as a real child process on a free port and stops it with SIGTERM, the way
// a deployment would: the whole-stack tests, `npm start` and the training pipeline's evaluation then
// talk to it over loopback like any caller.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServiceProcess {
  address: string;
  child: ChildProcess;
  /** The log lines the process wrote so far (the latest 20,000). */
  logs: string[];
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startServiceProcess(mainPath: string, env: Record<string, string>, timeoutMs = 180_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [mainPath], {
    env: { ...process.env, OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop(1000);
      reject(new Error(`${mainPath} did not report listening within ${timeoutMs} ms:\n${logs.slice(-50).join('\n')}`));
    }, timeoutMs);
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        logs.push(line);
        if (logs.length > 20_000) logs.splice(0, 10_000);
        if (!line.includes('"msg":"listening"')) return;
        const { address } = JSON.parse(line) as { address: string };
        clearTimeout(timer);
        resolve({ address, child, logs, stop });
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${mainPath} exited with ${code} before listening:\n${logs.slice(-50).join('\n')}`));
    });
  });
}
