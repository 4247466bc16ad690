// The whole stack as real processes on free loopback ports, for end-to-end and fault tests: the
// feature service on a given store, the dataset (or a slice) loaded through Ingest, small models
// trained and promoted through the registry, then both model services and the ranker.
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit/testing';
import { prepareStack } from './prepare';

const root = join(__dirname, '..', '..', '..');
const main = (service: string) => join(root, 'services', service, 'dist', 'main.js');

export interface StackOptions {
  /** Store variables (AISLE_STORE, AISLE_SQLITE_PATH or AISLE_CASSANDRA_*). */
  storeEnv: Record<string, string>;
  /** Dataset records to load (a slice keeps tests fast). */
  limit?: number;
  trainArgs?: Record<string, string[]>;
  rankerEnv?: Record<string, string>;
}

export interface Stack {
  features: ServiceProcess;
  copurchase: ServiceProcess;
  affinity: ServiceProcess;
  ranker: ServiceProcess;
  /** Variables every process got (addresses, store). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  // Logs stay at info: the harness reads the "listening" line (and keeps the rest for failures).
  const quiet = { AISLE_MODEL_POLL_INTERVAL: '1s' };
  const features = await startServiceProcess(main('feature-service'), { ...quiet, ...options.storeEnv, AISLE_FEATURES_PORT: '0', AISLE_FEATURES_POPULARITY_REFRESH: '200ms' });
  const env: Record<string, string> = { ...quiet, ...options.storeEnv, AISLE_FEATURES_ADDRESS: features.address };
  const started: ServiceProcess[] = [features];
  try {
    await prepareStack({ featuresAddress: features.address, env: { ...process.env, ...env }, limit: options.limit, trainArgs: options.trainArgs });
    const copurchase = await startServiceProcess(main('copurchase-model-service'), { ...env, AISLE_COPURCHASE_PORT: '0' });
    started.push(copurchase);
    const affinity = await startServiceProcess(main('affinity-model-service'), { ...env, AISLE_AFFINITY_PORT: '0' });
    started.push(affinity);
    Object.assign(env, { AISLE_COPURCHASE_ADDRESS: copurchase.address, AISLE_AFFINITY_ADDRESS: affinity.address });
    const ranker = await startServiceProcess(main('ranker'), { ...env, ...options.rankerEnv, AISLE_RANKER_PORT: '0' });
    started.push(ranker);
    return { features, copurchase, affinity, ranker, env, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(processes: ServiceProcess[]): Promise<void> {
  await Promise.all(
    processes.map((service) => {
      // A test may have frozen a process (SIGSTOP) to simulate a hang: let it receive SIGTERM.
      service.child.kill('SIGCONT');
      return service.stop(5000);
    }),
  );
}
