import { describe, expect, it } from 'vitest';
import { shadowExperiment } from './shadow';

describe('shadow-cost experiments', () => {
  it('puts everyone in one control variant, and only the shadow differs between configurations', () => {
    const none = shadowExperiment('none', 'c-2');
    const blend = shadowExperiment('blend', 'c-2');
    const model = shadowExperiment('model', 'c-2');
    for (const experiment of [none, blend, model]) expect(experiment.variants).toEqual([{ name: 'control', share: 1 }]);
    expect(none).not.toHaveProperty('shadow');
    expect(blend.shadow).toMatchObject({ sample: 1, blend: expect.any(Object) });
    expect(blend.shadow).not.toHaveProperty('models');
    expect(model.shadow).toEqual({ name: 'shadow-copurchase', sample: 1, models: { copurchase: 'c-2' } });
    expect(new Set([none.name, blend.name, model.name]).size).toBe(3);
  });

  it('has no model shadow without another registered version', () => {
    expect(shadowExperiment('model', undefined)).not.toHaveProperty('shadow');
  });
});
