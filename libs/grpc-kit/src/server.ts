// createServer(): every Aisle gRPC server has health (grpc.health.v1), server reflection, the shared
// handler wrapper (errors → status, logging, deadline cap, load shedding, caller checks), TLS from
// the settings, and a bounded drain.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server, type ChannelOptions, type ServerCredentials } from '@grpc/grpc-js';
import { loadFileDescriptorSetFromBuffer, loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import type { CallerRule, TlsSettings } from '@aisle/config';
import { DESCRIPTOR_SET_PATH } from '@aisle/contracts';
import type { Logger } from '@aisle/telemetry';
import { HealthImplementation, protoPath as healthProtoPath } from 'grpc-health-check';
import { callerAuthenticator } from './auth';
import { bindService, tolerantDefinition, type AsyncService } from './handlers';
import { eventLoopGuard } from './overload';
import { serverCredentials } from './tls';

export interface ServiceBinding {
  /** Fully-qualified service name, e.g. "aisle.ranker.v1.RankerService" (health and reflection use it). */
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each binding pairs one definition with its own implementation type
  definition: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  implementation: AsyncService<any>;
}

/** Pairs a ts-proto service definition with its async implementation, type-checked against each other. */
export function service<S extends Record<string, { path: string }>>(name: string, definition: S, implementation: AsyncService<S>): ServiceBinding {
  return { name, definition, implementation };
}

export interface ServerOptions {
  logger: Logger;
  services: ServiceBinding[];
  maxDeadlineMs?: number;
  maxConcurrentCalls?: number;
  /** Event-loop delay (ms) past which a share of new calls is refused (0 or absent = never); see overload.ts. */
  shedEventLoopDelayMs?: number;
  /** Time after listening before the event-loop delay is judged (default 2 s: start-up warms caches). */
  shedGraceMs?: number;
  /** Largest request accepted, in bytes (default 4 MiB). */
  maxReceiveMessageBytes?: number;
  /** TLS / mutual TLS (plaintext when absent). */
  tls?: TlsSettings;
  /** Explicit credentials; take precedence over `tls`. */
  credentials?: ServerCredentials;
  /** Callers allowed to call the services (health and reflection stay open); absent = anyone. */
  callers?: CallerRule[];
}

export interface AisleServer {
  readonly grpc: Server;
  readonly health: HealthImplementation;
  /** Binds `host:port` (port 0 picks a free one), marks every service SERVING, returns the bound port. */
  listen(address: string): Promise<number>;
  /** NOT_SERVING → graceful shutdown; after `timeoutMs` in-flight calls are cancelled. */
  drain(timeoutMs: number): Promise<void>;
  /** Calls of the Aisle services being handled right now (what the concurrency limit counts). */
  inFlightCalls(): number;
}

let reflectionDefinitions: ReturnType<typeof loadSync> | undefined;
function reflectionPackages() {
  // Our contracts plus the health service, so tools such as grpcurl see everything a server answers.
  reflectionDefinitions ??= {
    ...loadFileDescriptorSetFromBuffer(readFileSync(DESCRIPTOR_SET_PATH)),
    ...loadSync(join(healthProtoPath)),
  };
  return reflectionDefinitions;
}

export function createServer(options: ServerOptions): AisleServer {
  const channelOptions: ChannelOptions = {
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? 4 * 1024 * 1024,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.http2.min_ping_interval_without_data_ms': 10_000,
  };
  // Each caller connection may open up to 8× the server's call limit in streams. Calls past the limit
  // are shed at once (RESOURCE_EXHAUSTED, see handlers.ts and overload.ts), so a caller far past capacity
  // learns it within milliseconds. A tighter cap made such callers queue in their own HTTP/2 client
  // instead: there the oldest calls wait until their deadlines nearly pass, reach the server only to be
  // cancelled, and those cancellations, faster than Node's HTTP/2 rapid-reset guard allows, closed the
  // whole connection (INTERNAL on every call on it).
  if ((options.maxConcurrentCalls ?? 0) > 0) channelOptions['grpc.max_concurrent_streams'] = 8 * options.maxConcurrentCalls!;
  const server = new Server(channelOptions);
  const drainController = new AbortController();
  const names = options.services.map((binding) => binding.name);
  const health = new HealthImplementation({ '': 'NOT_SERVING', ...Object.fromEntries(names.map((name) => [name, 'NOT_SERVING'])) });
  health.addToServer(server);
  new ReflectionService(reflectionPackages(), { services: [...names, 'grpc.health.v1.Health'] }).addToServer(server);

  const load = { inFlight: 0 };
  const overload = eventLoopGuard(options.shedEventLoopDelayMs ?? 0);
  const authenticate = options.callers ? callerAuthenticator(options.callers) : undefined;
  for (const binding of options.services) {
    server.addService(
      tolerantDefinition(binding.definition),
      bindService(binding.definition, binding.implementation, {
        logger: options.logger,
        maxDeadlineMs: options.maxDeadlineMs ?? 30_000,
        maxConcurrentCalls: options.maxConcurrentCalls ?? 0,
        drain: drainController.signal,
        load,
        overload,
        authenticate,
      }),
    );
  }

  const setAll = (state: 'SERVING' | 'NOT_SERVING') => {
    health.setStatus('', state);
    for (const name of names) health.setStatus(name, state);
  };

  return {
    grpc: server,
    health,
    listen: (address) =>
      new Promise((resolve, reject) => {
        server.bindAsync(address, options.credentials ?? serverCredentials(options.tls), (error, port) => {
          if (error) return reject(error);
          overload.start(options.shedGraceMs);
          setAll('SERVING');
          resolve(port);
        });
      }),
    drain: (timeoutMs) =>
      new Promise((resolve) => {
        setAll('NOT_SERVING');
        const force = setTimeout(() => {
          overload.stop();
          drainController.abort(new Error('server draining'));
          server.forceShutdown();
          resolve();
        }, timeoutMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          overload.stop();
          resolve();
        });
      }),
    inFlightCalls: () => load.inFlight,
  };
}
