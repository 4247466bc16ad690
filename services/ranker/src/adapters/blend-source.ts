// Where the blend weights come from: a JSON file (AISLE_BLEND_FILE, by default the learned blend
// shipped in services/ranker/blend/), or the hand-set DEFAULT_BLEND when it says "builtin".
import { readFileSync } from 'node:fs';
import { DEFAULT_BLEND, validateWeights } from '../domain/blend';
import type { Blend } from '../flow/rank';

export function loadBlend(file: string): Blend {
  if (file === 'builtin') return { weights: DEFAULT_BLEND, version: '' };
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { version?: string; weights?: Record<string, unknown> };
  return { weights: validateWeights(parsed.weights ?? {}), version: parsed.version ?? file };
}
