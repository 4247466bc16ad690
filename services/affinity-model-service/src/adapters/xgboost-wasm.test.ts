import { beforeAll, describe, expect, it } from 'vitest';
import { contributions, ensembleFromXgbJson, predictMargins, transform } from '../domain/tree-ensemble';
import { seededRandom } from '@aisle/retail-data';
import { legacyBinaryToXgbJson } from './legacy-binary';
import { loadXgboostWasm, trainBinaryModel, WasmBooster, wasmHeapBreak, wasmHeapBytes, type WasmXgboost } from './xgboost-wasm';

const COLS = 4;
function dataset(rows: number, seed: number) {
  const random = seededRandom(seed);
  const values = new Float64Array(rows * COLS);
  const labels = new Float64Array(rows);
  for (let r = 0; r < rows; r += 1) {
    for (let j = 0; j < COLS; j += 1) values[r * COLS + j] = random() < 0.1 ? Number.NaN : random() * 10;
    const a = values[r * COLS];
    labels[r] = (Number.isNaN(a) ? 4 : a) + 0.5 * (values[r * COLS + 1] || 0) + random() * 2 > 7 ? 1 : 0;
  }
  return { values, labels };
}

describe('ml-xgboost adapter', () => {
  let x: WasmXgboost;
  let binary: Uint8Array;
  const { values, labels } = dataset(3000, 5);

  beforeAll(async () => {
    x = await loadXgboostWasm();
    binary = trainBinaryModel(x, values, labels, COLS, { params: { objective: 'binary:logistic', max_depth: 4, eta: 0.3, subsample: 0.8, seed: 1, silent: 1 }, rounds: 25 });
  });

  it('trains a model whose converted JSON form predicts exactly what ml-xgboost predicts', () => {
    const ensemble = ensembleFromXgbJson(legacyBinaryToXgbJson(binary));
    expect(ensemble.numTrees).toBe(25);
    const booster = WasmBooster.load(x, binary);
    try {
      const wasm = booster.predict(values, 500, COLS);
      const margins = predictMargins(ensemble, values, 500);
      for (let i = 0; i < 500; i += 1) expect(Math.abs(transform(ensemble, margins[i]) - wasm[i])).toBeLessThan(1e-6);
      // The model learned the planted rule: a large first feature means a positive.
      const high = Float64Array.from([9, 5, 1, 1]);
      const low = Float64Array.from([1, 1, 1, 1]);
      expect(booster.predict(high, 1, COLS)[0]).toBeGreaterThan(0.8);
      expect(booster.predict(low, 1, COLS)[0]).toBeLessThan(0.2);
      const c = contributions(ensemble, high);
      expect(c[0]).toBeGreaterThan(Math.abs(c[2]));
      expect(Math.abs(c.reduce((a, b) => a + b, 0) - predictMargins(ensemble, high, 1)[0])).toBeLessThan(1e-5);
    } finally {
      booster.free();
    }
  });

  it('keeps the wasm heap flat across many load/free cycles, and the measure does catch a leak', () => {
    for (let i = 0; i < 5; i += 1) WasmBooster.load(x, binary).free();
    const before = { top: wasmHeapBreak(x), memory: wasmHeapBytes(x) };
    for (let i = 0; i < 400; i += 1) {
      const booster = WasmBooster.load(x, binary);
      booster.predict(values, 2, COLS);
      booster.free();
    }
    // ml-xgboost's C glue leaks one 4-byte handle per load; 64 KiB of slack covers that and nothing more.
    expect(wasmHeapBreak(x) - before.top).toBeLessThan(64 * 1024);
    expect(wasmHeapBytes(x)).toBe(before.memory);
    // Control: the same loop without free() pushes the break up by ~ one model per load.
    const leaked: WasmBooster[] = [];
    for (let i = 0; i < 400; i += 1) leaked.push(WasmBooster.load(x, binary));
    expect(wasmHeapBreak(x) - before.top).toBeGreaterThan(400 * binary.length);
    for (const booster of leaked) booster.free();
  });
});
