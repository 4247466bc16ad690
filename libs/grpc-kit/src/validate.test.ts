// Property tests of the shared request validators: for any input they either return the documented
// value or throw InvalidArgumentError naming the field, never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, requireFinite, requireId, requireIds, requireIntInRange, requireMaxItems, requireText } from './index';

// eslint-disable-next-line no-control-regex -- the validators' own definition of a control character
const CONTROL = /[\u0000-\u001f\u007f]/;

function outcome<T>(check: () => T): { value: T } | { error: InvalidArgumentError } {
  try {
    return { value: check() };
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return { error };
  }
}

const anyText = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }));
const anyNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 2 ** 53, -(2 ** 31)));

describe('request validators', () => {
  it('requireId accepts exactly the non-empty, bounded, control-free ids and returns them unchanged', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 80 }), (value, max) => {
        const result = outcome(() => requireId(value, 'user_id', max));
        const valid = value.length > 0 && value.length <= max && !CONTROL.test(value);
        if (valid) expect(result).toEqual({ value });
        else expect('error' in result && result.error.field === 'user_id' && result.error.message.startsWith('user_id: ')).toBe(true);
      }),
    );
  });

  it('requireText accepts empty or bounded control-free text', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 0, max: 80 }), (value, max) => {
        const result = outcome(() => requireText(value, 'context.country', max));
        expect('value' in result).toBe(value.length <= max && !CONTROL.test(value));
      }),
    );
  });

  it('requireIds keeps the first occurrence of each id, in order, or names the offending index', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('a', 'b', 'c', ''), anyText), { maxLength: 30 }), fc.integer({ min: 0, max: 30 }), (values, max) => {
        const result = outcome(() => requireIds(values, 'product_ids', max));
        if ('value' in result) {
          expect(result.value).toEqual([...new Set(values)]);
          expect(values.length).toBeLessThanOrEqual(max);
        } else if (values.length > max) {
          expect(result.error.field).toBe('product_ids');
        } else {
          const bad = values.findIndex((value) => value.length === 0 || value.length > 64 || CONTROL.test(value));
          expect(result.error.field).toBe(`product_ids[${bad}]`);
        }
      }),
    );
  });

  it('requireIntInRange accepts only whole numbers within the bounds', () => {
    fc.assert(
      fc.property(anyNumber, fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (value, min, span) => {
        const result = outcome(() => requireIntInRange(value, 'k', min, min + span));
        const valid = Number.isInteger(value) && value >= min && value <= min + span;
        expect('value' in result).toBe(valid);
        if (!valid && 'error' in result) expect(result.error.field).toBe('k');
      }),
    );
  });

  it('requireFinite refuses NaN and infinities and respects the minimum', () => {
    fc.assert(
      fc.property(anyNumber, fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }), (value, min) => {
        const result = outcome(() => requireFinite(value, 'weight', { min }));
        const valid = Number.isFinite(value) && (min === undefined || value >= min);
        expect('value' in result).toBe(valid);
      }),
    );
  });

  it('requireMaxItems enforces both bounds and says which', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 20 }), fc.nat(20), fc.nat(3), (values, max, min) => {
        const result = outcome(() => requireMaxItems(values, 'lines', max, min));
        expect('value' in result).toBe(values.length <= max && values.length >= min);
      }),
    );
  });
});
