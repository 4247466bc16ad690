// ModelVersions: the production version of a model (a HotSwapModel) plus, on request, other
// registered versions of the same model ("pinned" versions: an experiment's variants). A request
// names a version or "" for production. A pinned version is loaded in the background on its first
// request, which fails fast with UNAVAILABLE meanwhile (the caller retries or falls back), so a
// request never waits for a registry fetch. At most `maxPinned` pinned versions stay loaded; the least
// recently used one is evicted, and like a swapped-out production version it is disposed only after
// its last in-flight user is done.
//
// What the registry said about a version that cannot be served is remembered for a while, so a flood
// of requests for it costs no registry calls: a version it does not have is NOT_FOUND (for
// `missTtlMs`), one whose artifact fails its checksum or its loader is FAILED_PRECONDITION (for
// `refusedTtlMs`), and a fetch that failed (registry unreachable) is UNAVAILABLE (for `retryMs`). Once
// that time is up the next request asks again in the background and is still answered from memory.
import { FailedPreconditionError, NotFoundError, requireText, UnavailableError, type AisleError } from '@aisle/grpc-kit';
import { ATTR, meter, type Logger } from '@aisle/telemetry';
import { HotSwapModel, type HotSwapOptions, type LoadedModel } from './hot-swap';
import { ModelSlot } from './slot';
import type { ModelVersionInfo, VersionedModelSource } from './source';
import { fetchVerifiedModel } from './verified-load';

/** The request field every model service names when it rejects or cannot serve a version. */
export const MODEL_VERSION_FIELD = 'model_version';
/** Longest `model_version` a request may carry (as the model services' protos document). */
export const MODEL_VERSION_MAX_LENGTH = 128;

/**
 * Validates a request's `model_version`: "" (production) or up to 128 printable characters;
 * INVALID_ARGUMENT naming `model_version` otherwise.
 */
export function requireModelVersion(value: string): string {
  return requireText(value, MODEL_VERSION_FIELD, MODEL_VERSION_MAX_LENGTH);
}

export interface PinnedVersionOptions<T> {
  /** Model name in the registry, e.g. "copurchase". */
  model: string;
  source: VersionedModelSource;
  /** Builds the servable model from verified artifact bytes (the production loader). Throwing refuses the version. */
  load: (bytes: Uint8Array, info: ModelVersionInfo) => T | Promise<T>;
  /** Releases an evicted model once no request uses it any more. */
  dispose?: (old: T) => void | Promise<void>;
  /** Pinned versions kept loaded at once (default 2); 0 serves production only (FAILED_PRECONDITION for any other). */
  maxPinned?: number;
  /** How long a version the registry does not have is answered NOT_FOUND before the registry is asked again (default 30 s). */
  missTtlMs?: number;
  /** How long a version that failed its checksum or its loader is refused before it is tried again (default 60 s). */
  refusedTtlMs?: number;
  /** How long after a failed registry call a version is answered UNAVAILABLE before it is tried again (default 1 s). */
  retryMs?: number;
  logger: Logger;
}

export interface ModelVersionsOptions<T> extends PinnedVersionOptions<T> {
  /** The production version, polled and swapped by its own HotSwapModel over the same source. */
  production: HotSwapModel<T>;
}


type Outcome = 'missing' | 'refused' | 'unreachable';

interface Remembered {
  readonly outcome: Outcome;
  /** Said to the caller (never the registry's own error text). */
  readonly reason: string;
  /** Until then, no new attempt. */
  readonly until: number;
}

/** Distinct unservable versions remembered at most (a flood of random versions stays bounded). */
const MAX_REMEMBERED = 1024;
const VERSION_KIND = 'aisle.model.version_kind';
const REQUEST_OUTCOME = 'aisle.model.request_outcome';
const LOAD_OUTCOME = 'aisle.model.load_outcome';

const requests = meter.createCounter('aisle.model.requests', { description: 'Model requests by version kind (production or pinned) and outcome (served, loading, not_found, refused, unavailable)' });
const pinnedLoads = meter.createCounter('aisle.model.pinned.loads', { description: 'Loads of pinned (non-production) model versions by outcome (loaded, missing, refused, unreachable)' });
const pinnedEvictions = meter.createCounter('aisle.model.pinned.evictions', { description: 'Pinned model versions evicted (least recently used)' });
const pinnedLoadDuration = meter.createHistogram('aisle.model.pinned.load.duration', { description: 'Look-up, fetch, verify and load time of a pinned model version', unit: 'ms' });

