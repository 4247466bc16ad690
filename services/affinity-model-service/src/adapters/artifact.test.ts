import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES } from '../domain/features';
import { trainTinyModel } from '../testing/tiny-model';
import type { TrainResult } from '../training/train-affinity';
import { ArtifactError, decodeArtifact, sha256 } from './artifact';
import { fileModelSource } from './file-source';
import { loadAffinityModel } from './model-loader';

describe('affinity artifact', () => {
  let trained: TrainResult;
  const dir = mkdtempSync(join(tmpdir(), 'affinity-artifact-'));
  beforeAll(async () => {
    trained = await trainTinyModel();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips the model, the product table, the defaults and the metadata', () => {
    const content = decodeArtifact(trained.artifactBytes);
    expect(content.features).toEqual([...FEATURES]);
    expect(content.info.version).toBe(trained.info.version);
    expect(content.info.trainingRows).toBe(trained.trainingSet.rows);
    expect(Object.keys(content.info.importance)).toEqual([...FEATURES]);
    expect(content.info.parameters['xgb.objective']).toBe('binary:logistic');
    expect(content.model.learner.feature_names).toEqual([...FEATURES]);
    expect(content.productTable).toEqual(JSON.parse(JSON.stringify(trained.content.productTable)));
    expect(Buffer.from(content.wasmModel!).equals(Buffer.from(trained.content.wasmModel!))).toBe(true);
    expect(trained.checksum).toBe(sha256(trained.artifactBytes));
    expect(trained.registryInfo).toMatchObject({ id: { model: 'affinity', version: trained.info.version }, checksum: trained.checksum, stage: 'candidate' });
  });

  it('refuses a damaged artifact', async () => {
    const damaged = Buffer.from(trained.artifactBytes);
    damaged[damaged.length - 10] ^= 0xff;
    expect(() => decodeArtifact(damaged)).toThrow(ArtifactError);
    await expect(loadAffinityModel(damaged.subarray(0, 100))).rejects.toThrow(ArtifactError);
  });

  it('serves a local file as a model source whose version follows the file', async () => {
    const path = join(dir, 'affinity.model');
    writeFileSync(path, trained.artifactBytes);
    const source = fileModelSource(path, 'affinity');
    const info = await source.production('affinity');
    expect(info).toMatchObject({ id: { model: 'affinity', version: trained.info.version }, checksum: trained.checksum });
    expect(sha256(await source.fetch('affinity', trained.info.version))).toBe(trained.checksum);
    expect(await source.version('affinity', trained.info.version)).toEqual(info);
    expect(await source.version('affinity', 'another')).toBeUndefined();
    const other = await trainTinyModel({ seed: 9, rounds: 5 });
    writeFileSync(`${path}.tmp`, other.artifactBytes);
    renameSync(`${path}.tmp`, path);
    expect((await source.production('affinity'))?.id?.version).toBe(other.info.version);
    await expect(source.fetch('affinity', trained.info.version)).rejects.toThrow(/holds/);
    expect(await source.version('affinity', trained.info.version)).toBeUndefined();
  });
});
