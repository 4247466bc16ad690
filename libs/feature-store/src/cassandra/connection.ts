// One driver client per store, connected (and the schema migrated) on first use. A failed connect is
// not cached: the next call tries again, so the service recovers when Cassandra comes back, and
// until then every call fails fast with StoreUnavailableError instead of hanging.
import { auth, Client, ExecutionProfile, policies, types, type ClientOptions } from 'cassandra-driver';
import type { CassandraStoreConfig } from '../config';
import { guarded } from './errors';
import { migrateCassandra } from './migrations';

export const READ_PROFILE = 'aisle-read';
export const WRITE_PROFILE = 'aisle-write';

/** The driver options of a store configuration: nodes, credentials, TLS, timeouts, consistency. */
export function cassandraClientOptions(config: CassandraStoreConfig): ClientOptions {
  return {
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    authProvider: config.username ? new auth.PlainTextAuthProvider(config.username, config.password?.reveal() ?? '') : undefined,
    // Node certificates are always verified: against the configured CA, else the system roots.
    sslOptions: config.tls ? { ca: config.tls.ca ? [config.tls.ca] : undefined, rejectUnauthorized: true } : undefined,
    socketOptions: { connectTimeout: config.connectTimeoutMs, readTimeout: config.readTimeoutMs },
    policies: { reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false) },
    profiles: [
      new ExecutionProfile(READ_PROFILE, { consistency: types.consistencies[camel(config.readConsistency)], readTimeout: config.readTimeoutMs }),
      new ExecutionProfile(WRITE_PROFILE, { consistency: types.consistencies[camel(config.writeConsistency)], readTimeout: config.readTimeoutMs }),
    ],
  };
}

function newClient(config: CassandraStoreConfig): Client {
  return new Client(cassandraClientOptions(config));
}

function camel(name: string): keyof typeof types.consistencies {
  return name.toLowerCase().replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()) as keyof typeof types.consistencies;
}

export class CassandraConnection {
  private ready: Promise<Client> | undefined;
  private closed = false;

  constructor(readonly config: CassandraStoreConfig) {}

  /** The connected client with the schema in place. */
  client(): Promise<Client> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    this.ready ??= this.open().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  async close(): Promise<void> {
    this.closed = true;
    const ready = this.ready;
    this.ready = undefined;
    const client = await ready?.catch(() => undefined);
    await client?.shutdown();
  }

  private async open(): Promise<Client> {
    const client = newClient(this.config);
    try {
      await guarded('connect', async () => {
        await client.connect();
        await migrateCassandra(client, this.config.keyspace, this.config.replication);
      });
      return client;
    } catch (error) {
      await client.shutdown().catch(() => undefined);
      throw error;
    }
  }
}
