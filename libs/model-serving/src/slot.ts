// One loaded model version and the requests using it: a request holds it for its whole duration, and a
// retired version (replaced, evicted or stopped) is disposed only once its last user is done.
import type { Logger } from '@aisle/telemetry';
import type { LoadedModel } from './hot-swap';

export class ModelSlot<T> {
  private users = 0;
  private retired = false;

  constructor(
    readonly loaded: LoadedModel<T>,
    private readonly dispose: ((value: T) => void | Promise<void>) | undefined,
    private readonly logger: Logger,
  ) {}

  /** Runs `fn` holding this version until it returns (or its promise settles); synchronous stays synchronous. */
  use<R>(fn: (model: LoadedModel<T>) => R): R {
    this.users += 1;
    let result: R;
    try {
      result = fn(this.loaded);
    } catch (error) {
      this.release();
      throw error;
    }
    if (result instanceof Promise) return result.finally(() => this.release()) as R;
    this.release();
    return result;
  }

  /** No new user will come: dispose now if idle, else after the last user. */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    if (this.users === 0) this.disposeNow();
  }

  private release(): void {
    this.users -= 1;
    if (this.retired && this.users === 0) this.disposeNow();
  }

  private disposeNow(): void {
    const dispose = this.dispose;
    if (!dispose) return;
    const { model, version } = this.loaded.info.id ?? { model: '', version: '' };
    Promise.resolve()
      .then(() => dispose(this.loaded.value))
      .catch((error: unknown) => this.logger.warn({ err: error, model, version }, 'disposing a model version failed'));
  }
}
