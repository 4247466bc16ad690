// Runs a service until SIGTERM/SIGINT, then drains it within a bound and exits.
import { shutdownTelemetry, type Logger } from '@aisle/telemetry';
import type { AisleServer } from './server';

export interface RunOptions {
  logger: Logger;
  /** Time given to in-flight calls before they are cancelled. */
  drainTimeoutMs: number;
  /** Extra clean-up after the server stopped (close stores, stop pollers). */
  onStopped?: () => Promise<void> | void;
}

export function stopOnSignals(server: AisleServer, options: RunOptions): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    options.logger.info({ signal, drainTimeoutMs: options.drainTimeoutMs }, 'draining');
    try {
      await server.drain(options.drainTimeoutMs);
      await options.onStopped?.();
      await shutdownTelemetry();
      options.logger.info('stopped');
      process.exit(0);
    } catch (error) {
      options.logger.error({ err: error }, 'error while stopping');
      process.exit(1);
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
