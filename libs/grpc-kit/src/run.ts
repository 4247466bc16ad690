// The shape of every service's main: settings → server → listen → drain on signals. A bad setting or
// a failed start-up stops the process with a message naming the cause, never a half-started server.
import { ConfigError, type ServerSettings } from '@aisle/config';
import type { Logger } from '@aisle/telemetry';
import { stopOnSignals } from './lifecycle';
import { createServer, type AisleServer, type ServiceBinding } from './server';

export interface ServiceStart {
  logger: Logger;
  settings: ServerSettings;
  services: ServiceBinding[];
  /** Released after the server drained (stores, pollers, clients). */
  onStopped?: () => Promise<void> | void;
}

export async function startService(start: ServiceStart): Promise<AisleServer> {
  const server = createServer({
    logger: start.logger,
    services: start.services,
    maxDeadlineMs: start.settings.maxDeadlineMs,
    maxConcurrentCalls: start.settings.maxConcurrentCalls,
    shedEventLoopDelayMs: start.settings.shedEventLoopDelayMs,
    tls: start.settings.tls,
    callers: start.settings.callers,
  });
  const port = await server.listen(start.settings.listenAddress);
  const host = start.settings.listenAddress.slice(0, start.settings.listenAddress.lastIndexOf(':'));
  stopOnSignals(server, { logger: start.logger, drainTimeoutMs: start.settings.drainTimeoutMs, onStopped: start.onStopped });
  start.logger.info(
    {
      address: `${host}:${port}`,
      services: start.services.map((binding) => binding.name),
      // Which protections are on, never their material: no key, token or digest is logged.
      tls: start.settings.tls ? (start.settings.tls.clientAuth === 'require' ? 'mutual' : 'server') : 'off',
      callerAuthentication: start.settings.callers ? `${start.settings.callers.length} callers` : 'off',
    },
    'listening',
  );
  return server;
}

/** Runs `main`, turning a configuration or start-up failure into one clear line and exit code 1. */
export function runMain(logger: Logger, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) logger.fatal(error.message);
    else logger.fatal({ err: error }, 'failed to start');
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  });
}
