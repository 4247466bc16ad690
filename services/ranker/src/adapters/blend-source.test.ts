import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEARNED_BLEND_FILE } from '../config';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { loadBlend } from './blend-source';

describe('loadBlend', () => {
  it('loads the shipped learned blend with its version', () => {
    const blend = loadBlend(LEARNED_BLEND_FILE);
    expect(blend.version).toMatch(/^blend-fit-/);
    expect(blend.weights).not.toEqual(DEFAULT_BLEND);
    expect(Object.values(blend.weights).reduce((sum, weight) => sum + weight, 0)).toBeCloseTo(1, 3);
  });

  it('uses the hand-set weights for "builtin" and refuses a file with a bad weight', () => {
    expect(loadBlend('builtin')).toEqual({ weights: DEFAULT_BLEND, version: '' });
    const file = join(mkdtempSync(join(tmpdir(), 'blend-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ version: 'x', weights: { ...DEFAULT_BLEND, affinity: -1 } }));
    expect(() => loadBlend(file)).toThrow(/"affinity"/);
  });
});
