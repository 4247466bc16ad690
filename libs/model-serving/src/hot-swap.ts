// HotSwapModel: serves one loaded model version and replaces it with the registry's production
// version when that changes. A request takes one reference (`use`) for its whole duration, so it
// sees exactly one version; the old version is disposed only after its last user is done. A version
// whose bytes fail the checksum, or that cannot be loaded, is refused and the current one keeps serving.
import { common } from '@aisle/contracts';
import { ATTR, meter, type Logger } from '@aisle/telemetry';
import { ModelSlot } from './slot';
import type { ModelSource, ModelVersionInfo } from './source';
import { fetchVerifiedModel } from './verified-load';

export interface LoadedModel<T> {
  readonly value: T;
  /** Registry metadata of the version, with `loadedUnixMs` set to when this process loaded it. */
  readonly info: ModelVersionInfo;
}

export interface HotSwapOptions<T> {
  /** Model name in the registry, e.g. "copurchase". */
  model: string;
  source: ModelSource;
  /** Builds the servable model from verified artifact bytes. Throwing refuses the version. */
  load: (bytes: Uint8Array, info: ModelVersionInfo) => T | Promise<T>;
  /** Releases a replaced model once no request uses it any more. */
  dispose?: (old: T) => void | Promise<void>;
  /** How often to ask the registry for a new production version; 0 disables polling. */
  pollIntervalMs: number;
  /** How long `start` keeps retrying until a first version is loaded (default 60 s). */
  startTimeoutMs?: number;
  /**
   * Served (as version '') until a production version loads, and whenever none ever does: `start`
   * then waits at most `startTimeoutMs` for a first poll and never fails.
   */
  fallback?: T;
  logger: Logger;
}

/** What one poll did. */
export type RefreshOutcome = 'swapped' | 'unchanged' | 'refused' | 'no-production' | 'unavailable';


const swaps = meter.createCounter('aisle.model.swaps', { description: 'Model versions swapped in' });
const refusals = meter.createCounter('aisle.model.refusals', { description: 'Model versions refused (checksum mismatch or load failure)' });
const loadDuration = meter.createHistogram('aisle.model.load.duration', { description: 'Fetch, verify and load time of a model version', unit: 'ms' });

export class HotSwapModel<T> {
  private slot: ModelSlot<T> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<RefreshOutcome> | undefined;
  private stopped = false;

  private constructor(private readonly options: HotSwapOptions<T>) {}

  /** Loads the production version (retrying until `startTimeoutMs`), then starts polling. */
  static async start<T>(options: HotSwapOptions<T>): Promise<HotSwapModel<T>> {
    const model = new HotSwapModel(options);
    if (options.fallback !== undefined) {
      const info = common.ModelInfo.fromPartial({ id: { model: options.model, version: '' }, loadedUnixMs: Date.now() });
      model.slot = new ModelSlot<T>({ value: options.fallback, info }, options.dispose, options.logger);
      const first = model.refresh();
      await Promise.race([first, new Promise((resolve) => setTimeout(resolve, options.startTimeoutMs ?? 60_000).unref())]);
      if (options.pollIntervalMs > 0) void first.finally(() => model.schedule());
      return model;
    }
    const giveUpAt = Date.now() + (options.startTimeoutMs ?? 60_000);
    const retryMs = Math.min(Math.max(options.pollIntervalMs, 100), 1000);
    for (;;) {
      const outcome = await model.refresh();
      if (model.slot) break;
      if (Date.now() >= giveUpAt) throw new Error(`model ${options.model}: no loadable production version after ${options.startTimeoutMs ?? 60_000} ms (last poll: ${outcome})`);
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
    if (options.pollIntervalMs > 0) model.schedule();
    return model;
  }

  /** The version serving now. Prefer `use` in request paths, so a swap cannot dispose it mid-request. */
  current(): LoadedModel<T> {
    if (!this.slot) throw new Error(`model ${this.options.model}: not loaded`);
    return this.slot.loaded;
  }

  info(): ModelVersionInfo {
    return this.current().info;
  }

  /**
   * Runs `fn` with the current version, holding it until `fn` returns (or its promise settles): one
   * request, one version. Synchronous `fn`s stay synchronous.
   */
  use<R>(fn: (model: LoadedModel<T>) => R): R {
    const slot = this.slot;
    if (!slot) throw new Error(`model ${this.options.model}: not loaded`);
    return slot.use(fn);
  }

  /** One poll: swaps in a new production version if there is one and it verifies. Polls never overlap. */
  refresh(): Promise<RefreshOutcome> {
    this.refreshing ??= this.poll().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** Stops polling; the current version is disposed once its last user is done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.refreshing;
    this.slot?.retire();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh().finally(() => this.schedule());
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  private async poll(): Promise<RefreshOutcome> {
    const { model, source, logger } = this.options;
    let info: ModelVersionInfo | undefined;
    try {
      info = await source.production(model);
    } catch (error) {
      logger.warn({ err: error, model }, 'model registry unavailable; keeping the current version');
      return 'unavailable';
    }
    if (!info) return 'no-production';
    const version = info.id?.version ?? '';
    const serving = this.slot?.loaded.info;
    if (serving && serving.id?.version === version && serving.checksum === info.checksum) return 'unchanged';

    const started = performance.now();
    const attributes = { [ATTR.MODEL_NAME]: model, [ATTR.MODEL_VERSION]: version };
    const loaded = await fetchVerifiedModel(source, model, info, this.options.load);
    if (loaded.outcome === 'unreachable') {
      logger.warn({ err: loaded.error, model, version }, 'model artifact fetch failed; keeping the current version');
      return 'unavailable';
    }
    if (loaded.outcome === 'mismatch') {
      refusals.add(1, attributes);
      logger.error({ model, version, expected: info.checksum, actual: loaded.actual, serving: serving?.id?.version }, 'model artifact checksum mismatch; version refused');
      return 'refused';
    }
    if (loaded.outcome === 'unloadable') {
      refusals.add(1, attributes);
      logger.error({ err: loaded.error, model, version, serving: serving?.id?.version }, 'model artifact failed to load; version refused');
      return 'refused';
    }
    const { value } = loaded;
    if (this.stopped) {
      await this.options.dispose?.(value);
      return 'unchanged';
    }
    const previous = this.slot;
    // The swap itself is one assignment: a request holds either the old slot or the new one.
    this.slot = new ModelSlot({ value, info: { ...info, loadedUnixMs: Date.now() } }, this.options.dispose, this.options.logger);
    previous?.retire();
    const ms = performance.now() - started;
    loadDuration.record(ms, attributes);
    swaps.add(1, attributes);
    logger.info({ model, version, previous: previous?.loaded.info.id?.version ?? null, ms: Math.round(ms) }, 'model version swapped in');
    return 'swapped';
  }
}
