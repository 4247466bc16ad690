import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadCallers, loadSecret, loadServerSettings, loadTlsSettings } from './index';

const dir = mkdtempSync(join(tmpdir(), 'aisle-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const problems = (load: () => unknown): string[] => {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadSecret', () => {
  it('reads NAME or NAME_FILE, drops one trailing newline and never prints the value', () => {
    expect(loadSecret('AISLE_X', {})).toBeUndefined();
    expect(loadSecret('AISLE_X', { AISLE_X: 'direct' })?.reveal()).toBe('direct');
    const secret = loadSecret('AISLE_X', { AISLE_X_FILE: file('x', 'from-file\n') })!;
    expect(secret.reveal()).toBe('from-file');
    expect([String(secret), JSON.stringify({ secret }), inspect({ secret })].join(' ')).not.toContain('from-file');
    expect(problems(() => loadSecret('AISLE_X', { AISLE_X: 'a', AISLE_X_FILE: file('y', 'b') }))).toEqual(['AISLE_X and AISLE_X_FILE are both set: use one']);
    expect(problems(() => loadSecret('AISLE_X', { AISLE_X_FILE: join(dir, 'missing') }))[0]).toMatch(/^AISLE_X_FILE cannot be read: ENOENT/);
  });
});

describe('loadTlsSettings', () => {
  const cert = file('cert.pem', 'CERT');
  const key = file('key.pem', 'KEY');
  const ca = file('ca.pem', 'CA');

  it('is plaintext when nothing is set, and reads the files when set', () => {
    expect(loadTlsSettings({})).toBeUndefined();
    const tls = loadTlsSettings({ AISLE_TLS_CERT_FILE: cert, AISLE_TLS_KEY_FILE: key, AISLE_TLS_CA_FILE: ca, AISLE_TLS_CLIENT_AUTH: 'require', AISLE_TLS_SERVER_NAME: 'ranker.internal' })!;
    expect([String(tls.cert), String(tls.key), String(tls.ca), tls.clientAuth, tls.serverName]).toEqual(['CERT', 'KEY', 'CA', 'require', 'ranker.internal']);
    expect(loadTlsSettings({ AISLE_TLS_CA_FILE: ca })).toMatchObject({ cert: undefined, clientAuth: 'none' });
  });

  it('names every inconsistent or unreadable variable', () => {
    expect(problems(() => loadTlsSettings({ AISLE_TLS_CERT_FILE: cert }))).toEqual(['AISLE_TLS_KEY_FILE is required when AISLE_TLS_CERT_FILE is set']);
    expect(problems(() => loadTlsSettings({ AISLE_TLS_CLIENT_AUTH: 'require', AISLE_TLS_CERT_FILE: cert, AISLE_TLS_KEY_FILE: key }))[0]).toMatch(/^AISLE_TLS_CA_FILE is required when AISLE_TLS_CLIENT_AUTH=require/);
    expect(problems(() => loadTlsSettings({ AISLE_TLS_CLIENT_AUTH: 'optional' }))[0]).toMatch(/^AISLE_TLS_CLIENT_AUTH must be one of none, require/);
    expect(problems(() => loadTlsSettings({ AISLE_TLS_CERT_FILE: join(dir, 'nope'), AISLE_TLS_KEY_FILE: key, AISLE_TLS_CA_FILE: join(dir, 'nope2') })).map((line) => line.split(':')[0])).toEqual([
      'AISLE_TLS_CERT_FILE cannot be read',
      'AISLE_TLS_CA_FILE cannot be read',
    ]);
  });

  it('a server needs its own certificate; its settings carry TLS and callers', () => {
    expect(problems(() => loadServerSettings('ranker', { AISLE_TLS_CA_FILE: ca }))[0]).toMatch(/AISLE_TLS_CERT_FILE and AISLE_TLS_KEY_FILE are required/);
    const callers = file('callers.json', JSON.stringify({ callers: [{ name: 'checkout', tokenSha256: createHash('sha256').update('t').digest('hex'), methods: ['Rank'] }] }));
    const settings = loadServerSettings('ranker', { AISLE_TLS_CERT_FILE: cert, AISLE_TLS_KEY_FILE: key, AISLE_RANKER_CALLERS_FILE: callers });
    expect(settings.tls?.clientAuth).toBe('none');
    expect(settings.callers?.map((caller) => caller.name)).toEqual(['checkout']);
    expect(loadServerSettings('ranker', {}).callers).toBeUndefined();
  });
});

describe('loadCallers', () => {
  const digest = createHash('sha256').update('token').digest('hex');

  it('reads token digests and certificate names with their methods', () => {
    const path = file('ok.json', JSON.stringify({ callers: [{ name: 'checkout', tokenSha256: digest.toUpperCase(), methods: ['Rank'] }, { name: 'batch', certificateName: 'batch.internal', methods: ['*'] }] }));
    expect(loadCallers('AISLE_RANKER_CALLERS_FILE', { AISLE_RANKER_CALLERS_FILE: path })).toEqual([
      { name: 'checkout', tokenSha256: digest, certificateName: undefined, methods: ['Rank'] },
      { name: 'batch', tokenSha256: undefined, certificateName: 'batch.internal', methods: ['*'] },
    ]);
  });

  it('names every mistake, and refuses a token where its digest belongs', () => {
    const path = file('bad.json', JSON.stringify({ callers: [{ name: 'a', tokenSha256: 'plain-token', methods: ['Rank'] }, { name: 'a', methods: 'Rank' }, { name: 'c', tokenSha256: digest, methods: [] }, { name: 'd', tokenSha256: digest, methods: ['Rank'] }] }));
    expect(problems(() => loadCallers('AISLE_RANKER_CALLERS_FILE', { AISLE_RANKER_CALLERS_FILE: path }))).toEqual([
      'AISLE_RANKER_CALLERS_FILE callers[0].tokenSha256 must be 64 hex characters (the SHA-256 of the token, not the token)',
      'AISLE_RANKER_CALLERS_FILE callers[1].name "a" appears twice',
      'AISLE_RANKER_CALLERS_FILE callers[1] needs tokenSha256 or certificateName',
      'AISLE_RANKER_CALLERS_FILE callers[1].methods must be a list of method names or "*"',
      'AISLE_RANKER_CALLERS_FILE callers[3].tokenSha256 is shared with another caller',
    ]);
    expect(problems(() => loadCallers('V', { V: file('notjson', '{') }))).toEqual([`V is not valid JSON (${join(dir, 'notjson')})`]);
  });
});
