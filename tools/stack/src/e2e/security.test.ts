// Security of the real processes: the feature service and the ranker talk over mutual TLS with
// certificates this test makes, the ranker checks its callers' tokens, and nothing secret or
// personal reaches their output: no token, no private key, no Cassandra password, and no raw user
// id in logs or in the spans they export (the console span exporter writes them beside the logs).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { loadTlsSettings } from '@aisle/config';
import { common, features } from '@aisle/contracts';
import { createClient, unaryCall } from '@aisle/grpc-kit';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';
import { createTestPki, type TestPki } from '@aisle/grpc-kit/testing';
import { createRankerClient } from '@aisle/ranker-client';
import { hashUserId } from '@aisle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_RANKER_ENV } from './settings';

const root = join(__dirname, '..', '..', '..', '..');
const main = (service: string) => join(root, 'services', service, 'dist', 'main.js');
// Distinctive values, so that finding one in the output can only mean it leaked.
const USER = 'privacy-probe-user-5b3e91';
const TOKEN = 'checkout-token-9f27c4d1e8a6';
const DENIED_TOKEN = 'reporting-token-41aa0c7e';
const CASSANDRA_PASSWORD = 'cassandra-password-77e1b2';
const VERBOSE = { LOG_LEVEL: 'trace', OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'always_on', AISLE_METRICS_PORT: 'off' };
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const codeOf = (promise: Promise<unknown>) => promise.then(() => status.OK, (error: ServiceError) => error.code);