export class ModelVersions<T> {
  /** Loaded pinned versions; Map order is least recently used first. */
  private readonly pinned = new Map<string, ModelSlot<T>>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly remembered = new Map<string, Remembered>();
  private readonly maxPinned: number;
  private stopped = false;

  constructor(private readonly options: ModelVersionsOptions<T>) {
    this.maxPinned = options.maxPinned ?? 2;
    if (!Number.isInteger(this.maxPinned) || this.maxPinned < 0) throw new Error(`maxPinned must be a whole number ≥ 0, got ${this.maxPinned}`);
  }

  /** Starts the production HotSwapModel (as `HotSwapModel.start`) and serves pinned versions beside it. */
  static async start<T>(options: HotSwapOptions<T> & PinnedVersionOptions<T>): Promise<ModelVersions<T>> {
    const production = await HotSwapModel.start(options);
    return new ModelVersions({ ...options, production });
  }

  /** The production HotSwapModel (refresh, current version). */
  get production(): HotSwapModel<T> {
    return this.options.production;
  }

  /** Registry metadata of the production version (what GetModelInfo reports). */
  info(): ModelVersionInfo {
    return this.options.production.info();
  }

  /** Pinned versions loaded now, least recently used first. */
  pinnedVersions(): string[] {
    return [...this.pinned.keys()];
  }

  /**
   * Runs `fn` with `version` ("" or the production version: production), holding it until `fn`
   * returns or its promise settles. A version not loaded yet throws at once: UnavailableError while it
   * loads (its first request starts the load), NotFoundError when the registry has no such version,
   * FailedPreconditionError when it failed to verify or load. Synchronous `fn`s stay synchronous.
   */
  use<R>(version: string, fn: (model: LoadedModel<T>) => R): R {
    const { production, model } = this.options;
    // The handlers validate first; this keeps unvalidated input from ever reaching the registry.
    if (version !== '') requireModelVersion(version);
    if (version === '' || version === production.current().info.id?.version) {
      requests.add(1, { [ATTR.MODEL_NAME]: model, [VERSION_KIND]: 'production', [REQUEST_OUTCOME]: 'served' });
      return production.use(fn);
    }
    const slot = this.pinned.get(version);
    if (!slot) {
      const error = this.notLoaded(version);
      requests.add(1, { [ATTR.MODEL_NAME]: model, [VERSION_KIND]: 'pinned', [REQUEST_OUTCOME]: outcomeOf(error) });
      throw error;
    }
    requests.add(1, { [ATTR.MODEL_NAME]: model, [VERSION_KIND]: 'pinned', [REQUEST_OUTCOME]: 'served' });
    // Most recently used goes last.
    this.pinned.delete(version);
    this.pinned.set(version, slot);
    return slot.use(fn);
  }

