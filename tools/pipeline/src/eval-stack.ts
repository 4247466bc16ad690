// The four services over a private SQLite store that holds only the lines before one cut, for the
// evaluation steps: nothing after the cut ever reaches a service. The lines go into the store
// directly (the same store code the feature service runs); models are registered and promoted in
// that store, so the model services load them exactly as in production.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { common } from '@aisle/contracts';
import { publishModelVersion, SqliteStore, type TransactionLine } from '@aisle/feature-store';
import { serviceMain } from './paths';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';

/**
 * The private services listen on free ports, gRPC and metrics alike: a run must not depend on the
 * default ports being free (a stack of `npm start`, another run, or anything else may hold them).
 */
const ANY_PORTS = { AISLE_METRICS_PORT: '0' };

/** Budgets generous enough that a loaded 2-core machine never turns a source into a TIMEOUT. */
export const RANKER_BUDGETS = {
  AISLE_RANK_BUDGET: '5000ms',
  AISLE_RANK_BUDGET_USER_CONTEXT: '2000ms',
  AISLE_RANK_BUDGET_CANDIDATES: '2000ms',
  AISLE_RANK_BUDGET_SCORES: '2000ms',
};

export interface ModelFile {
  /** Absolute path of the artifact. */
  artifact: string;
  info: common.ModelInfo;
}

export interface ModelPair {
  copurchase: ModelFile;
  affinity: ModelFile;
}

export class EvalStack {
  private copurchase?: ServiceProcess;
  private affinity?: ServiceProcess;
  private ranker?: ServiceProcess;

  private constructor(
    private readonly storePath: string,
    private readonly features: ServiceProcess,
    private readonly maxPerFamily: number,
  ) {}

  static async open(dir: string, lines: readonly TransactionLine[], beforeUnixMs: number, maxPerFamily: number): Promise<EvalStack> {
    const storePath = join(dir, 'store.db');
    const store = new SqliteStore(storePath);
    try {
      const kept = lines.filter((line) => line.timeUnixMs < beforeUnixMs);
      for (let i = 0; i < kept.length; i += 5000) await store.ingest(kept.slice(i, i + 5000));
      await store.refreshPopularity();
    } finally {
      await store.close();
    }
    const features = await startServiceProcess(serviceMain('feature-service'), { ...ANY_PORTS, AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: storePath, AISLE_FEATURES_PORT: '0' });
    return new EvalStack(storePath, features, maxPerFamily);
  }

  /** Registers and promotes both models in the private store, then (re)starts the model services on them. */
  async serveModels(models: ModelPair): Promise<void> {
    await this.stopModels();
    const store = new SqliteStore(this.storePath);
    try {
      for (const model of [models.copurchase, models.affinity]) await publishModelVersion(model.info, readFileSync(model.artifact), { promote: true, promotedBy: 'pipeline evaluation', store });
    } finally {
      await store.close();
    }
    const env = { ...ANY_PORTS, AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: this.storePath, AISLE_FEATURES_ADDRESS: this.features.address, AISLE_MODEL_POLL_INTERVAL: '0' };
    [this.copurchase, this.affinity] = await Promise.all([
      startServiceProcess(serviceMain('copurchase-model-service'), { ...env, AISLE_COPURCHASE_PORT: '0' }),
      startServiceProcess(serviceMain('affinity-model-service'), { ...env, AISLE_AFFINITY_PORT: '0' }),
    ]);
  }

  /** Starts the ranker with the blend in `blendFile` (the registry's blend is switched off). */
  async startRanker(blendFile: string): Promise<string> {
    await this.stopRanker();
    this.ranker = await startServiceProcess(serviceMain('ranker'), {
      ...ANY_PORTS,
      AISLE_RANKER_PORT: '0',
      ...RANKER_BUDGETS,
      AISLE_RANK_MAX_PER_FAMILY: String(this.maxPerFamily),
      AISLE_FEATURES_ADDRESS: this.features.address,
      AISLE_COPURCHASE_ADDRESS: this.copurchase!.address,
      AISLE_AFFINITY_ADDRESS: this.affinity!.address,
      AISLE_BLEND_FILE: blendFile,
      AISLE_BLEND_MODEL: 'none',
      // Evaluation pages are not traffic: nothing to log (the private store is thrown away anyway).
      AISLE_SLATE_LOG: 'false',
    });
    return this.ranker.address;
  }

  async stopRanker(): Promise<void> {
    await this.ranker?.stop();
    this.ranker = undefined;
  }

  private async stopModels(): Promise<void> {
    await this.stopRanker();
    await Promise.all([this.copurchase?.stop(), this.affinity?.stop()]);
    this.copurchase = this.affinity = undefined;
  }

  async close(): Promise<void> {
    await this.stopModels();
    await this.features.stop();
  }
}
