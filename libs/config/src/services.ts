import { duration, integer, port, text } from './fields';
import { loadCallers, type CallerRule } from './callers';
import { ConfigError, loadConfig } from './load';
import { loadTlsSettings, type TlsSettings } from './tls';
// Where each Aisle service listens by default. Each port is configurable (AISLE_<SERVICE>_PORT) and
// each client address too (AISLE_<SERVICE>_ADDRESS); these defaults make a laptop stack work as is.
export const SERVICE_PORTS = {
  ranker: 50051,
  features: 50052,
  copurchase: 50053,
  affinity: 50054,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;

/** Default Prometheus scrape port of each service (AISLE_METRICS_PORT overrides it; 0 = any, off = none). */
export const METRICS_PORTS: Record<ServiceName, number> = {
  ranker: 9461,
  features: 9462,
  copurchase: 9463,
  affinity: 9464,
};

/**
 * Calls a server takes at once before it sheds with RESOURCE_EXHAUSTED (AISLE_MAX_CONCURRENT_CALLS).
 * The ranker, the public entry point, sheds much earlier: beyond about a hundred Ranks in flight on its one
 * event loop each waits longer than it computes, answers come back degraded or late, and callers whose
 * deadlines expire en masse reset streams faster than Node's HTTP/2 rapid-reset guard allows, which
 * closes their whole connection (INTERNAL on every call on it). The services behind it take every call
 * the ranker sends.
 */
export const DEFAULT_MAX_CONCURRENT_CALLS: Record<ServiceName, number> = { ranker: 128, features: 512, copurchase: 512, affinity: 512 };

/**
 * Event-loop delay past which a server refuses a share of new calls (AISLE_SHED_EVENT_LOOP_DELAY; 0 =
 * never). The ranker takes the callers' load and sheds what it cannot take in time; the services
 * behind it only see what the ranker admitted, and a refused call there would only degrade answers.
 */
export const DEFAULT_SHED_EVENT_LOOP_DELAY_MS: Record<ServiceName, number> = { ranker: 50, features: 0, copurchase: 0, affinity: 0 };

export function defaultAddress(service: ServiceName): string {
  return `127.0.0.1:${SERVICE_PORTS[service]}`;
}

export interface ServerSettings {
  /** Address to listen on, e.g. "127.0.0.1:50051". */
  listenAddress: string;
  drainTimeoutMs: number;
  maxDeadlineMs: number;
  maxConcurrentCalls: number;
  /** Event-loop delay (ms) past which a share of new calls is refused; 0 = never. */
  shedEventLoopDelayMs: number;
  /** TLS of the server (undefined = plaintext); see loadTlsSettings. */
  tls?: TlsSettings;
  /** Callers allowed in (undefined = no caller authentication); see loadCallers. */
  callers?: CallerRule[];
}

/**
 * Settings every server reads: where it listens (AISLE_BIND_HOST, AISLE_<SERVICE>_PORT), how long it
 * drains, the longest deadline it honours, how many calls it takes at once, its TLS (AISLE_TLS_*) and
 * who may call it (AISLE_<SERVICE>_CALLERS_FILE).
 */
export function loadServerSettings(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServerSettings {
  const portVariable = `AISLE_${service.toUpperCase()}_PORT`;
  const config = loadConfig(
    {
      AISLE_BIND_HOST: text('127.0.0.1'),
      [portVariable]: port(SERVICE_PORTS[service]),
      AISLE_DRAIN_TIMEOUT: duration(10_000, { min: 0, max: 600_000 }),
      AISLE_MAX_DEADLINE: duration(30_000, { min: 1, max: 600_000 }),
      AISLE_MAX_CONCURRENT_CALLS: integer(DEFAULT_MAX_CONCURRENT_CALLS[service], { min: 0, max: 1_000_000 }),
      AISLE_SHED_EVENT_LOOP_DELAY: duration(DEFAULT_SHED_EVENT_LOOP_DELAY_MS[service], { min: 0, max: 60_000 }),
    },
    env,
  );
  const tls = loadTlsSettings(env);
  if (tls && !tls.cert) throw new ConfigError(['AISLE_TLS_CERT_FILE and AISLE_TLS_KEY_FILE are required when AISLE_TLS_CA_FILE is set: a TLS server needs its own certificate']);
  return {
    listenAddress: `${config.AISLE_BIND_HOST}:${config[portVariable]}`,
    drainTimeoutMs: config.AISLE_DRAIN_TIMEOUT,
    maxDeadlineMs: config.AISLE_MAX_DEADLINE,
    maxConcurrentCalls: config.AISLE_MAX_CONCURRENT_CALLS,
    shedEventLoopDelayMs: config.AISLE_SHED_EVENT_LOOP_DELAY,
    tls,
    callers: loadCallers(`AISLE_${service.toUpperCase()}_CALLERS_FILE`, env),
  };
}
