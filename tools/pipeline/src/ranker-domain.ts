// The ranker's own blend code (DEFAULT_BLEND, fitBlend), loaded from the built service: tools depend
// on libs only, so, like the train commands, the fitter is used as a built artifact of the service
// (services/ranker/dist). The same approach as tools/evaluate.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export const BLEND_PARTS = ['copurchase', 'affinity', 'popularity', 'repeat', 'context'] as const;
export type BlendPart = (typeof BLEND_PARTS)[number];
export type BlendWeights = Record<BlendPart, number>;

export interface FitCandidate {
  productId: string;
  signals: Record<BlendPart, number>;
}

export interface FitList {
  candidates: FitCandidate[];
  truth: ReadonlySet<string>;
  exclude?: ReadonlySet<string>;
}

export interface FitView {
  name: string;
  lists: FitList[];
}

export interface FitResult {
  weights: BlendWeights;
  objective: number;
  perView: Record<string, number>;
  uniformObjective: number;
  evaluations: number;
}

export interface RankerDomain {
  DEFAULT_BLEND: BlendWeights;
  fitBlend(views: FitView[], options: { k?: number; maxPerFamily?: number; seed?: number }): FitResult;
}

export function loadRankerDomain(): RankerDomain {
  const dist = join(ROOT, 'services', 'ranker', 'dist', 'domain');
  const files = { blend: join(dist, 'blend.js'), fit: join(dist, 'fit-blend.js') };
  for (const file of Object.values(files)) if (!existsSync(file)) throw new Error(`${file} is missing: build the services first (npx nx run-many -t build)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const blend = require(files.blend) as Pick<RankerDomain, 'DEFAULT_BLEND'>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fit = require(files.fit) as Pick<RankerDomain, 'fitBlend'>;
  if (typeof fit.fitBlend !== 'function' || typeof blend.DEFAULT_BLEND !== 'object') throw new Error(`${dist} does not export fitBlend and DEFAULT_BLEND`);
  return { DEFAULT_BLEND: blend.DEFAULT_BLEND, fitBlend: fit.fitBlend };
}
