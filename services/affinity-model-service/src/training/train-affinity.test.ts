import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../domain/time';
import { syntheticLines } from '../testing/synthetic';
import { TINY_CUT_MS, trainTinyModel } from '../testing/tiny-model';

describe('trainAffinityModel', () => {
  it('never learns from lines at or after the cut, and the same inputs give the same version', async () => {
    const lines = syntheticLines();
    const base = await trainTinyModel({ lines });
    // Lines after the cut that would change every feature and label if they leaked in.
    const after = lines.filter((l) => l.invoiceDate < TINY_CUT_MS).slice(0, 500).map((l, i) => ({ ...l, invoiceNo: `9${i}`, invoiceDate: TINY_CUT_MS + (i % 20) * DAY_MS, quantity: 50 }));
    const withFuture = await trainTinyModel({ lines: [...lines, ...after] });
    expect(withFuture.info.version).toBe(base.info.version);
    expect(withFuture.info.inputHash).toBe(base.info.inputHash);
    expect(withFuture.content.productTable).toEqual(base.content.productTable);
    expect(Array.from(withFuture.trainingSet.labels)).toEqual(Array.from(base.trainingSet.labels));
    // Control: the same extra lines before the cut do change the model.
    const before = after.map((l) => ({ ...l, invoiceDate: l.invoiceDate - 25 * DAY_MS }));
    const withPast = await trainTinyModel({ lines: [...lines, ...before] });
    expect(withPast.info.inputHash).not.toBe(base.info.inputHash);
    expect(withPast.info.version).not.toBe(base.info.version);
    for (const w of base.trainingSet.windows) expect(w.labelEndMs).toBeLessThanOrEqual(TINY_CUT_MS);
    expect(base.info.trainEndUnixMs).toBe(TINY_CUT_MS);
  });
});
