// Artifact bytes → servable AffinityModel, with the engine chosen by configuration. With the wasm
// engine the model owns an ml-xgboost booster in the wasm heap: `dispose()` frees it, and HotSwapModel
// calls dispose once the last request on a replaced version is done.
import { AffinityModel, type ExplanationMethod } from '../domain/affinity-model';
import { FEATURE_COUNT } from '../domain/features';
import { decodeArtifact } from './artifact';
import { loadXgboostWasm, WasmBooster } from './xgboost-wasm';

export type Engine = 'js' | 'wasm';

export async function loadAffinityModel(bytes: Uint8Array, engine: Engine = 'js', explanations: ExplanationMethod = 'approx'): Promise<AffinityModel> {
  const content = decodeArtifact(bytes);
  if (engine === 'js') return new AffinityModel(content, undefined, explanations);
  if (!content.wasmModel) throw new Error('the wasm engine needs an artifact with an ml-xgboost model (models trained elsewhere are served by the js engine)');
  const booster = WasmBooster.load(await loadXgboostWasm(), content.wasmModel);
  try {
    return new AffinityModel(content, { predict: (values, rows) => booster.predict(values, rows, FEATURE_COUNT), dispose: () => booster.free() }, explanations);
  } catch (error) {
    booster.free();
    throw error;
  }
}
