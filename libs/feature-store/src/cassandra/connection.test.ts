// Cassandra credentials and TLS from the environment to the driver's options, and never into a log.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError } from '@aisle/config';
import { auth } from 'cassandra-driver';
import { afterAll, describe, expect, it } from 'vitest';
import { loadStoreConfig, type CassandraStoreConfig } from '../config';
import { cassandraClientOptions } from './connection';

describe('Cassandra authentication and TLS settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-cassandra-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (env: Record<string, string>) => loadStoreConfig({ AISLE_STORE: 'cassandra', ...env }) as CassandraStoreConfig;

  it('reads the password from a file, hands it to the driver and never prints it', () => {
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, 's3cr3t-from-file\n');
    const config = load({ AISLE_CASSANDRA_USERNAME: 'aisle', AISLE_CASSANDRA_PASSWORD_FILE: passwordFile });
    expect(config.password?.reveal()).toBe('s3cr3t-from-file');
    expect(JSON.stringify(config)).not.toContain('s3cr3t');
    expect(inspect(config, { depth: 5 })).not.toContain('s3cr3t');
    expect(`${config.password}`).toBe('[redacted]');
    const options = cassandraClientOptions(config);
    expect(options.authProvider).toBeInstanceOf(auth.PlainTextAuthProvider);
    // The provider answers the server's SASL challenge with "\0user\0password".
    const authenticator = options.authProvider!.newAuthenticator('127.0.0.1:9042', 'org.apache.cassandra.auth.PasswordAuthenticator') as unknown as { initialResponse(callback: (error: Error | null, token: Buffer) => void): void };
    let token = '';
    authenticator.initialResponse((_error, response) => (token = response.toString('utf8')));
    expect(token).toBe('\0aisle\0s3cr3t-from-file');
  });

  it('takes the username and password from variables too, and refuses both forms at once', () => {
    expect(load({ AISLE_CASSANDRA_USERNAME: 'app', AISLE_CASSANDRA_PASSWORD: 'pw' }).password?.reveal()).toBe('pw');
    const file = join(dir, 'twice');
    writeFileSync(file, 'pw');
    expect(() => load({ AISLE_CASSANDRA_USERNAME: 'app', AISLE_CASSANDRA_PASSWORD: 'pw', AISLE_CASSANDRA_PASSWORD_FILE: file })).toThrow(/AISLE_CASSANDRA_PASSWORD and AISLE_CASSANDRA_PASSWORD_FILE are both set/);
    expect(() => load({ AISLE_CASSANDRA_PASSWORD: 'pw' })).toThrow(/AISLE_CASSANDRA_USERNAME is required/);
    expect(() => load({ AISLE_CASSANDRA_USERNAME: 'app', AISLE_CASSANDRA_PASSWORD_FILE: join(dir, 'missing') })).toThrow(ConfigError);
    expect(cassandraClientOptions(load({})).authProvider).toBeUndefined();
  });

  it('turns TLS on with a CA file (verifying the nodes) or with AISLE_CASSANDRA_TLS alone', () => {
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n');
    const withCa = cassandraClientOptions(load({ AISLE_CASSANDRA_TLS_CA_FILE: caFile }));
    expect(withCa.sslOptions).toMatchObject({ rejectUnauthorized: true });
    expect(String((withCa.sslOptions as { ca: Buffer[] }).ca[0])).toContain('not checked here');
    expect(cassandraClientOptions(load({ AISLE_CASSANDRA_TLS: 'true' })).sslOptions).toEqual({ ca: undefined, rejectUnauthorized: true });
    expect(cassandraClientOptions(load({})).sslOptions).toBeUndefined();
    expect(() => load({ AISLE_CASSANDRA_TLS_CA_FILE: join(dir, 'nope.pem') })).toThrow(/AISLE_CASSANDRA_TLS_CA_FILE cannot be read/);
  });
});
