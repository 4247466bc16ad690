// The replay over a real SQLite store: slates and transactions written through the store's own
// methods, the command run as `pipeline replay` runs it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@aisle/feature-store';
import { DAY_MS } from '@aisle/retail-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../registry-cli';
import { parseReplayArgs, replayCommand } from './cli';
import type { ReplayResult } from './replay';
import { replayFingerprint, replayForRun } from './run';
import { ALL, day, lines, slate, T0 } from './testing';

const YEAR_S = 365 * 86_400;

describe('pipeline replay on a SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aisle-replay-'));
  let store: SqliteStore;

  beforeAll(async () => {
    store = new SqliteStore(join(dir, 'aisle.db'));
    await store.ingest(lines);
    expect(await store.appendSlates(ALL, YEAR_S)).toEqual({ stored: ALL.length, duplicates: 0 });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const WINDOW = ['--from', new Date(day(-5)).toISOString(), '--to', new Date(day(35)).toISOString()];

  it('prints the per-experiment tables with the known figures', async () => {
    const markdown = await replayCommand(store, WINDOW);
    expect(markdown).toContain('# Replay of logged slates (store sqlite)');
    expect(markdown).toContain('12 read (servings 12), 10 scored (servings 10), 2 pending');
    expect(markdown).toMatch(/\| control \| no \| 4 \| 4 \| 3 \| 1 \| 0\.7500 \[[\d.]+, [\d.]+\] \| [\d.]+ \[/);
    expect(markdown).toMatch(/\| treatment \| no \| 2 \| 2 \| 1 \| 0 \| 1\.0000 \[1\.0000, 1\.0000\] \|/);
    expect(markdown).toMatch(/\| shadow-x \| control \| 2 \| 2 \| 1 \| 1 \| 0\.5000 \[[\d.]+, [\d.]+\] \| 0\.5000 \[[\d.]+, [\d.]+\] \| 0\.0000 \[/);
    expect(markdown).toContain('## Experiment other');
  });

  it('answers JSON, one experiment, another horizon', async () => {
    const result = JSON.parse(await replayCommand(store, [...WINDOW, '--experiment', 'exp', '--horizon', '1d', '--json'])) as ReplayResult;
    expect(result.groups.map((g) => g.variant)).toEqual(['control', 'treatment', 'shadow-x']);
    expect(result.groups[0]).toMatchObject({ slates: 5, pending: 0, hr: { value: 1 / 5 } });
    expect(result.options).toMatchObject({ horizonMs: DAY_MS, k: 10, resamples: 1000, experiment: 'exp' });
  });

  it('reads only the window asked for (default: the 90 days before now)', async () => {
    const result = JSON.parse(await replayCommand(store, ['--json'], day(35))) as ReplayResult;
    expect(result.slates).toBe(12);
    expect(JSON.parse(await replayCommand(store, ['--json', '--to', new Date(day(0) + 1).toISOString()])).slates).toBe(8); // served after day 0: s5, s6, s7, s10 and "late"
    expect(await replayCommand(store, ['--from', '2020-01-01', '--to', '2020-02-01'])).toContain('No logged slates in this window.');
  });

  it('refuses bad options, naming them', () => {
    expect(() => parseReplayArgs(['--horizon', '7 weeks'], T0)).toThrow(/--horizon/);
    expect(() => parseReplayArgs(['--from', 'yesterday'], T0)).toThrow(UsageError);
    expect(() => parseReplayArgs(['--from', '2026-02-01', '--to', '2026-01-01'], T0)).toThrow(/--from must be before --to/);
    expect(parseReplayArgs(['--horizon', '36h', '--resamples', '200'], T0).options).toMatchObject({ horizonMs: 36 * 3_600_000, resamples: 200, fromUnixMs: T0 - 90 * DAY_MS, toUnixMs: T0 });
  });

  it("the pipeline's run key changes when a scorable slate arrives, not when a pending one does", async () => {
    const snapshot = { lines, lastUnixMs: day(30) };
    const fingerprint = async () => replayFingerprint(await replayForRun(store, snapshot, { seed: 42, nowUnixMs: day(60) }));
    const before = await fingerprint();
    expect(before.scorable).toBe(10 + 1); // every slate but s6 and s10 (pending), "late" included
    await store.appendSlates([slate({ id: 'new-pending', user: 'u1', asOf: day(29), served: ['A'] })], YEAR_S);
    expect(await fingerprint()).toEqual(before);
    await store.appendSlates([slate({ id: 'new-scorable', user: 'u1', asOf: day(1), served: ['A'] })], YEAR_S);
    const after = await fingerprint();
    expect(after.scorable).toBe(12);
    expect(after.slates).not.toBe(before.slates);
    const evaluated = (await replayForRun(store, snapshot, { seed: 42, nowUnixMs: day(60) })).evaluate();
    expect(evaluated).toMatchObject({ slates: 15, pending: 3 });
  });
});
