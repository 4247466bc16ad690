// Registry behaviour shared by both stores: registration with checksums, newest-first listing,
// promotion that keeps the previous production version, rollback (both a compare-and-set on the
// production pointer), and checksum-verified reads.
import { createHash } from 'node:crypto';
import { sha256Hex, splitChunks } from '../domain/artifact';
import { StoreNotFoundError, StorePreconditionError } from '../errors';
import type { ArtifactChunk, ModelVersionInfo, ModelVersionInput, Promotion, Rollback } from '../types';
import type { ProductionState, RegistryBackend } from './backend';

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
    // The production pointer first, as a compare-and-set: of two promotions racing, one wins, and the
    // loser changes nothing (not even a stage) and is told to look again.
    await this.swapProduction(model, { current: version, history }, state.current, `promote ${version}`);
    if (state.current) await this.backend.setStage(model, state.current, 'retired', promotedBy, now);
    await this.labelProduction(model, version, promotedBy, now);
    return { info: { ...info, stage: 'production', promotedBy, promotedUnixMs: now }, previousVersion: state.current };
  }

  async rollback(model: string, promotedBy: string, now = Date.now()): Promise<Rollback> {
    const state = await this.backend.getProduction(model);
    const previous = state.history.at(-1);
    if (!state.current || !previous) throw new StorePreconditionError(`model ${model} has no earlier production version to roll back to`);
    const info = await this.required(model, previous);
    await this.swapProduction(model, { current: previous, history: state.history.slice(0, -1) }, state.current, 'roll back');
    await this.backend.setStage(model, state.current, 'retired', promotedBy, now);
    await this.labelProduction(model, previous, promotedBy, now);
    return { info: { ...info, stage: 'production', promotedBy, promotedUnixMs: now }, rolledBackVersion: state.current };
  }

  private async swapProduction(model: string, next: ProductionState, expected: string, what: string): Promise<void> {
    if (await this.backend.setProduction(model, next, expected)) return;
    const now = (await this.backend.getProduction(model)).current;
    throw new StorePreconditionError(`model ${model}: production changed from ${expected || 'none'} to ${now || 'none'} while this call was about to ${what}; look again and retry if still wanted`);
  }

  /**
   * Labels `version` production, then looks at the pointer again: if a later promotion took it
   * meanwhile (and may already have retired this version), the label goes back to retired, so the
   * labels end up naming one production version whatever order the two calls' writes ran in.
   */
  private async labelProduction(model: string, version: string, promotedBy: string, now: number): Promise<void> {
    await this.backend.setStage(model, version, 'production', promotedBy, now);
    if ((await this.backend.getProduction(model)).current !== version) await this.backend.setStage(model, version, 'retired', promotedBy, now);
  }

  private async required(model: string, version: string): Promise<ModelVersionInfo> {
    const info = await this.backend.getVersion(model, version);
    if (!info) throw new StoreNotFoundError(`model ${model} has no version ${version}`);
    return info;
  }
}
