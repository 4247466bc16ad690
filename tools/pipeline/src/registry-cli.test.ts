// The registry CLI against a real feature service over loopback, on SQLite and (where the Cassandra
// suites run) on Cassandra, and the same commands straight on the store: both paths must say the same.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describeCassandra, uniqueKeyspace } from '@aisle/config/testing';
import { loadStoreConfig, openStore } from '@aisle/feature-store';
import { Client } from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceMain } from './paths';
import { grpcRegistry, storeRegistry, type RegistryAccess } from './registry-access';
import { diffMetrics, registryCommand } from './registry-cli';
import { startServiceProcess, type ServiceProcess } from '@aisle/grpc-kit';

const run = promisify(execFile);
const CLI = join(__dirname, '..', 'dist', 'main.js');

function registryCliSuite(name: string, storeEnv: Record<string, string>, cleanup: () => Promise<void>): void {
  describe(`registry CLI over the feature service (${name})`, () => {
    const open = () => openStore(loadStoreConfig(storeEnv));
    let features: ServiceProcess;
    let access: RegistryAccess;
    const options = { by: 'alice', limit: 20 };
    const input = (version: string, ndcg: number, extra: Record<string, number> = {}) => ({
      model: 'copurchase',
      version,
      trainStartUnixMs: Date.UTC(2010, 11, 1),
      trainEndUnixMs: Date.UTC(2011, 10, 9),
      trainingRows: 17_000,
      inputHash: `hash-${version}`,
      codeVersion: 'git:abc build:def',
      parameters: { epochs: '2', dim: version === 'v1' ? '64' : '128' },
      metrics: { 'all.ndcg@10': ndcg, 'new.ndcg@10': ndcg / 2, ...extra },
    });

    beforeAll(async () => {
      const store = open();
      await store.registerModelVersion(input('v1', 0.1, { 'only.v1': 1 }), new Uint8Array([1, 2, 3]));
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.registerModelVersion(input('v2', 0.15), new Uint8Array([4, 5, 6, 7]));
      await store.close();
      features = await startServiceProcess(serviceMain('feature-service'), { ...storeEnv, AISLE_FEATURES_PORT: '0' });
      access = grpcRegistry(features.address);
    });
    afterAll(async () => {
      await access?.close();
      await features?.stop();
      await cleanup();
    });

    it('lists versions newest first with stage, window and rows; shows one with its lineage', async () => {
      const listed = await registryCommand(access, ['list', 'copurchase'], options);
      const rows = listed.trim().split('\n');
      expect(rows[0]).toMatch(/^version\s+stage\s+created\s+data window\s+rows/);
      expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 2))).toEqual([
        ['v2', 'candidate'],
        ['v1', 'candidate'],
      ]);
      expect(rows[1]).toContain('2010-12-01 00:00:00 … 2011-11-09 00:00:00');
      const shown = await registryCommand(access, ['show', 'copurchase', 'v1'], options);
      for (const text of ['input hash     hash-v1', 'code version   git:abc build:def', 'training rows  17000', 'promoted by    –', '  dim = 64', '  all.ndcg@10 = 0.1000', '(3 bytes)']) expect(shown).toContain(text);
    });

    it('promotes and rolls back, recording who and when; show and list report it', async () => {
      const before = Date.now();
      expect(await registryCommand(access, ['promote', 'copurchase', 'v1'], options)).toMatch(/^copurchase: v1 is production \(previous: none\), promoted by alice at 20\d\d-/);
      const promotedAt = (await access.get('copurchase', 'v1'))!.promotedUnixMs!;
      expect(promotedAt).toBeGreaterThanOrEqual(before);
      await registryCommand(access, ['promote', 'copurchase', 'v2'], { ...options, by: 'pipeline run 7' });
      expect(await registryCommand(access, ['show', 'copurchase'], options)).toContain('promoted by    pipeline run 7');
      expect(await registryCommand(access, ['rollback', 'copurchase'], { ...options, by: 'bob' })).toMatch(/^copurchase: rolled back v2; v1 is production again \(by bob at /);
      const production = await access.get('copurchase');
      expect([production?.id?.version, production?.promotedBy]).toEqual(['v1', 'bob']);
      expect(production!.promotedUnixMs!).toBeGreaterThanOrEqual(promotedAt);
      const listed = await registryCommand(access, ['list', 'copurchase'], options);
      expect(listed).toMatch(/v2\s+retired.*pipeline run 7/);
      expect(listed).toMatch(/v1\s+production.*bob/);
    });

    it('diffs two versions’ metrics and names the parameters that differ', async () => {
      const [a, b] = [(await access.get('copurchase', 'v1'))!, (await access.get('copurchase', 'v2'))!];
      const diff = diffMetrics(a, b);
      expect(diff.find((d) => d.metric === 'all.ndcg@10')).toEqual({ metric: 'all.ndcg@10', a: 0.1, b: 0.15, delta: expect.closeTo(0.05, 12) });
      expect(diff.find((d) => d.metric === 'only.v1')).toEqual({ metric: 'only.v1', a: 1, b: undefined, delta: undefined });
      const text = await registryCommand(access, ['diff', 'copurchase', 'v1', 'v2'], options);
      expect(text).toMatch(/all\.ndcg@10\s+0\.1000\s+0\.1500\s+\+0\.0500/);
      expect(text).toMatch(/new\.ndcg@10\s+0\.0500\s+0\.0750\s+\+0\.0250/);
      expect(text).toContain('parameters that differ: dim: 64 → 128');
    });

    it('gives the same answers straight from the store', async () => {
      const direct = storeRegistry(open());
      try {
        for (const args of [['list', 'copurchase'], ['show', 'copurchase', 'v2'], ['diff', 'copurchase', 'v2']]) expect(await registryCommand(direct, args, options)).toBe(await registryCommand(access, args, options));
      } finally {
        await direct.close();
      }
    });

    it('works as a command: exit 0 with the answer, exit 2 naming what is wrong', async () => {
      const shown = await run(process.execPath, [CLI, 'registry', 'show', 'copurchase', '--address', features.address]);
      expect(shown.stdout).toContain('version        v1');
      const missing = await run(process.execPath, [CLI, 'registry', 'show', 'copurchase', 'nope', '--address', features.address]).catch((error: { code: number; stderr: string }) => error);
      expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('model copurchase has no version nope') });
      const rollback = await run(process.execPath, [CLI, 'registry', 'rollback', 'copurchase', '--by', 'carol', '--address', features.address]).catch((error: { code: number; stderr: string }) => error);
      expect(rollback).toMatchObject({ code: 1, stderr: expect.stringContaining('FAILED_PRECONDITION') });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'aisle-registry-cli-'));
registryCliSuite('SQLite', { AISLE_STORE: 'sqlite', AISLE_SQLITE_PATH: join(dir, 'aisle.db') }, async () => rmSync(dir, { recursive: true, force: true }));

describeCassandra('registry CLI on Cassandra', (target) => {
  const keyspace = uniqueKeyspace('registry_cli');
  registryCliSuite('Cassandra', { AISLE_STORE: 'cassandra', AISLE_CASSANDRA_CONTACT_POINTS: target.contactPoints.join(','), AISLE_CASSANDRA_DATACENTER: target.localDataCenter, AISLE_CASSANDRA_KEYSPACE: keyspace }, async () => {
    const admin = new Client({ contactPoints: target.contactPoints, localDataCenter: target.localDataCenter });
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await admin.shutdown();
  });
});
