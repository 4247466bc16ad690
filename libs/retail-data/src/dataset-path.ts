import * as path from 'node:path';

/**
 * Absolute path of the shipped `online_retail.csv.gz`.
 *
 * Resolved from this module's own directory, which is `src/` when run from sources (tsx, vitest) and
 * `dist/` after a build; both sit one level below the package root that holds `data/`.
 */
export const DEFAULT_DATASET_PATH: string = path.resolve(__dirname, '../data/online_retail.csv.gz');
