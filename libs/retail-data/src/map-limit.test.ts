import { describe, expect, it } from 'vitest';
import { mapLimit } from './map-limit';

describe('mapLimit', () => {
  it('keeps input order whatever order the calls finish in, and never runs more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const delays = [30, 5, 20, 1, 10, 0, 15];
    const out = await mapLimit(delays, 3, async (ms, index) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return `${index}:${ms}`;
    });
    expect(out).toEqual(delays.map((ms, index) => `${index}:${ms}`));
    expect(most).toBe(3);
  });
  it('takes an empty list and refuses a limit that is not a positive integer', async () => {
    expect(await mapLimit([], 4, () => 1)).toEqual([]);
    await expect(mapLimit([1], 0, (x) => x)).rejects.toThrow(/positive integer/);
    await expect(mapLimit([1], 1.5, (x) => x)).rejects.toThrow(/positive integer/);
  });
  it('rejects with the first failure', async () => {
    await expect(mapLimit([1, 2, 3], 2, async (x) => { if (x === 2) throw new Error('two'); return x; })).rejects.toThrow('two');
  });
});
