// Runs a service's own train command (its built dist/train.js) in a child process, the sanctioned way
// for a tool to train a service's model: the artifact and its registry metadata land in the step's
// directory, the command's output in train.log beside them.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { common } from '@aisle/contracts';
import { ROOT, trainScript } from './paths';

export type ModelName = 'copurchase' | 'affinity';

export interface TrainOptions {
  /** The snapshot CSV (--file). */
  file: string;
  /** The cut as the train commands take it ('YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'). */
  cut: string;
  seed: number;
  /** Copurchase epochs; undefined = the train command's default. */
  epochs?: number;
  /** More options for the train command (e.g. ["--dim", "32"]). */
  extra: readonly string[];
  codeVersion: string;
}

export interface Trained {
  /** File names inside the step directory. */
  artifact: string;
  info: common.ModelInfo;
  seconds: number;
}

export function trainArgs(model: ModelName, options: TrainOptions): string[] {
  const common = ['--file', options.file, '--cut', options.cut, '--seed', String(options.seed)];
  const epochs = options.epochs !== undefined ? ['--epochs', String(options.epochs)] : [];
  return [...(model === 'copurchase' ? [...common, ...epochs, '--skip-baseline'] : common), ...options.extra];
}

export function runTrainer(model: ModelName, options: TrainOptions, dir: string): Promise<Trained> {
  const script = trainScript(model);
  if (!existsSync(script)) throw new Error(`${script} is missing: build the services first (npx nx run-many -t build)`);
  const args = [script, ...trainArgs(model, options), '--out', join(dir, 'artifact.bin'), '--info-out', join(dir, 'info.json')];
  const started = performance.now();
  const log = createWriteStream(join(dir, 'train.log'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, AISLE_CODE_VERSION: options.codeVersion }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', reject);
    child.once('exit', (code) => {
      log.end(() => {
        if (code !== 0) {
          const tail = readFileSync(join(dir, 'train.log'), 'utf8').split('\n').slice(-15).join('\n');
          reject(new Error(`${model} training (node ${args.join(' ')}) failed with exit code ${code}:\n${tail}`));
          return;
        }
        const info = JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')) as common.ModelInfo;
        resolve({ artifact: 'artifact.bin', info, seconds: (performance.now() - started) / 1000 });
      });
    });
  });
}