describe('mutual TLS, caller tokens and what the processes print', () => {
  let pki: TestPki;
  let dir: string;
  let tlsEnv: Record<string, string>;
  const running: ServiceProcess[] = [];
  let featureService: ServiceProcess;
  let rankerService: ServiceProcess;

  beforeAll(async () => {
    pki = createTestPki();
    dir = mkdtempSync(join(tmpdir(), 'aisle-security-'));
    tlsEnv = { AISLE_TLS_CERT_FILE: pki.server.certFile, AISLE_TLS_KEY_FILE: pki.server.keyFile, AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CLIENT_AUTH: 'require' };
    featureService = await startServiceProcess(main('feature-service'), { ...VERBOSE, ...tlsEnv, AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dir, 'store.db'), AISLE_FEATURES_PORT: '0' });
    running.push(featureService);

    // The probe user's purchases, through Ingest over mutual TLS.
    const ingest = createClient(features.FeatureServiceClient, featureService.address, { service: 'aisle.features.v1.FeatureService', tls: loadTlsSettings(tlsEnv) });
    const lines = ['85123A', '22423', '84879', '85123A'].map((productId, index) => ({
      lineId: `security:${index}`,
      invoiceNo: `S${index % 2}`,
      productId,
      description: `PRODUCT ${productId}`,
      quantity: 2,
      unitPrice: 1.5,
      timeUnixMs: 1_291_191_960_000 + index * 86_400_000,
      userId: USER,
      country: 'United Kingdom',
    }));
    const applied = await unaryCall(ingest, ingest.ingest, { lines }, { deadline: Date.now() + 10_000 });
    ingest.close();
    expect(applied.applied).toBe(4);

    const callersFile = join(dir, 'callers.json');
    writeFileSync(
      callersFile,
      JSON.stringify({
        callers: [
          { name: 'checkout', tokenSha256: sha256(TOKEN), methods: ['Rank'] },
          { name: 'reporting', tokenSha256: sha256(DENIED_TOKEN), methods: [] },
        ],
      }),
    );
    rankerService = await startServiceProcess(main('ranker'), {
      ...VERBOSE,
      ...tlsEnv,
      ...TEST_RANKER_ENV,
      AISLE_RANKER_PORT: '0',
      AISLE_RANKER_CALLERS_FILE: callersFile,
      AISLE_FEATURES_ADDRESS: featureService.address,
      AISLE_COPURCHASE_ADDRESS: '127.0.0.1:1',
      AISLE_AFFINITY_ADDRESS: '127.0.0.1:1',
    });
    running.push(rankerService);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop(5000)));
    pki?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const callerTls = () => {
    const files = pki.client('checkout.aisle.internal');
    return { caFile: pki.caFile, certFile: files.certFile, keyFile: files.keyFile };
  };

  it('ranks a known user over mutual TLS end to end for a caller with a valid token', async () => {
    const client = createRankerClient(rankerService.address, { timeoutMs: 15_000, token: TOKEN, tls: callerTls() });
    const response = await client.rank({ userId: USER, k: 3, context: { country: 'United Kingdom', timeUnixMs: 0 } });
    client.close();
    // The ranker reached the feature service through mutual TLS: the user is known.
    expect(response.sources.find((source) => source.source === 'features')?.state).toBe(common.SourceState.SOURCE_STATE_OK);
    expect(response.coldStart).toBe(false);
    expect(response.items.length).toBeGreaterThan(0);
  });

  it('refuses callers without a valid token, or not allowed Rank, or without a client certificate', async () => {
    const rank = (options: Parameters<typeof createRankerClient>[1]) => {
      const client = createRankerClient(rankerService.address, { timeoutMs: 10_000, ...options });
      return codeOf(client.rank({ userId: USER, k: 3 })).finally(() => client.close());
    };
    expect(await rank({ tls: callerTls() })).toBe(status.UNAUTHENTICATED);
    expect(await rank({ tls: callerTls(), token: 'not-a-known-token' })).toBe(status.UNAUTHENTICATED);
    expect(await rank({ tls: callerTls(), token: DENIED_TOKEN })).toBe(status.PERMISSION_DENIED);
    expect(await rank({ tls: { caFile: pki.caFile }, token: TOKEN })).toBe(status.UNAVAILABLE);
  });

  it('prints no raw user id, token or private key in logs or exported spans', async () => {
    // Output is asynchronous: wait until the spans of the Rank calls above were printed.
    const hashed = hashUserId(USER);
    const until = Date.now() + 15_000;
    while (!rankerService.logs.join('\n').includes(hashed) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    const output = [...rankerService.logs, ...featureService.logs].join('\n');
    // The scan saw spans (they carry the hashed id) and the per-call log lines (they name the caller).
    expect(output).toContain(hashed);
    expect(output).toContain('"caller":"checkout"');
    expect(output).not.toContain(USER);
    for (const secret of [TOKEN, DENIED_TOKEN]) expect(output).not.toContain(secret);
    const keyBody = readFileSync(pki.server.keyFile, 'utf8').split('\n')[1]!;
    expect(output).not.toContain(keyBody);
  });

  it('never prints the Cassandra password, even when Cassandra cannot be reached', async () => {
    const passwordFile = join(dir, 'cassandra-password');
    writeFileSync(passwordFile, `${CASSANDRA_PASSWORD}\n`);
    const service = await startServiceProcess(main('feature-service'), {
      ...VERBOSE,
      AISLE_FEATURES_PORT: '0',
      AISLE_STORE: 'cassandra',
      AISLE_CASSANDRA_CONTACT_POINTS: '127.0.0.1:1',
      AISLE_CASSANDRA_CONNECT_TIMEOUT: '300ms',
      AISLE_CASSANDRA_USERNAME: 'aisle',
      AISLE_CASSANDRA_PASSWORD_FILE: passwordFile,
    });
    running.push(service);
    const client = createClient(features.FeatureServiceClient, service.address, { service: 'aisle.features.v1.FeatureService' });
    const code = await codeOf(unaryCall(client, client.getUserContext, { userId: USER, recentLimit: 0 }, { deadline: Date.now() + 10_000 }));
    client.close();
    expect(code).toBe(status.UNAVAILABLE);
    expect(await service.stop(5000)).toBe(0);
    const output = service.logs.join('\n');
    expect(output).toContain('"code":"UNAVAILABLE"');
    expect(output).not.toContain(CASSANDRA_PASSWORD);
    expect(output).not.toContain(USER);
  });
});
