// Model registry tables in SQLite. Version metadata is kept as JSON (it is read whole, never queried).
import type { Database } from './sqlite-api';
import type { ProductionState, RegistryBackend } from '../registry/backend';
import type { ModelStage, ModelVersionInfo } from '../types';

export class SqliteRegistryBackend implements RegistryBackend {
  constructor(private readonly db: Database) {}

  async putVersion(info: ModelVersionInfo, chunks: Uint8Array[]): Promise<void> {
    const putChunk = this.db.prepare('INSERT OR REPLACE INTO model_artifact_chunks (model, version, chunk_index, data) VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      chunks.forEach((chunk, index) => putChunk.run(info.model, info.version, index, Buffer.from(chunk)));
      this.db.prepare('INSERT INTO model_versions (model, version, info) VALUES (?, ?, ?)').run(info.model, info.version, JSON.stringify(info));
    }).immediate();
  }

  async getVersion(model: string, version: string): Promise<ModelVersionInfo | undefined> {
    const row = this.db.prepare('SELECT info FROM model_versions WHERE model = ? AND version = ?').get(model, version) as { info: string } | undefined;
    return row ? (JSON.parse(row.info) as ModelVersionInfo) : undefined;
  }

  async listVersions(model: string): Promise<ModelVersionInfo[]> {
    const rows = this.db.prepare('SELECT info FROM model_versions WHERE model = ?').all(model) as { info: string }[];
    return rows.map((row) => JSON.parse(row.info) as ModelVersionInfo);
  }

  async listModels(): Promise<string[]> {
    return (this.db.prepare('SELECT DISTINCT model FROM model_versions ORDER BY model').all() as { model: string }[]).map((row) => row.model);
  }

  async getChunk(model: string, version: string, index: number): Promise<Uint8Array | undefined> {
    const row = this.db.prepare('SELECT data FROM model_artifact_chunks WHERE model = ? AND version = ? AND chunk_index = ?').get(model, version, index) as { data: Buffer } | undefined;
    return row ? new Uint8Array(row.data) : undefined;
  }

  async getProduction(model: string): Promise<ProductionState> {
    const row = this.db.prepare('SELECT current_version AS current, history FROM model_production WHERE model = ?').get(model) as { current: string; history: string } | undefined;
    return row ? { current: row.current, history: JSON.parse(row.history) as string[] } : { current: '', history: [] };
  }

  async setProduction(model: string, state: ProductionState, expectedCurrent: string): Promise<boolean> {
    // IMMEDIATE: the write lock is taken before the read, so another process sharing the file cannot
    // change production between this check and this write.
    return this.db
      .transaction(() => {
        const row = this.db.prepare('SELECT current_version AS current FROM model_production WHERE model = ?').get(model) as { current: string } | undefined;
        if ((row?.current ?? '') !== expectedCurrent) return false;
        this.db
          .prepare('INSERT OR REPLACE INTO model_production (model, current_version, history, updated_ms) VALUES (?, ?, ?, ?)')
          .run(model, state.current, JSON.stringify(state.history), Date.now());
        return true;
      })
      .immediate();
  }

  async setStage(model: string, version: string, stage: ModelStage, promotedBy: string, promotedUnixMs: number): Promise<void> {
    const info = await this.getVersion(model, version);
    if (!info) return;
    const updated: ModelVersionInfo = { ...info, stage, ...(stage === 'production' ? { promotedBy, promotedUnixMs } : {}) };
    this.db.prepare('UPDATE model_versions SET info = ? WHERE model = ? AND version = ?').run(JSON.stringify(updated), model, version);
  }
}
