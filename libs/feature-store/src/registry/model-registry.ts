// Registry behaviour shared by both stores: registration with checksums, newest-first listing,
// promotion that keeps the previous production version, rollback, and checksum-verified reads.
import { createHash } from 'node:crypto';
import { sha256Hex, splitChunks } from '../domain/artifact';
import { StoreNotFoundError, StorePreconditionError } from '../errors';
import type { ArtifactChunk, ModelVersionInfo, ModelVersionInput, Promotion, Rollback } from '../types';
import type { RegistryBackend } from './backend';

export class ModelRegistry {
  constructor(private readonly backend: RegistryBackend) {}

  async register(input: ModelVersionInput, artifact: Uint8Array, now = Date.now()): Promise<ModelVersionInfo> {
    if (await this.backend.getVersion(input.model, input.version)) {
      throw new StorePreconditionError(`model ${input.model} version ${input.version} is already registered`);
    }
    const chunks = splitChunks(artifact);
    const info: ModelVersionInfo = {
      ...input,
      createdUnixMs: now,
      checksum: sha256Hex(artifact),
      stage: 'candidate',
      chunkCount: chunks.length,
      sizeBytes: artifact.length,
      promotedBy: '',
      promotedUnixMs: 0,
    };
    await this.backend.putVersion(info, chunks);
    return info;
  }

  async list(model: string, limit: number): Promise<ModelVersionInfo[]> {
    const versions = await this.backend.listVersions(model);
    return versions.sort((a, b) => b.createdUnixMs - a.createdUnixMs || (a.version < b.version ? 1 : -1)).slice(0, limit);
  }

  models(): Promise<string[]> {
    return this.backend.listModels();
  }

  async get(model: string, version?: string): Promise<ModelVersionInfo | undefined> {
    if (version) return this.backend.getVersion(model, version);
    const { current } = await this.backend.getProduction(model);
    return current ? this.backend.getVersion(model, current) : undefined;
  }

  async *read(model: string, version: string): AsyncIterable<ArtifactChunk> {
    const info = await this.required(model, version);
    const hash = createHash('sha256');
    for (let index = 0; index < info.chunkCount; index++) {
      const data = await this.backend.getChunk(model, version, index);
      if (!data) throw new StoreNotFoundError(`model ${model} version ${version}: chunk ${index} of ${info.chunkCount} is missing`);
      hash.update(data);
      // The last chunk is held back until the whole artifact matched its checksum.
      if (index === info.chunkCount - 1 && hash.digest('hex') !== info.checksum) {
        throw new StorePreconditionError(`model ${model} version ${version}: artifact does not match its checksum`);
      }
      yield { index, count: info.chunkCount, data };
    }
  }

  async promote(model: string, version: string, promotedBy: string, now = Date.now()): Promise<Promotion> {
    const info = await this.required(model, version);
    const state = await this.backend.getProduction(model);
    if (state.current === version) return { info, previousVersion: state.history.at(-1) ?? '' };
    const history = state.current ? [...state.history, state.current] : state.history;
    await this.backend.setStage(model, version, 'production', promotedBy, now);
    if (state.current) await this.backend.setStage(model, state.current, 'retired', promotedBy, now);
    await this.backend.setProduction(model, { current: version, history });
    return { info: { ...info, stage: 'production', promotedBy, promotedUnixMs: now }, previousVersion: state.current };
  }

  async rollback(model: string, promotedBy: string, now = Date.now()): Promise<Rollback> {
    const state = await this.backend.getProduction(model);
    const previous = state.history.at(-1);
    if (!state.current || !previous) throw new StorePreconditionError(`model ${model} has no earlier production version to roll back to`);
    const info = await this.required(model, previous);
    await this.backend.setStage(model, previous, 'production', promotedBy, now);
    await this.backend.setStage(model, state.current, 'retired', promotedBy, now);
    await this.backend.setProduction(model, { current: previous, history: state.history.slice(0, -1) });
    return { info: { ...info, stage: 'production', promotedBy, promotedUnixMs: now }, rolledBackVersion: state.current };
  }

  private async required(model: string, version: string): Promise<ModelVersionInfo> {
    const info = await this.backend.getVersion(model, version);
    if (!info) throw new StoreNotFoundError(`model ${model} has no version ${version}`);
    return info;
  }
}
