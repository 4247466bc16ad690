// Where the blend weights come from at start-up: a JSON file (AISLE_BLEND_FILE, by default the learned
// blend shipped in services/ranker/blend/), or the hand-set DEFAULT_BLEND when it says "builtin". The
// registry's production blend (registry-blend.ts) replaces it once there is one.
import { readFileSync } from 'node:fs';
import { DEFAULT_BLEND, validateWeights } from '@aisle/ranking';
import type { Blend } from '../flow/rank';

/** A blend document `{ version, weights, ... }` (a blend file, or a registered blend artifact). */
export function parseBlend(json: string, fallbackVersion: string): Blend {
  const parsed = JSON.parse(json) as { version?: unknown; weights?: Record<string, unknown> } | null;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('a blend must be a JSON object { version, weights }');
  return { weights: validateWeights(parsed.weights ?? {}), version: typeof parsed.version === 'string' && parsed.version ? parsed.version : fallbackVersion };
}

export function loadBlend(file: string): Blend {
  if (file === 'builtin') return { weights: DEFAULT_BLEND, version: '' };
  return parseBlend(readFileSync(file, 'utf8'), file);
}
