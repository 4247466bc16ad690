import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '@aisle/telemetry';
import { DEFAULT_BLEND } from '@aisle/ranking';
import { afterAll, describe, expect, it } from 'vitest';
import { ExperimentsFile } from './experiments-file';
import { assign, bucketOf, parseExperiments, type Experiment } from './experiments';

const users = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);

describe('deterministic traffic split', () => {
  const experiment: Experiment = {
    name: 'blend-test',
    variants: [
      { name: 'control', share: 0.5 },
      { name: 'more-affinity', share: 0.3, blend: { ...DEFAULT_BLEND, affinity: 0.7 } },
      { name: 'more-repeat', share: 0.15, blend: { ...DEFAULT_BLEND, repeat: 0.5 } },
    ],
  };

  it('matches the configured shares within statistical bounds (4 standard deviations, 100,000 users)', () => {
    const counts = new Map<string, number>();
    for (const user of users) {
      const variant = assign([experiment], user, 0)?.variant ?? 'outside';
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    for (const [variant, share] of [['control', 0.5], ['more-affinity', 0.3], ['more-repeat', 0.15], ['outside', 0.05]] as const) {
      const expected = share * users.length;
      const sd = Math.sqrt(users.length * share * (1 - share));
      expect(Math.abs((counts.get(variant) ?? 0) - expected), variant).toBeLessThan(4 * sd);
    }
  });

  it('gives a user the same variant every time, and independent buckets in different experiments', () => {
    expect(users.slice(0, 1000).map((user) => assign([experiment], user, 0)?.variant)).toEqual(users.slice(0, 1000).map((user) => assign([experiment], user, 0)?.variant));
    // Correlation of a user's buckets across two experiments is near 0.
    const a = users.slice(0, 20_000).map((user) => bucketOf('first', user));
    const b = users.slice(0, 20_000).map((user) => bucketOf('second', user));
    const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
    const [ma, mb] = [mean(a), mean(b)];
    const cov = mean(a.map((x, i) => (x - ma) * (b[i]! - mb)));
    expect(Math.abs(cov / (Math.sqrt(mean(a.map((x) => (x - ma) ** 2))) * Math.sqrt(mean(b.map((x) => (x - mb) ** 2)))))).toBeLessThan(0.04);
    for (const x of a) expect(x >= 0 && x < 1).toBe(true);
  });

  it('applies an experiment only between its start and stop, and tries experiments in order', () => {
    const timed: Experiment = { name: 'timed', startUnixMs: 1000, stopUnixMs: 2000, variants: [{ name: 'all', share: 1 }] };
    const fallback: Experiment = { name: 'always', variants: [{ name: 'all', share: 1 }] };
    expect(assign([timed, fallback], 'u', 999)?.experiment).toBe('always');
    expect(assign([timed, fallback], 'u', 1000)?.experiment).toBe('timed');
    expect(assign([timed, fallback], 'u', 2000)?.experiment).toBe('always');
    expect(assign([], 'u', 0)).toBeUndefined();
  });
});

describe('parseExperiments', () => {
  it('reads a document and its blends', () => {
    const [experiment] = parseExperiments(JSON.stringify({ experiments: [{ name: 'e1', start: '2026-12-01T00:00:00Z', variants: [{ name: 'a', share: 0.5, blend: DEFAULT_BLEND }, { name: 'b', share: 0.5 }] }] }));
    expect(experiment).toEqual({ name: 'e1', startUnixMs: Date.UTC(2026, 11, 1), stopUnixMs: undefined, variants: [{ name: 'a', share: 0.5, blend: DEFAULT_BLEND }, { name: 'b', share: 0.5, blend: undefined }] });
  });

  it.each([
    [{}, /experiments: expected/],
    [{ experiments: [{ name: 'bad name!', variants: [{ name: 'a', share: 1 }] }] }, /experiments\[0\]\.name/],
    [{ experiments: [{ name: 'e', variants: [] }] }, /experiments\[0\]\.variants: at least one/],
    [{ experiments: [{ name: 'e', variants: [{ name: 'a', share: 0.7 }, { name: 'b', share: 0.4 }] }] }, /shares add up to 1\.1/],
    [{ experiments: [{ name: 'e', variants: [{ name: 'a', share: 1, blend: { affinity: -1 } }] }] }, /experiments\[0\]\.variants\[0\]\.blend/],
    [{ experiments: [{ name: 'e', start: 'soon', variants: [{ name: 'a', share: 1 }] }] }, /experiments\[0\]\.start/],
    [{ experiments: [{ name: 'e', variants: [{ name: 'a', share: 1 }] }, { name: 'e', variants: [{ name: 'a', share: 1 }] }] }, /used twice/],
  ])('refuses %j', (document, message) => {
    expect(() => parseExperiments(JSON.stringify(document))).toThrow(message);
  });
});

describe('ExperimentsFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-experiments-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];
  const logger = createLogger('ranker-test', new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }));

  it('picks up an edit, keeps the experiments in force after a bad edit, and refuses a bad file at start', () => {
    const file = join(dir, 'experiments.json');
    writeFileSync(file, JSON.stringify({ experiments: [{ name: 'one', variants: [{ name: 'a', share: 1 }] }] }));
    const experiments = new ExperimentsFile(file, logger);
    expect(experiments.current().map((experiment) => experiment.name)).toEqual(['one']);
    expect(experiments.reload()).toBe(false);

    writeFileSync(file, JSON.stringify({ experiments: [{ name: 'two', variants: [{ name: 'b', share: 0.5 }] }, { name: 'three', variants: [{ name: 'c', share: 1 }] }] }));
    expect(experiments.reload()).toBe(true);
    expect(experiments.current().map((experiment) => experiment.name)).toEqual(['two', 'three']);

    writeFileSync(file, '{"experiments": [');
    expect(experiments.reload()).toBe(false);
    expect(experiments.current().map((experiment) => experiment.name)).toEqual(['two', 'three']);
    expect(lines.some((line) => line.includes('experiments file invalid'))).toBe(true);

    expect(() => new ExperimentsFile(file, logger)).toThrow();
  });
});

