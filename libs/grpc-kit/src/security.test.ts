// TLS, mutual TLS and caller authentication of createServer/createClient over real loopback
// connections, with certificates the test makes (openssl) and settings read the way services read them.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { loadServerSettings, loadTlsSettings, type CallerRule } from '@aisle/config';
import { copurchase } from '@aisle/contracts';
import { createLogger } from '@aisle/telemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSecurity, createClient, createServer, service, unaryCall, type AisleServer } from './index';
import { checkHealth, createTestPki, type TestPki } from './testing';

const lines: string[] = [];
const logger = createLogger('grpc-kit-security-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));
// Succeeded calls are logged at debug; these tests read those lines.
logger.level = 'debug';
const TOKEN = 'checkout-token-6f1d0c55a3';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function outcome(promise: Promise<unknown>): Promise<status> {
  return promise.then(
    () => status.OK,
    (error: ServiceError) => error.code,
  );
}

async function startServer(env: Record<string, string>, callers?: CallerRule[]): Promise<{ server: AisleServer; address: string }> {
  const settings = loadServerSettings('copurchase', { ...env, AISLE_COPURCHASE_PORT: '0' });
  const server = createServer({
    logger,
    tls: settings.tls,
    callers: callers ?? settings.callers,
    services: [
      service('aisle.copurchase.v1.CopurchaseService', copurchase.CopurchaseServiceService, {
        candidates: async () => ({ candidates: [], unknownProductIds: [] }),
        score: async () => ({ scores: [], unknownProductIds: [] }),
        getModelInfo: async () => ({}),
      }),
    ],
  });
  const port = await server.listen('127.0.0.1:0');
  return { server, address: `127.0.0.1:${port}` };
}

function client(address: string, env: Record<string, string> | 'plaintext') {
  const options = env === 'plaintext' ? { credentials: credentials.createInsecure() } : { tls: loadTlsSettings(env) };
  return createClient(copurchase.CopurchaseServiceClient, address, { service: 'aisle.copurchase.v1.CopurchaseService', ...options });
}

function info(target: copurchase.CopurchaseServiceClient, metadata?: Metadata) {
  return outcome(unaryCall(target, target.getModelInfo, {}, { deadline: Date.now() + 5000, metadata }));
}

describe('TLS and caller authentication', () => {
  let pki: TestPki;
  const servers: AisleServer[] = [];

  beforeAll(() => {
    pki = createTestPki();
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.drain(100)));
    pki?.remove();
  });

  it('server TLS: a client trusting the CA is served, a plaintext client is not', async () => {
    const { server, address } = await startServer({ AISLE_TLS_CERT_FILE: pki.server.certFile, AISLE_TLS_KEY_FILE: pki.server.keyFile });
    servers.push(server);
    const trusting = client(address, { AISLE_TLS_CA_FILE: pki.caFile });
    expect(await info(trusting)).toBe(status.OK);
    expect(await info(client(address, 'plaintext'))).toBe(status.UNAVAILABLE);
    // A client that does not trust the CA refuses the server's certificate.
    expect(await info(client(address, { AISLE_TLS_CA_FILE: pki.untrusted('other').certFile }))).toBe(status.UNAVAILABLE);
    expect(await checkHealth(address, '', 5000, channelSecurity(loadTlsSettings({ AISLE_TLS_CA_FILE: pki.caFile })))).toBe('SERVING');
  });

  it('mutual TLS: only clients with a certificate from the trusted CA get in', async () => {
    const serverEnv = { AISLE_TLS_CERT_FILE: pki.server.certFile, AISLE_TLS_KEY_FILE: pki.server.keyFile, AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CLIENT_AUTH: 'require' };
    const { server, address } = await startServer(serverEnv);
    servers.push(server);
    const member = pki.client('ranker.aisle.internal');
    const stranger = pki.untrusted('ranker.aisle.internal');
    expect(await info(client(address, { AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CERT_FILE: member.certFile, AISLE_TLS_KEY_FILE: member.keyFile }))).toBe(status.OK);
    expect(await info(client(address, { AISLE_TLS_CA_FILE: pki.caFile }))).toBe(status.UNAVAILABLE);
    expect(await info(client(address, { AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CERT_FILE: stranger.certFile, AISLE_TLS_KEY_FILE: stranger.keyFile }))).toBe(status.UNAVAILABLE);
    expect(await info(client(address, 'plaintext'))).toBe(status.UNAVAILABLE);
  });

  it('tokens: missing or unknown → UNAUTHENTICATED, a known caller outside its methods → PERMISSION_DENIED', async () => {
    const callersFile = join(pki.dir, 'callers.json');
    writeFileSync(
      callersFile,
      JSON.stringify({
        callers: [
          { name: 'checkout', tokenSha256: sha256(TOKEN), methods: ['GetModelInfo'] },
          { name: 'reporting', tokenSha256: sha256('reporting-token'), methods: ['Score'] },
        ],
      }),
    );
    const { server, address } = await startServer({ AISLE_COPURCHASE_CALLERS_FILE: callersFile });
    servers.push(server);
    const plain = client(address, 'plaintext');
    const bearer = (token: string) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      return metadata;
    };
    lines.length = 0;
    expect(await info(plain, bearer(TOKEN))).toBe(status.OK);
    expect(await info(plain)).toBe(status.UNAUTHENTICATED);
    expect(await info(plain, bearer('guessed-token'))).toBe(status.UNAUTHENTICATED);
    const malformed = new Metadata();
    malformed.set('authorization', TOKEN);
    expect(await info(plain, malformed)).toBe(status.UNAUTHENTICATED);
    expect(await info(plain, bearer('reporting-token'))).toBe(status.PERMISSION_DENIED);
    const denied = await unaryCall(plain, plain.getModelInfo, {}, { deadline: Date.now() + 5000, metadata: bearer('reporting-token') }).catch((error: ServiceError) => error);
    expect((denied as ServiceError).details).toBe('caller reporting may not call GetModelInfo');
    // Health stays open to probes without credentials.
    expect(await checkHealth(address)).toBe('SERVING');
    // The log names the caller, never the token.
    const log = lines.join('');
    expect(log).toContain('"caller":"checkout"');
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('reporting-token');
  });

  it('mTLS identities: the verified certificate name selects the caller', async () => {
    const callers: CallerRule[] = [
      { name: 'ranker', certificateName: 'ranker.aisle.internal', methods: ['*'] },
      { name: 'evaluator', certificateName: 'evaluate.aisle.internal', methods: ['Score'] },
    ];
    const serverEnv = { AISLE_TLS_CERT_FILE: pki.server.certFile, AISLE_TLS_KEY_FILE: pki.server.keyFile, AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CLIENT_AUTH: 'require' };
    const { server, address } = await startServer(serverEnv, callers);
    servers.push(server);
    const as = (name: string) => {
      const files = pki.client(name);
      return client(address, { AISLE_TLS_CA_FILE: pki.caFile, AISLE_TLS_CERT_FILE: files.certFile, AISLE_TLS_KEY_FILE: files.keyFile });
    };
    expect(await info(as('ranker.aisle.internal'))).toBe(status.OK);
    expect(await info(as('evaluate.aisle.internal'))).toBe(status.PERMISSION_DENIED);
    expect(await info(as('someone.aisle.internal'))).toBe(status.UNAUTHENTICATED);
  });
});
