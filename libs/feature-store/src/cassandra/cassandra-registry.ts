// Model registry tables in Cassandra: metadata by (model, version), chunks by (model, version, index).
import { types } from 'cassandra-driver';
import type { ProductionState, RegistryBackend } from '../registry/backend';
import type { ModelStage, ModelVersionInfo } from '../types';
import { READ_PROFILE, WRITE_PROFILE, type CassandraConnection } from './connection';
import type { Statements } from './statements';
import { long, num } from './values';

const READ = { prepare: true, executionProfile: READ_PROFILE };
const WRITE = { prepare: true, executionProfile: WRITE_PROFILE };
// Paxos among the local data center's replicas: the registry's compare-and-set (see RegistryBackend).
const COMPARE_AND_SET = { ...WRITE, serialConsistency: types.consistencies.localSerial };

function toInfo(row: types.Row): ModelVersionInfo {
  const metrics = (row.get('metrics') as Record<string, number> | null) ?? {};
  return {
    model: row.get('model'),
    version: row.get('version'),
    createdUnixMs: num(row.get('created_ms')),
    trainStartUnixMs: num(row.get('train_start_ms')),
    trainEndUnixMs: num(row.get('train_end_ms')),
    trainingRows: num(row.get('training_rows')),
    inputHash: row.get('input_hash') ?? '',
    codeVersion: row.get('code_version') ?? '',
    parameters: { ...((row.get('parameters') as Record<string, string> | null) ?? {}) },
    metrics: Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, Number(value)])),
    checksum: row.get('checksum') ?? '',
    stage: (row.get('stage') ?? 'candidate') as ModelStage,
    chunkCount: row.get('chunk_count') ?? 0,
    sizeBytes: num(row.get('size_bytes')),
    promotedBy: row.get('promoted_by') ?? '',
    promotedUnixMs: num(row.get('promoted_ms')),
  };
}

export class CassandraRegistryBackend implements RegistryBackend {
  constructor(
    private readonly connection: CassandraConnection,
    private readonly q: Statements,
  ) {}

  async putVersion(info: ModelVersionInfo, chunks: Uint8Array[]): Promise<void> {
    const client = await this.connection.client();
    for (const [index, chunk] of chunks.entries()) await client.execute(this.q.insertChunk, [info.model, info.version, index, Buffer.from(chunk)], WRITE);
    await client.execute(
      this.q.insertVersion,
      [info.model, info.version, long(info.createdUnixMs), long(info.trainStartUnixMs), long(info.trainEndUnixMs), long(info.trainingRows), info.inputHash, info.codeVersion, info.parameters, info.metrics, info.checksum, info.stage, info.chunkCount, long(info.sizeBytes), info.promotedBy, long(info.promotedUnixMs)],
      WRITE,
    );
  }

  async getVersion(model: string, version: string): Promise<ModelVersionInfo | undefined> {
    const row = (await (await this.connection.client()).execute(this.q.selectVersion, [model, version], READ)).first();
    return row ? toInfo(row) : undefined;
  }

  async listVersions(model: string): Promise<ModelVersionInfo[]> {
    return (await (await this.connection.client()).execute(this.q.selectVersions, [model], READ)).rows.map(toInfo);
  }

  async listModels(): Promise<string[]> {
    const rows = (await (await this.connection.client()).execute(this.q.selectModels, [], READ)).rows;
    return rows.map((row) => row.get('model') as string).sort();
  }

  async getChunk(model: string, version: string, index: number): Promise<Uint8Array | undefined> {
    const row = (await (await this.connection.client()).execute(this.q.selectChunk, [model, version, index], READ)).first();
    return row ? new Uint8Array(row.get('data') as Buffer) : undefined;
  }

  async getProduction(model: string): Promise<ProductionState> {
    const row = (await (await this.connection.client()).execute(this.q.selectProduction, [model], READ)).first();
    return row ? { current: row.get('current_version') ?? '', history: (row.get('history') as string[] | null) ?? [] } : { current: '', history: [] };
  }

  async setProduction(model: string, state: ProductionState, expectedCurrent: string): Promise<boolean> {
    const client = await this.connection.client();
    const result = expectedCurrent
      ? await client.execute(this.q.updateProduction, [state.current, state.history, long(Date.now()), model, expectedCurrent], COMPARE_AND_SET)
      : await client.execute(this.q.insertProduction, [model, state.current, state.history, long(Date.now())], COMPARE_AND_SET);
    return result.wasApplied();
  }

  async setStage(model: string, version: string, stage: ModelStage, promotedBy: string, promotedUnixMs: number): Promise<void> {
    const client = await this.connection.client();
    if (stage === 'production') await client.execute(this.q.updateStage, [stage, promotedBy, long(promotedUnixMs), model, version], WRITE);
    else await client.execute(this.q.updateStageOnly, [stage, model, version], WRITE);
  }
}