  /** Resolves once no pinned load is in flight (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.loading.size > 0) await Promise.allSettled([...this.loading.values()]);
  }

  /**
   * Stops the production model's polling; every loaded version is disposed once its last user is done,
   * and a pinned version still loading is disposed as soon as it has loaded.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.options.production.stop();
    for (const slot of this.pinned.values()) slot.retire();
    this.pinned.clear();
  }

  private notLoaded(version: string): AisleError {
    const { model } = this.options;
    if (this.maxPinned === 0) return new FailedPreconditionError(`${MODEL_VERSION_FIELD}: this server serves only the production version of ${model}`);
    const known = this.remembered.get(version);
    const due = !known || Date.now() >= known.until;
    // At most `maxPinned` loads at once (at least one), so a flood of distinct versions cannot flood the registry.
    if (due && !this.stopped && !this.loading.has(version) && this.loading.size < Math.max(1, this.maxPinned)) this.startLoad(version);
    if (known?.outcome === 'missing') return new NotFoundError(`${MODEL_VERSION_FIELD}: ${model} has no version ${version}`);
    if (known?.outcome === 'refused') return new FailedPreconditionError(`${MODEL_VERSION_FIELD}: ${model} ${version} cannot be served: ${known.reason}`);
    if (this.loading.has(version)) return new UnavailableError(`${MODEL_VERSION_FIELD}: loading ${version}`);
    if (known?.outcome === 'unreachable') return new UnavailableError(`${MODEL_VERSION_FIELD}: ${model} ${version} ${known.reason}; retry`);
    return new UnavailableError(`${MODEL_VERSION_FIELD}: busy loading other versions of ${model}; retry`);
  }

  private startLoad(version: string): void {
    const task = this.loadPinned(version)
      .catch((error: unknown) => this.options.logger.error({ err: error, model: this.options.model, version }, 'loading a pinned model version failed unexpectedly'))
      .finally(() => this.loading.delete(version));
    this.loading.set(version, task);
  }

  private async loadPinned(version: string): Promise<void> {
    const { model, source, logger } = this.options;
    const attributes = { [ATTR.MODEL_NAME]: model, [ATTR.MODEL_VERSION]: version };
    const started = performance.now();
    let info: ModelVersionInfo | undefined;
    try {
      info = await source.version(model, version);
    } catch (error) {
      this.unreachable(version, attributes, error);
      return;
    }
    if (!info) {
      this.remember(version, 'missing', 'not in the registry');
      pinnedLoads.add(1, { ...attributes, [LOAD_OUTCOME]: 'missing' });
      logger.info({ model, version }, 'requested model version is not in the registry');
      return;
    }
    const loaded = await fetchVerifiedModel(source, model, info, this.options.load);
    if (loaded.outcome === 'unreachable') {
      this.unreachable(version, attributes, loaded.error);
      return;
    }
    if (loaded.outcome === 'mismatch') {
      this.remember(version, 'refused', 'its artifact does not match its registered checksum');
      pinnedLoads.add(1, { ...attributes, [LOAD_OUTCOME]: 'refused' });
      logger.error({ model, version, expected: info.checksum, actual: loaded.actual }, 'pinned model artifact checksum mismatch; version refused');
      return;
    }
    if (loaded.outcome === 'unloadable') {
      this.remember(version, 'refused', 'its artifact failed to load');
      pinnedLoads.add(1, { ...attributes, [LOAD_OUTCOME]: 'refused' });
      logger.error({ err: loaded.error, model, version }, 'pinned model artifact failed to load; version refused');
      return;
    }
    const { value } = loaded;
    if (this.stopped) {
      await this.options.dispose?.(value);
      return;
    }
    this.remembered.delete(version);
    this.pinned.set(version, new ModelSlot({ value, info: { ...info, loadedUnixMs: Date.now() } }, this.options.dispose, logger));
    const ms = performance.now() - started;
    pinnedLoadDuration.record(ms, attributes);
    pinnedLoads.add(1, { ...attributes, [LOAD_OUTCOME]: 'loaded' });
    logger.info({ model, version, ms: Math.round(ms) }, 'pinned model version loaded');
    for (const [old, slot] of this.pinned) {
      if (this.pinned.size <= this.maxPinned) break;
      this.pinned.delete(old);
      slot.retire();
      pinnedEvictions.add(1, { [ATTR.MODEL_NAME]: model, [ATTR.MODEL_VERSION]: old });
      logger.info({ model, version: old, loaded: version, maxPinned: this.maxPinned }, 'pinned model version evicted (least recently used)');
    }
  }

  private unreachable(version: string, attributes: Record<string, string>, error: unknown): void {
    this.remember(version, 'unreachable', 'could not be fetched from the registry');
    pinnedLoads.add(1, { ...attributes, [LOAD_OUTCOME]: 'unreachable' });
    this.options.logger.warn({ err: error, model: this.options.model, version }, 'pinned model version could not be fetched');
  }

  private remember(version: string, outcome: Outcome, reason: string): void {
    const ttl = { missing: this.options.missTtlMs ?? 30_000, refused: this.options.refusedTtlMs ?? 60_000, unreachable: this.options.retryMs ?? 1000 }[outcome];
    this.remembered.delete(version);
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.delete(this.remembered.keys().next().value!);
    this.remembered.set(version, { outcome, reason, until: Date.now() + ttl });
  }
}

function outcomeOf(error: AisleError): string {
  if (error instanceof NotFoundError) return 'not_found';
  if (error instanceof FailedPreconditionError) return 'refused';
  return error.message.startsWith(`${MODEL_VERSION_FIELD}: loading`) ? 'loading' : 'unavailable';
}
