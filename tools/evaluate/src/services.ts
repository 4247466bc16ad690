// The four services as real processes over one SQLite store, driven phase by phase: the feature
// service stays up while lines are ingested through it; models are trained by the services' own
// train CLIs (--register --promote --cut), then the model services and the ranker are (re)started.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { features } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';
import { LineNumbering, mapLimit, toTransactionLine, type RetailLine } from '@aisle/retail-data';

export const root = join(__dirname, '..', '..', '..');
const main = (service: string) => join(root, 'services', service, 'dist', 'main.js');

/** Budgets generous enough that a loaded 2-core machine never turns a source into a TIMEOUT. */
export const RANKER_BUDGETS = {
  AISLE_RANK_BUDGET: '5000ms',
  AISLE_RANK_BUDGET_USER_CONTEXT: '2000ms',
  AISLE_RANK_BUDGET_CANDIDATES: '2000ms',
  AISLE_RANK_BUDGET_SCORES: '2000ms',
};

export class Services {
  features?: ServiceProcess;
  copurchase?: ServiceProcess;
  affinity?: ServiceProcess;
  ranker?: ServiceProcess;

  constructor(
    private readonly storeEnv: Record<string, string>,
    private readonly rankerEnv: Record<string, string> = {},
  ) {}

  private get baseEnv(): Record<string, string> {
    return { ...this.storeEnv, LOG_LEVEL: 'info', AISLE_MODEL_POLL_INTERVAL: '1s' };
  }

  async startFeatures(): Promise<string> {
    this.features = await startServiceProcess(main('feature-service'), {
      ...this.baseEnv,
      AISLE_FEATURES_PORT: '0',
      AISLE_FEATURES_POPULARITY_REFRESH: '1s',
      // Short caches: after a second ingest phase, Popular and products must reflect the new lines.
      AISLE_FEATURES_POPULAR_CACHE_TTL: '1s',
      AISLE_FEATURES_PRODUCT_CACHE_TTL: '1s',
    });
    return this.features.address;
  }

  /** Waits for a popularity refresh that scanned at least `lines` product lines (i.e. began after the ingest). */
  async waitForPopularity(lines: number, timeoutMs = 240_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      for (const line of this.features!.logs) {
        if (!line.includes('"popularity refreshed"')) continue;
        const scanned = (JSON.parse(line) as { scanned?: number }).scanned ?? 0;
        if (scanned >= lines) return scanned;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`no popularity refresh over ${lines} lines within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  /** Trains, registers and promotes one model with its service's train CLI; returns the seconds it took. */
  train(model: 'copurchase' | 'affinity', args: string[]): number {
    const script = join(root, 'services', `${model}-model-service`, 'dist', 'train.js');
    const started = performance.now();
    const result = spawnSync(process.execPath, [script, '--register', '--promote', ...args], { cwd: root, env: { ...process.env, ...this.storeEnv }, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`${model} training failed with exit code ${result.status}`);
    return (performance.now() - started) / 1000;
  }

  async startModels(): Promise<void> {
    const env = { ...this.baseEnv, AISLE_FEATURES_ADDRESS: this.features!.address };
    this.copurchase = await startServiceProcess(main('copurchase-model-service'), { ...env, AISLE_COPURCHASE_PORT: '0' }, 180_000);
    this.affinity = await startServiceProcess(main('affinity-model-service'), { ...env, AISLE_AFFINITY_PORT: '0' }, 180_000);
  }

  /** Starts the ranker with the blend in `blendFile` ('' = the built-in DEFAULT_BLEND). */
  async startRanker(blendFile: string): Promise<string> {
    this.ranker = await startServiceProcess(main('ranker'), {
      ...this.baseEnv,
      ...RANKER_BUDGETS,
      ...this.rankerEnv,
      AISLE_FEATURES_ADDRESS: this.features!.address,
      AISLE_COPURCHASE_ADDRESS: this.copurchase!.address,
      AISLE_AFFINITY_ADDRESS: this.affinity!.address,
      AISLE_BLEND_FILE: blendFile,
      // The blend under evaluation, never a registered one.
      AISLE_BLEND_MODEL: 'none',
    });
    return this.ranker.address;
  }

  async stopRanker(): Promise<void> {
    await this.ranker?.stop(10_000);
    this.ranker = undefined;
  }

  async stopModels(): Promise<void> {
    await this.stopRanker();
    await Promise.all([this.copurchase?.stop(10_000), this.affinity?.stop(10_000)]);
    this.copurchase = this.affinity = undefined;
  }

  async stopAll(): Promise<void> {
    await this.stopModels();
    await this.features?.stop(10_000);
    this.features = undefined;
  }
}

/** Line ids as the dataset loader numbers them: "<invoice>:<n>", n counting every line of the invoice in file order. */
export function lineIds(lines: readonly RetailLine[]): string[] {
  const numbering = new LineNumbering();
  return lines.map((line) => numbering.next(line.invoiceNo));
}

/** Ingests the selected lines through the feature service's Ingest, a few batches in flight. */
export async function ingest(address: string, lines: readonly RetailLine[], ids: readonly string[], keep: (line: RetailLine) => boolean): Promise<{ sent: number; applied: number; duplicates: number; rejected: number }> {
  const client = createClient(features.FeatureServiceClient, address, { service: 'aisle.features.v1.FeatureService', idempotentMethods: ['Ingest'] });
  const tally = { sent: 0, applied: 0, duplicates: 0, rejected: 0 };
  const batches: features.TransactionLine[][] = [];
  let batch: features.TransactionLine[] = [];
  lines.forEach((line, index) => {
    if (!keep(line)) return;
    batch.push(toTransactionLine(line, ids[index]!));
    if (batch.length >= 2000) {
      batches.push(batch);
      batch = [];
    }
  });
  if (batch.length > 0) batches.push(batch);
  try {
    await mapLimit(batches, 4, async (lines) => {
      const response = await unaryCall(client, client.ingest, { lines }, { deadline: Date.now() + 120_000 });
      tally.sent += lines.length;
      tally.applied += response.applied;
      tally.duplicates += response.duplicates;
      tally.rejected += response.rejected.length;
    });
  } finally {
    client.close();
  }
  if (tally.rejected > 0) throw new Error(`Ingest rejected ${tally.rejected} lines`);
  return tally;
}
