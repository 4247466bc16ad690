// `npm start`: the whole stack on this machine, in the foreground until Ctrl-C. First run prepares
// the embedded store (the shipped dataset, trained and registered models); later runs reuse it.
// Then it starts the four services, waits until each is SERVING and prints a real recommendation.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { defaultAddress, SERVICE_PORTS, type ServiceName } from '@aisle/config';
import { checkHealth } from '@aisle/grpc-kit';
import { prepareStack } from './prepare';
import { showRecommendation } from './show-recommendation';

const root = join(__dirname, '..', '..', '..');

const SERVICES: { name: ServiceName; dir: string; grpcService: string }[] = [
  { name: 'features', dir: 'feature-service', grpcService: 'aisle.features.v1.FeatureService' },
  { name: 'copurchase', dir: 'copurchase-model-service', grpcService: 'aisle.copurchase.v1.CopurchaseService' },
  { name: 'affinity', dir: 'affinity-model-service', grpcService: 'aisle.affinity.v1.AffinityService' },
  { name: 'ranker', dir: 'ranker', grpcService: 'aisle.ranker.v1.RankerService' },
];

function address(name: ServiceName): string {
  const port = process.env[`AISLE_${name.toUpperCase()}_PORT`] ?? String(SERVICE_PORTS[name]);
  return `127.0.0.1:${port}`;
}

async function waitServing(name: ServiceName, grpcService: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during start-up`);
    const state = await checkHealth(address(name), grpcService, 1000).catch(() => 'UNREACHABLE');
    if (state === 'SERVING') return;
    if (Date.now() - started > timeoutMs) throw new Error(`${name} not SERVING after ${timeoutMs} ms (last: ${state})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AISLE_FEATURES_ADDRESS: process.env.AISLE_FEATURES_ADDRESS ?? address('features'),
    AISLE_COPURCHASE_ADDRESS: process.env.AISLE_COPURCHASE_ADDRESS ?? address('copurchase'),
    AISLE_AFFINITY_ADDRESS: process.env.AISLE_AFFINITY_ADDRESS ?? address('affinity'),
    // No collector on a laptop by default; set OTEL_TRACES_EXPORTER=otlp to send traces.
    OTEL_TRACES_EXPORTER: process.env.OTEL_TRACES_EXPORTER ?? 'none',
    OTEL_METRICS_EXPORTER: process.env.OTEL_METRICS_EXPORTER ?? 'none',
    OTEL_LOGS_EXPORTER: process.env.OTEL_LOGS_EXPORTER ?? 'none',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };

  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping: each service drains its in-flight calls...');
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const startService = (service: (typeof SERVICES)[number]) => {
    const child = spawn(process.execPath, [join(root, 'services', service.dir, 'dist', 'main.js')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    children.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${service.dir} stopped unexpectedly (code ${code}, signal ${signal}); stopping the stack.`);
        void stopAll(1);
      }
    });
    return child;
  };

  // The feature service comes first: preparing the store and the models goes through it.
  const featureService = SERVICES[0]!;
  const features = startService(featureService);
  await waitServing(featureService.name, featureService.grpcService, features);
  await prepareStack({ featuresAddress: address('features'), env });

  for (const service of SERVICES.slice(1)) {
    const child = startService(service);
    await waitServing(service.name, service.grpcService, child);
  }
  console.log('\nAisle is running:');
  for (const service of SERVICES) console.log(`  ${service.dir.padEnd(26)} ${address(service.name)}  (${service.grpcService})`);

  await showRecommendation(address('ranker'), process.env.AISLE_DEMO_USER);
  console.log(`\nCall it yourself, e.g. with grpcurl: grpcurl -plaintext -d '{"user_id":"17850","k":5}' ${defaultAddress('ranker')} aisle.ranker.v1.RankerService/Rank`);
  console.log('Press Ctrl-C to stop.');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
