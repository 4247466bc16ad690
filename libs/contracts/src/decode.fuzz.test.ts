// Random bytes into every request decoder of every service: a decoder either returns a message or
// throws an Error (which the servers turn into INVALID_ARGUMENT); it never hangs or throws a non-Error,
// and what it returns re-encodes and decodes to the same message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { affinity, copurchase, features, ranker, registry } from './index';

type Definition = Record<string, { path: string; requestDeserialize: (buffer: Buffer) => unknown; requestSerialize: (value: never) => Buffer }>;

const definitions: Definition[] = [
  features.FeatureServiceService,
  registry.ModelRegistryServiceService,
  copurchase.CopurchaseServiceService,
  affinity.AffinityServiceService,
  ranker.RankerServiceService,
] as unknown as Definition[];
const methods = definitions.flatMap((definition) => Object.values(definition));

describe('request decoders', () => {
  it.each(methods.map((method) => [method.path, method] as const))('%s: random bytes decode or throw an Error', (_path, method) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        let decoded: unknown;
        try {
          decoded = method.requestDeserialize(Buffer.from(bytes));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          return;
        }
        const again = method.requestDeserialize(method.requestSerialize(decoded as never));
        // toStrictEqual compares with Object.is, so a decoded NaN matches its re-decoded NaN.
        expect(again).toStrictEqual(decoded);
      }),
      { numRuns: 300 },
    );
  });
});
