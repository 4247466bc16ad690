import type { common } from '@aisle/contracts';
import { sha256Hex } from '../envelope';
import type { ModelVersionInfo, VersionedModelSource } from '../source';

export interface PublishOptions {
  /** Registry metadata to merge in (e.g. metrics); `id`, `stage` and `checksum` are filled in. */
  info?: Partial<common.ModelInfo>;
  /** Overrides the registered checksum, to simulate an artifact corrupted after registration. */
  checksum?: string;
  /** Make it the production version (default true); false registers it as a candidate only. */
  promote?: boolean;
}

/** An in-memory registry for unit tests: publish versions, promote them, make it fail. */
export class InMemoryModelSource implements VersionedModelSource {
  private readonly artifacts = new Map<string, Uint8Array>();
  private readonly infos = new Map<string, ModelVersionInfo>();
  private readonly productionOf = new Map<string, string>();
  /** When set, every call rejects with this error (registry down). */
  failure: Error | undefined;
  fetches = 0;
  /** Calls of `version` (metadata look-ups of a given version). */
  lookups = 0;

  /** Registers `bytes` as `model@version` and makes it the production version (unless `promote: false`). */
  publish(model: string, version: string, bytes: Uint8Array, options: PublishOptions = {}): ModelVersionInfo {
    const info: ModelVersionInfo = {
      createdUnixMs: Date.now(),
      trainStartUnixMs: 0,
      trainEndUnixMs: 0,
      trainingRows: 0,
      inputHash: '',
      codeVersion: '',
      parameters: {},
      metrics: {},
      loadedUnixMs: 0,
      ...options.info,
      id: { model, version },
      checksum: options.checksum ?? sha256Hex(bytes),
      stage: options.promote === false ? 'candidate' : 'production',
    };
    this.artifacts.set(`${model}@${version}`, Uint8Array.from(bytes));
    this.infos.set(`${model}@${version}`, info);
    if (options.promote !== false) this.productionOf.set(model, version);
    return info;
  }

  /** Registers `bytes` as `model@version` without promoting it. */
  register(model: string, version: string, bytes: Uint8Array, options: Omit<PublishOptions, 'promote'> = {}): ModelVersionInfo {
    return this.publish(model, version, bytes, { ...options, promote: false });
  }

  async version(model: string, version: string): Promise<ModelVersionInfo | undefined> {
    if (this.failure) throw this.failure;
    this.lookups += 1;
    const info = this.infos.get(`${model}@${version}`);
    return info && { ...info, stage: this.productionOf.get(model) === version ? 'production' : 'candidate' };
  }

  async production(model: string): Promise<ModelVersionInfo | undefined> {
    if (this.failure) throw this.failure;
    const version = this.productionOf.get(model);
    return version === undefined ? undefined : this.infos.get(`${model}@${version}`);
  }

  async fetch(model: string, version: string): Promise<Uint8Array> {
    if (this.failure) throw this.failure;
    this.fetches += 1;
    const bytes = this.artifacts.get(`${model}@${version}`);
    if (!bytes) throw new Error(`no artifact ${model}@${version}`);
    return Uint8Array.from(bytes);
  }
}
