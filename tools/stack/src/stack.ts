// The whole stack as real processes on free loopback ports, for end-to-end and fault tests: the
// feature service on a given store, the dataset (or a slice) loaded through Ingest, small models
// trained and promoted through the registry, then both model services and the ranker.
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';
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
  /** Variables for all four services only (e.g. where to export traces). */
  serviceEnv?: Record<string, string>;
}

export interface Stack {
  features: ServiceProcess;
  copurchase: ServiceProcess;
  affinity: ServiceProcess;
  ranker: ServiceProcess;
  /** Variables every process got (addresses, store). */
  env: Record<string, string>;
  /** Starts a (killed or stopped) service again on its old address, with its old settings. */
  restart(name: ServiceKey): Promise<ServiceProcess>;
  /** Starts one more ranker process on the same downstreams and settings (or these changed), on a free port. */
  addRanker(env?: Record<string, string>): Promise<ServiceProcess>;
  /** Rankers started by addRanker, stopped with the stack. */
  extraRankers: ServiceProcess[];
  stop(): Promise<void>;
}

export type ServiceKey = 'features' | 'copurchase' | 'affinity' | 'ranker';

const PORT_VARIABLE: Record<ServiceKey, string> = {
  features: 'AISLE_FEATURES_PORT',
  copurchase: 'AISLE_COPURCHASE_PORT',
  affinity: 'AISLE_AFFINITY_PORT',
  ranker: 'AISLE_RANKER_PORT',
};
const MAIN: Record<ServiceKey, string> = { features: 'feature-service', copurchase: 'copurchase-model-service', affinity: 'affinity-model-service', ranker: 'ranker' };

export async function startStack(options: StackOptions): Promise<Stack> {
  // Logs stay at info: the harness reads the "listening" line (and keeps the rest for failures).
  // Metrics endpoints on any free port, so stacks never collide with each other or with `npm start`.
  const quiet = { AISLE_MODEL_POLL_INTERVAL: '1s', AISLE_METRICS_PORT: '0' };
  const services = options.serviceEnv ?? {};
  const launched = new Map<ServiceKey, Record<string, string>>();
  const launch = (name: ServiceKey, env: Record<string, string>) => {
    launched.set(name, env);
    return startServiceProcess(main(MAIN[name]), { ...env, [PORT_VARIABLE[name]]: '0' });
  };
  const features = await launch('features', { ...quiet, ...options.storeEnv, ...services, AISLE_FEATURES_POPULARITY_REFRESH: '200ms' });
  const env: Record<string, string> = { ...quiet, ...options.storeEnv, AISLE_FEATURES_ADDRESS: features.address };
  const started: ServiceProcess[] = [features];
  try {
    await prepareStack({ featuresAddress: features.address, env: { ...process.env, ...env }, limit: options.limit, trainArgs: options.trainArgs });
    const copurchase = await launch('copurchase', { ...env, ...services });
    started.push(copurchase);
    const affinity = await launch('affinity', { ...env, ...services });
    started.push(affinity);
    Object.assign(env, { AISLE_COPURCHASE_ADDRESS: copurchase.address, AISLE_AFFINITY_ADDRESS: affinity.address });
    const ranker = await launch('ranker', { ...env, ...services, ...options.rankerEnv });
    started.push(ranker);
    const stack: Stack = {
      features,
      copurchase,
      affinity,
      ranker,
      env,
      restart: async (name) => {
        const old = stack[name];
        old.child.kill('SIGKILL');
        await old.stop(0);
        const port = old.address.slice(old.address.lastIndexOf(':') + 1);
        const fresh = await startServiceProcess(main(MAIN[name]), { ...launched.get(name)!, [PORT_VARIABLE[name]]: port });
        started.splice(started.indexOf(old), 1, fresh);
        stack[name] = fresh;
        return fresh;
      },
      addRanker: async (env = {}) => {
        const extra = await launch('ranker', { ...launched.get('ranker')!, ...env });
        started.push(extra);
        stack.extraRankers.push(extra);
        return extra;
      },
      extraRankers: [],
      stop: () => stopAll(started),
    };
    return stack;
  } catch (error) {
    await stopAll(started);
    // What the services said is usually the explanation (e.g. the store refusing a write).
    const said = started.map((service) => service.logs.filter((line) => /"level":(40|50|60)/.test(line)).slice(-5).join('\n')).filter(Boolean);
    if (said.length > 0 && error instanceof Error) error.message += `\nservice warnings and errors:\n${said.join('\n')}`;
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
