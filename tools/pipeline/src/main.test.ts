import { describe, expect, it } from 'vitest';
import { parseRunOptions } from './main';
import { DEFAULT_RUN_OPTIONS, reproduceCommand } from './pipeline';
import { UsageError } from './registry-cli';
import { trainArgs } from './trainers';

describe('pipeline run options', () => {
  it('defaults to promoting after registering, and passes extra train command options through', () => {
    expect(parseRunOptions([])).toMatchObject({ ...DEFAULT_RUN_OPTIONS, register: true, promote: true });
    const options = parseRunOptions(['--copurchase-args=--dim 32  --negatives 5', '--affinity-args=--rounds 40', '--cut', '2011-11-09', '--dry-run']);
    expect(options).toMatchObject({ trainerArgs: { copurchase: ['--dim', '32', '--negatives', '5'], affinity: ['--rounds', '40'] }, cut: '2011-11-09', register: false, promote: false });
    expect(parseRunOptions(['--no-promote'])).toMatchObject({ register: true, promote: false });
  });

  it('refuses values that make no sense, naming the option', () => {
    expect(() => parseRunOptions(['--hr-tolerance', '2'])).toThrow(UsageError);
    expect(() => parseRunOptions(['--epochs', '1.5'])).toThrow(/--epochs/);
    expect(() => parseRunOptions(['--jobs', '0'])).toThrow(/--jobs/);
  });

  it("trains copurchase with the train command's own epochs unless --epochs is given", () => {
    const base = { file: 'x.csv.gz', cut: '2011-11-09', seed: 42, extra: [], codeVersion: 'test' };
    const defaults = parseRunOptions([]);
    expect(defaults.epochs).toBeUndefined();
    expect(trainArgs('copurchase', { ...base, epochs: defaults.epochs })).not.toContain('--epochs');
    expect(reproduceCommand({ ...defaults, dir: '/d' }, '2011-11-09', 'sqlite')).not.toContain('--epochs');
    const two = parseRunOptions(['--epochs', '2']);
    expect(trainArgs('copurchase', { ...base, epochs: two.epochs })).toEqual(expect.arrayContaining(['--epochs', '2']));
    expect(reproduceCommand({ ...two, dir: '/d' }, '2011-11-09', 'sqlite')).toContain('--epochs 2');
    expect(trainArgs('affinity', { ...base, epochs: two.epochs })).not.toContain('--epochs');
  });
});
