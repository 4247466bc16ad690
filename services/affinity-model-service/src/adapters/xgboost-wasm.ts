// ml-xgboost (xgboost 0.72 compiled to wasm) behind a small typed surface: train, save, load, predict,
// free. Boosters live in the wasm heap, which the JS garbage collector never sees: every booster
// loaded here must be `free()`d, and the heap size is exposed so tests can show it stays flat.
//
// We call the module's C entry points directly instead of ml-xgboost's class: its `train` copies the
// whole matrix onto the 5 MiB wasm stack (our training sets are far bigger), and its `predict`
// allocates per row. The missing-value marker of this build is -1 (NaN aborts the module), so NaN
// features are written as -1; our features are never negative otherwise.

interface EmscriptenModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _sbrk(increment: number): number;
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: (number | string)[]) => number;
}

export interface WasmXgboost {
  readonly module: EmscriptenModule;
  readonly createModel: (data: number, labels: number, rows: number, cols: number) => number;
  readonly setParam: (model: number, key: string, value: string) => number;
  readonly train: (model: number, iterations: number) => number;
  readonly predictOne: (model: number, row: number, cols: number, out: number) => number;
  readonly saveModel: (model: number) => number;
  readonly getFileContent: (pointer: number, size: number) => number;
  readonly loadModel: (pointer: number, size: number) => number;
  readonly freeModel: (model: number) => number;
}

let loading: Promise<WasmXgboost> | undefined;

/** Loads the wasm module once per process (it prints a harmless "wasm streaming compile failed" line). */
export function loadXgboostWasm(): Promise<WasmXgboost> {
  loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS module without types
    await (require('ml-xgboost') as Promise<unknown>);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the same module instance ml-xgboost initialised
    const module = require('ml-xgboost/dist/wasm/xgboost') as EmscriptenModule;
    const n = 'number';
    return {
      module,
      createModel: module.cwrap('create_model', n, [n, n, n, n]),
      setParam: module.cwrap('set_param', null, [n, 'string', 'string']),
      train: module.cwrap('train_full_model', null, [n, n]),
      predictOne: module.cwrap('predict_one', n, [n, n, n, n]),
      saveModel: module.cwrap('save_model', n, [n]),
      getFileContent: module.cwrap('get_file_content', null, [n, n]),
      loadModel: module.cwrap('load_model', n, [n, n]),
      freeModel: module.cwrap('free_memory_model', null, [n]),
    };
  })();
  return loading;
}

/** Size of the wasm memory in bytes (grows in large steps, never shrinks). */
export function wasmHeapBytes(x: WasmXgboost): number {
  return x.module.HEAPU8.byteLength;
}

/** The allocator's break (top of the used heap): freed blocks are reused below it, leaks push it up. */
export function wasmHeapBreak(x: WasmXgboost): number {
  return x.module._sbrk(0);
}

export interface BoosterParams {
  /** xgboost parameters (max_depth, eta, subsample, seed, tree_method, ...). */
  params: Record<string, string | number>;
  rounds: number;
}

function copyMatrix(x: WasmXgboost, values: Float64Array | Float32Array): number {
  const pointer = x.module._malloc(values.length * 4);
  if (pointer === 0) throw new Error(`wasm heap exhausted allocating ${values.length * 4} bytes`);
  const heap = x.module.HEAPF32;
  const base = pointer >> 2;
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    heap[base + i] = v !== v ? -1 : v;
  }
  return pointer;
}

/** Trains a booster on a row-major matrix and returns its saved (xgboost 0.72 binary) model. */
export function trainBinaryModel(x: WasmXgboost, values: Float64Array, labels: Float64Array, cols: number, options: BoosterParams): Uint8Array {
  const rows = labels.length;
  if (values.length !== rows * cols) throw new Error(`matrix has ${values.length} values, expected ${rows}×${cols}`);
  const data = copyMatrix(x, values);
  const label = copyMatrix(x, labels);
  let model = 0;
  try {
    model = x.createModel(data, label, rows, cols);
    for (const [key, value] of Object.entries(options.params)) x.setParam(model, key, String(value));
    x.train(model, options.rounds);
    return saveBinary(x, model);
  } finally {
    x.module._free(data);
    x.module._free(label);
    if (model !== 0) x.freeModel(model);
  }
}

function saveBinary(x: WasmXgboost, model: number): Uint8Array {
  const size = x.saveModel(model);
  if (size <= 0) throw new Error('xgboost could not save the model');
  const pointer = x.module._malloc(size);
  try {
    x.getFileContent(pointer, size);
    return x.module.HEAPU8.slice(pointer, pointer + size);
  } finally {
    x.module._free(pointer);
  }
}

/** A booster loaded into the wasm heap. Call `free()` when replacing it. */
export class WasmBooster {
  private freed = false;
  private constructor(
    private readonly x: WasmXgboost,
    private readonly handle: number,
  ) {}

  static load(x: WasmXgboost, binary: Uint8Array): WasmBooster {
    const pointer = x.module._malloc(binary.length);
    try {
      x.module.HEAPU8.set(binary, pointer);
      const handle = x.loadModel(pointer, binary.length);
      if (handle === 0) throw new Error('xgboost could not load the model');
      return new WasmBooster(x, handle);
    } finally {
      x.module._free(pointer);
    }
  }

  /** Probabilities of `rows` rows of a row-major matrix `cols` wide. */
  predict(values: Float64Array, rows: number, cols: number): Float64Array {
    if (this.freed) throw new Error('booster already freed');
    const row = x32(this.x, cols);
    const out = this.x.module._malloc(4 * 16);
    const result = new Float64Array(rows);
    try {
      for (let r = 0; r < rows; r += 1) {
        const heap = this.x.module.HEAPF32;
        for (let j = 0; j < cols; j += 1) {
          const v = values[r * cols + j];
          heap[(row >> 2) + j] = v !== v ? -1 : v;
        }
        this.x.predictOne(this.handle, row, cols, out);
        result[r] = this.x.module.HEAPF32[out >> 2];
      }
      return result;
    } finally {
      this.x.module._free(row);
      this.x.module._free(out);
    }
  }

  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.x.freeModel(this.handle);
  }
}

function x32(x: WasmXgboost, cols: number): number {
  const pointer = x.module._malloc(cols * 4);
  if (pointer === 0) throw new Error('wasm heap exhausted');
  return pointer;
}
