// A load-generator process: runs the jobs the bench sends over IPC, one at a time, and answers with
// what it measured. Channels are reused across jobs, like a long-lived caller's.
import { closeAll, prepareCall } from './targets';
import { closedLoop, openLoop } from './loops';
import type { WorkerRequest, WorkerResponse } from './jobs';

// grpc-js builds an Error with a stack for every failed call, and under tsx each stack is mapped
// through source maps: at thousands of refused or late calls a second that cost the load generator
// more CPU than the calls themselves, taken from the services it measures. A status is all it reads.
Error.stackTraceLimit = 0;
process.setSourceMapsEnabled(false);

const reply = (message: WorkerResponse) => process.send!(message);

process.on('message', (message: WorkerRequest) => {
  void (async () => {
    if ('close' in message) {
      await closeAll();
      reply({ id: message.id, result: { ok: 0, degraded: 0, reused: 0, errors: {}, sent: 0, seconds: 0, latencies: [] } });
      process.disconnect();
      return;
    }
    try {
      const { job } = message;
      const call = await prepareCall(job.target, job.deadlineMs);
      const result = job.shape.kind === 'closed' ? await closedLoop(job.shape.concurrency, job.seconds, call) : await openLoop(job.shape.rate, job.seconds, call);
      reply({ id: message.id, result });
    } catch (error) {
      reply({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  })();
});
