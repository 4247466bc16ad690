// First-run preparation of a stack's store: the shipped dataset loaded through Ingest, and trained
// models registered and promoted. Each step checks first, so later runs reuse what is there.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { features, registry } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';

const root = join(__dirname, '..', '..', '..');

export interface PrepareOptions {
  featuresAddress: string;
  env: NodeJS.ProcessEnv;
  /** Load only the first N dataset records (tests); all by default. */
  limit?: number;
  /** Extra arguments for each model's training command (tests train smaller models). */
  trainArgs?: Record<string, string[]>;
}

/** A customer with history in every window of the dataset; the demo and the checks use it. */
export const PROBE_USER = '17850';

function run(command: string, args: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

async function hasData(address: string): Promise<boolean> {
  const client = createClient(features.FeatureServiceClient, address, { service: 'aisle.features.v1.FeatureService' });
  try {
    const context = await unaryCall(client, client.getUserContext, { userId: PROBE_USER, recentLimit: 1 }, { deadline: Date.now() + 10_000 });
    return context.known;
  } finally {
    client.close();
  }
}

async function productionVersion(address: string, model: string): Promise<string | undefined> {
  const client = createClient(registry.ModelRegistryServiceClient, address, { service: 'aisle.features.v1.ModelRegistryService' });
  try {
    const response = await unaryCall(client, client.getModelVersion, { model, version: '' }, { deadline: Date.now() + 10_000 });
    return response.info?.id?.version;
  } catch (error) {
    if ((error as ServiceError).code === status.NOT_FOUND) return undefined;
    throw error;
  } finally {
    client.close();
  }
}

export const MODELS = [
  { model: 'copurchase', train: join(root, 'services/copurchase-model-service/dist/train.js') },
  { model: 'affinity', train: join(root, 'services/affinity-model-service/dist/train.js') },
] as const;

export async function prepareStack(options: PrepareOptions): Promise<void> {
  if (await hasData(options.featuresAddress)) {
    console.log('Store: already loaded.');
  } else {
    console.log('Store: loading the shipped dataset through Ingest (first run only)...');
    const limit = options.limit ? ['--limit', String(options.limit)] : [];
    run(process.execPath, ['--import', 'tsx', join(root, 'tools/load-dataset/src/main.ts'), '--address', options.featuresAddress, ...limit], options.env);
  }
  for (const { model, train } of MODELS) {
    const version = await productionVersion(options.featuresAddress, model);
    if (version) {
      console.log(`Model ${model}: production version ${version}.`);
      continue;
    }
    console.log(`Model ${model}: training on the shipped dataset, then registering and promoting it (first run only)...`);
    run(process.execPath, [train, '--register', '--promote', ...(options.trainArgs?.[model] ?? [])], options.env);
  }
}
