// Where things are: the repository root (from src/ under tsx and from dist/ once built), the built
// services whose train and main scripts the pipeline runs, and the pipeline's own directory.
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..');

export const serviceMain = (service: string) => join(ROOT, 'services', service, 'dist', 'main.js');
export const trainScript = (model: 'copurchase' | 'affinity') => join(ROOT, 'services', `${model}-model-service`, 'dist', 'train.js');

/** Default working directory of the pipeline: steps, snapshots and runs (git-ignored with .data/). */
export const DEFAULT_PIPELINE_DIR = join(ROOT, '.data', 'pipeline');

/** The blend the ranker ships with, served while the registry has no production blend. */
export const SHIPPED_BLEND_FILE = join(ROOT, 'services', 'ranker', 'blend', 'learned.json');
