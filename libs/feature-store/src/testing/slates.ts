// A complete slate for store tests, with whatever fields a test cares about overridden.
import type { Slate } from '../types';

export function slate(fields: Partial<Slate> & Pick<Slate, 'slateId' | 'servedUnixMs'>): Slate {
  return {
    requestId: fields.slateId,
    userHash: '0123456789abcdef',
    context: { country: 'United Kingdom', timeUnixMs: fields.servedUnixMs },
    experiment: 'blend-test',
    variant: 'control',
    shadow: false,
    models: [{ model: 'affinity', version: 'affinity-1' }],
    candidates: [{ productId: 'P1', score: 0.5, copurchase: 0.1, affinity: 0.2, popularity: 0.3, repeat: 0, context: 0.05, sources: ['popular'] }],
    served: ['P1'],
    k: 10,
    servings: 1,
    lastServedUnixMs: 0,
    repeatOf: '',
    ...fields,
  };
}