describe('variant models and the shadow variant', () => {
  const document = (experiment: Record<string, unknown>) => JSON.stringify({ experiments: [{ name: 'models-test', variants: [{ name: 'control', share: 0.5 }], ...experiment }] });

  it("carries a variant's pinned model versions and the experiment's shadow into the assignment", () => {
    const [experiment] = parseExperiments(
      JSON.stringify({
        experiments: [
          {
            name: 'new-affinity',
            variants: [{ name: 'treatment', share: 1, models: { affinity: 'affinity-2011-11-09-abc' } }],
            shadow: { name: 'shadow-copurchase', sample: 0.25, models: { copurchase: 'copurchase@20261205T0035-96720dbbf6f0' }, blend: { ...DEFAULT_BLEND, copurchase: 0.6 } },
          },
        ],
      }),
    );
    expect(assign([experiment!], 'any-user', 0)).toMatchObject({
      experiment: 'new-affinity',
      variant: 'treatment',
      models: { affinity: 'affinity-2011-11-09-abc' },
      shadow: { name: 'shadow-copurchase', sample: 0.25, models: { copurchase: 'copurchase@20261205T0035-96720dbbf6f0' } },
    });
  });

  it.each([
    [{ variants: [{ name: 'v', share: 1, models: { ranker: 'x' } }] }, 'experiments[0].variants[0].models.ranker'],
    [{ variants: [{ name: 'v', share: 1, models: { affinity: '' } }] }, 'experiments[0].variants[0].models.affinity'],
    [{ variants: [{ name: 'v', share: 1, models: ['affinity'] }] }, 'experiments[0].variants[0].models'],
    [{ shadow: { name: 'control', sample: 0.1, blend: DEFAULT_BLEND } }, 'experiments[0].shadow.name'],
    [{ shadow: { name: 's', sample: 1.5, blend: DEFAULT_BLEND } }, 'experiments[0].shadow.sample'],
    [{ shadow: { name: 's', sample: 0.5 } }, 'experiments[0].shadow'],
    [{ shadow: { name: 's', sample: 0.5, models: { affinity: 'bad version!' } } }, 'experiments[0].shadow.models.affinity'],
  ])('rejects %j, naming %s', (experiment, where) => {
    expect(() => parseExperiments(document(experiment))).toThrow(where);
  });
});
