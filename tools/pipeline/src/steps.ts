// Resumable, content-addressed steps. A step's outputs live in steps/<name>/<key>/, where the key is
// the hash of everything the step depends on (input hashes, parameters, code version). A finished
// step has its result.json; a rerun with the same key reads it instead of working. Work happens in a
// temporary directory renamed into place at the end, so an interrupted step leaves nothing that
// looks finished and the next run redoes just that step.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalJson, hashOf } from './hash';

export interface StepRecord {
  name: string;
  key: string;
  dir: string;
  /** True when the outputs were already there (nothing was run). */
  cached: boolean;
  seconds: number;
}

export interface StepOutcome<T> extends StepRecord {
  result: T;
}

export class StepStore {
  readonly records: StepRecord[] = [];

  constructor(
    readonly root: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** The key a step with these inputs has (its first 20 hex digits are enough to address it). */
  static keyOf(name: string, inputs: unknown): string {
    return hashOf({ step: name, inputs }).slice(0, 20);
  }

  dirOf(name: string, key: string): string {
    return join(this.root, 'steps', name, key);
  }

  /** The finished result of a step, if there is one. */
  peek<T>(name: string, inputs: unknown): T | undefined {
    const file = join(this.dirOf(name, StepStore.keyOf(name, inputs)), 'result.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
  }

  async run<T>(name: string, inputs: unknown, work: (dir: string) => Promise<T> | T): Promise<StepOutcome<T>> {
    const key = StepStore.keyOf(name, inputs);
    const dir = this.dirOf(name, key);
    const started = performance.now();
    const resultFile = join(dir, 'result.json');
    if (existsSync(resultFile)) {
      const record = { name, key, dir, cached: true, seconds: (performance.now() - started) / 1000 };
      this.records.push(record);
      this.log(`step ${name} ${key}: done before, reused`);
      return { ...record, result: JSON.parse(readFileSync(resultFile, 'utf8')) as T };
    }
    this.log(`step ${name} ${key}: running`);
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    let result: T;
    try {
      result = await work(tmp);
      writeFileSync(join(tmp, 'inputs.json'), canonicalJson(inputs) + '\n');
      writeFileSync(join(tmp, 'result.json'), JSON.stringify(result, null, 2) + '\n');
      // Relative paths in results stay valid after the rename: callers resolve them against `dir`.
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      throw error;
    }
    const record = { name, key, dir, cached: false, seconds: (performance.now() - started) / 1000 };
    this.records.push(record);
    this.log(`step ${name} ${key}: finished in ${record.seconds.toFixed(1)} s`);
    return { ...record, result };
  }
}
