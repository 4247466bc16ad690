import { duration, integer, port, text } from './fields';
import { loadConfig } from './load';
// Where each Aisle service listens by default. Each port is configurable (AISLE_<SERVICE>_PORT) and
// each client address too (AISLE_<SERVICE>_ADDRESS); these defaults make a laptop stack work as is.
export const SERVICE_PORTS = {
  ranker: 50051,
  features: 50052,
  copurchase: 50053,
  affinity: 50054,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;

export function defaultAddress(service: ServiceName): string {
  return `127.0.0.1:${SERVICE_PORTS[service]}`;
}

export interface ServerSettings {
  /** Address to listen on, e.g. "127.0.0.1:50051". */
  listenAddress: string;
  drainTimeoutMs: number;
  maxDeadlineMs: number;
  maxConcurrentCalls: number;
}

/**
 * Settings every server reads: where it listens (AISLE_BIND_HOST, AISLE_<SERVICE>_PORT), how long it
 * drains, the longest deadline it honours and how many calls it takes at once.
 */
export function loadServerSettings(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const portVariable = `AISLE_${service.toUpperCase()}_PORT`;
  const config = loadConfig(
    {
      AISLE_BIND_HOST: text('127.0.0.1'),
      [portVariable]: port(SERVICE_PORTS[service]),
      AISLE_DRAIN_TIMEOUT: duration(10_000, { min: 0, max: 600_000 }),
      AISLE_MAX_DEADLINE: duration(30_000, { min: 1, max: 600_000 }),
      AISLE_MAX_CONCURRENT_CALLS: integer(512, { min: 0, max: 1_000_000 }),
    },
    env,
  );
  return {
    listenAddress: `${config.AISLE_BIND_HOST}:${config[portVariable]}`,
    drainTimeoutMs: config.AISLE_DRAIN_TIMEOUT,
    maxDeadlineMs: config.AISLE_MAX_DEADLINE,
    maxConcurrentCalls: config.AISLE_MAX_CONCURRENT_CALLS,
  };
}
