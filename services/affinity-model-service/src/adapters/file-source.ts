// A ModelSource over one local artifact file: its production version is whatever the file holds now,
// so replacing the file (atomically, e.g. write + rename) hot-swaps the model like a registry promotion.
// It knows no other version: a request for any other `model_version` is NOT_FOUND.
import { readFile } from 'node:fs/promises';
import type { common } from '@aisle/contracts';
import type { ModelVersionInfo, VersionedModelSource } from '@aisle/model-serving';
import { decodeArtifact, sha256 } from './artifact';

/** Registry-shaped info of an affinity artifact (what GetModelInfo reports). */
export function modelInfoOf(bytes: Uint8Array, model: string, stage: string): ModelVersionInfo {
  const { info } = decodeArtifact(bytes);
  const version: common.ModelVersion = { model, version: info.version };
  return {
    id: version,
    createdUnixMs: info.createdUnixMs,
    trainStartUnixMs: info.trainStartUnixMs,
    trainEndUnixMs: info.trainEndUnixMs,
    trainingRows: info.trainingRows,
    inputHash: info.inputHash,
    codeVersion: info.codeVersion,
    parameters: info.parameters,
    metrics: info.metrics,
    checksum: sha256(bytes),
    stage,
    loadedUnixMs: 0,
  };
}

export function fileModelSource(path: string, model: string): VersionedModelSource {
  let cached: { bytes: Uint8Array; info: ModelVersionInfo } | undefined;
  const read = async () => {
    const bytes = new Uint8Array(await readFile(path));
    const checksum = sha256(bytes);
    if (cached?.info.checksum !== checksum) cached = { bytes, info: modelInfoOf(bytes, model, 'production') };
    return cached;
  };
  return {
    production: async () => (await read()).info,
    version: async (_model, version) => {
      const current = await read();
      return current.info.id?.version === version ? current.info : undefined;
    },
    fetch: async (_model, version) => {
      const current = await read();
      if (current.info.id?.version !== version) throw new Error(`${path} holds ${current.info.id?.version}, not ${version}`);
      return current.bytes;
    },
  };
}
